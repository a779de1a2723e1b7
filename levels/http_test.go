package levels_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/spanlog/spanlog/levels"
)

// do sends a request to the server and returns the status and body.
func do(t *testing.T, method, url, body string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

func newAdminServer(t *testing.T, sw *levels.Switch) string {
	srv := httptest.NewServer(sw.HTTPHandler())
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestHTTPGetShowsTheDirectives(t *testing.T) {
	url := newAdminServer(t, newSwitch(t, "info,github.com/acme/app/db=debug"))
	code, h, body := do(t, http.MethodGet, url, "")
	if code != http.StatusOK || body != "levels: info,github.com/acme/app/db=debug\n" {
		t.Errorf("GET = %d %q", code, body)
	}
	if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("Content-Type %q", ct)
	}
	code, _, body = do(t, http.MethodHead, url, "")
	if code != http.StatusOK || body != "" {
		t.Errorf("HEAD = %d %q", code, body)
	}
}

func TestHTTPGetShowsTheSwitchDefault(t *testing.T) {
	url := newAdminServer(t, newSwitch(t, "github.com/acme/app/db=debug", levels.WithDefaultLevel(slog.LevelWarn)))
	_, _, body := do(t, http.MethodGet, url, "")
	if want := "levels: github.com/acme/app/db=debug\ndefault: warn\n"; body != want {
		t.Errorf("GET = %q, want %q", body, want)
	}
}

func TestHTTPPutReplacesTheDirectives(t *testing.T) {
	var seen changes
	sw := newSwitch(t, "info", levels.WithOnChange(seen.add))
	url := newAdminServer(t, sw)
	code, _, body := do(t, http.MethodPut, url, "warn, [checkout]=debug\n")
	if code != http.StatusOK || body != "levels: warn,[checkout]=debug\n" {
		t.Errorf("PUT = %d %q", code, body)
	}
	inForce(t, sw, "warn,[checkout]=debug")
	if got := seen.all(); len(got) != 1 || got[0].To != "warn,[checkout]=debug" {
		t.Errorf("changes reported: %+v", got)
	}
}

func TestHTTPPutWithTTL(t *testing.T) {
	clock := newFakeClock()
	sw := newSwitch(t, "info", levels.WithClock(clock))
	url := newAdminServer(t, sw)
	code, _, body := do(t, http.MethodPut, url+"?ttl=10m", "debug")
	want := "levels: debug\nrevert: info at 2026-11-21T20:10:00Z (in 10m0s)\n"
	if code != http.StatusOK || body != want {
		t.Errorf("PUT ?ttl=10m = %d %q, want %q", code, body, want)
	}
	clock.Advance(4 * time.Minute)
	if _, _, body := do(t, http.MethodGet, url, ""); !strings.Contains(body, "(in 6m0s)") {
		t.Errorf("GET after 4m = %q", body)
	}
	clock.Advance(6 * time.Minute)
	inForce(t, sw, "info")
	if _, _, body := do(t, http.MethodGet, url, ""); body != "levels: info\n" {
		t.Errorf("GET after the revert = %q", body)
	}
}

func TestHTTPRejectsBadRequests(t *testing.T) {
	sw := newSwitch(t, "info")
	url := newAdminServer(t, sw)
	for _, c := range []struct {
		method, query, body string
		code                int
		says                string
	}{
		{http.MethodPut, "", "info,app=loud", http.StatusBadRequest, `directive "app=loud" at offset 9: unknown level "loud"`},
		{http.MethodPut, "", "", http.StatusBadRequest, "no directives"},
		{http.MethodPut, "?ttl=soon", "debug", http.StatusBadRequest, `ttl "soon"`},
		{http.MethodPut, "?ttl=-1m", "debug", http.StatusBadRequest, `ttl "-1m"`},
		{http.MethodPut, "", strings.Repeat("a", 64<<10+1), http.StatusRequestEntityTooLarge, "longer than"},
		{http.MethodPost, "", "debug", http.StatusMethodNotAllowed, "GET shows"},
		{http.MethodDelete, "", "", http.StatusMethodNotAllowed, "PUT replaces"},
	} {
		code, h, body := do(t, c.method, url+c.query, c.body)
		if code != c.code || !strings.Contains(body, c.says) {
			t.Errorf("%s %s: %d %q, want %d with %q", c.method, c.query, code, body, c.code, c.says)
		}
		if code == http.StatusMethodNotAllowed && h.Get("Allow") != "GET, HEAD, PUT" {
			t.Errorf("405 without Allow: %q", h.Get("Allow"))
		}
	}
	inForce(t, sw, "info")
}

// With no directives in force, as a pipeline starts without SPANLOG_LEVEL,
// GET and a pending revert say "(none)" rather than print nothing.
func TestHTTPShowsNoDirectivesAsNone(t *testing.T) {
	clock := newFakeClock()
	sw := levels.NewSwitch(nil, levels.WithClock(clock))
	url := newAdminServer(t, sw)
	if _, _, body := do(t, http.MethodGet, url, ""); body != "levels: (none)\ndefault: info\n" {
		t.Errorf("GET = %q", body)
	}
	_, _, body := do(t, http.MethodPut, url+"?ttl=1m", "debug")
	if want := "levels: debug\nrevert: (none) at 2026-11-21T20:01:00Z (in 1m0s)\n"; body != want {
		t.Errorf("PUT ?ttl=1m = %q, want %q", body, want)
	}
}
