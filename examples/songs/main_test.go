package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/spanlog/spanlog"
	"github.com/spanlog/spanlog/logfmt/logfmttest"
	"go.uber.org/goleak"
)

// leakOptions are goleak's options; the e2e build adds to them.
var leakOptions []goleak.Option

func TestMain(m *testing.M) { goleak.VerifyTestMain(m, leakOptions...) }

// The demo's output, with ids made sequential and run-to-run values
// scrubbed, is a reviewed golden file.
func TestDemoGolden(t *testing.T) {
	var out bytes.Buffer
	if err := run(listen{}, &out, spanlog.WithIDGenerator(logfmttest.NewIDGenerator())); err != nil {
		t.Fatal(err)
	}
	logfmttest.Golden(t, "testdata/demo.golden", scrubDemo(out.Bytes()))
}

// scrubDemo makes the demo's output stable: it scrubs timestamps,
// latencies and loopback ports from the lines, and keeps of the scrape only
// the db_event series, with the timing-dependent bucket and sum values
// scrubbed.
func scrubDemo(b []byte) []byte {
	b = logfmttest.ScrubKeys(b, "timestamp", "latency_ms", "server.port", "network.peer.port")
	var out bytes.Buffer
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<20)
	timing := regexp.MustCompile(`^(db_event_duration_seconds_(?:bucket|sum)\{.*\}) \S+$`)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "level=") || strings.Contains(line, "db_event") {
			out.WriteString(timing.ReplaceAllString(line, "$1 <n>") + "\n")
		}
	}
	return out.Bytes()
}

// The db_event series after the demo, plain (no otel_scope_* labels): 8
// saves, all ok.
func TestDemoScrapeHasPlainSeries(t *testing.T) {
	var out bytes.Buffer
	if err := run(listen{}, &out); err != nil {
		t.Fatal(err)
	}
	const labels = `{event_table="events",event_type="Song",result="ok",span_name="save_event"}`
	for _, want := range []string{
		"\ndb_event_total" + labels + " 8\n",
		"\ndb_event_duration_seconds_count" + labels + " 8\n",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("scrape lacks %q", strings.TrimSpace(want))
		}
	}
	if n := strings.Count(out.String(), "span_event=close_span"); n != 41 {
		t.Errorf("%d spans closed, want 41: 8 × (request, 2 vendors, save, index) + 1 bad request", n)
	}
}

// The tail buffer at work: the bad request's DEBUG detail prints, marked
// replayed, and no good request's does.
func TestDemoDebugOnlyForTheBadRequest(t *testing.T) {
	var out bytes.Buffer
	if err := run(listen{}, &out); err != nil {
		t.Fatal(err)
	}
	var debug []string
	for line := range strings.Lines(out.String()) {
		if strings.HasPrefix(line, "level=DEBUG") {
			debug = append(debug, line)
		}
	}
	if len(debug) != 1 || !strings.Contains(debug[0], `msg="decoded body" replayed=true song.title="" song.artist=Nobody`) ||
		!strings.Contains(debug[0], "request_id=req-0009") {
		t.Errorf("DEBUG lines %q, want the bad request's decoded body alone", debug)
	}
	// 8 good requests held 3 records each: decoded body, two vendors.
	for _, want := range []string{
		"\nspanlog_tail_records_replayed_total 1\n",
		"\nspanlog_tail_records_discarded_total{reason=\"ok\"} 24\n",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("scrape lacks %s", strings.TrimSpace(want))
		}
	}
}

// Bad input gets a 4xx with a clear message and an error line, and the
// server goes on serving.
func TestBadInput(t *testing.T) {
	var lines bytes.Buffer
	p, err := spanlog.New(context.Background(), spanlog.WithWriter(&lines), spanlog.WithPrometheus())
	if err != nil {
		t.Fatal(err)
	}
	s := newServer(p)
	srv := httptest.NewServer(s.handler(p))
	defer func() {
		srv.Close()
		s.close()
		_ = p.Shutdown(context.Background())
	}()

	for _, tc := range []struct {
		name, method, body string
		status             int
		msg                string
	}{
		{"invalid JSON", "POST", `{"title":`, http.StatusBadRequest, "invalid JSON: unexpected EOF"},
		{"two values", "POST", `{"title":"a"} {"title":"b"}`, http.StatusBadRequest, "invalid JSON: more than one value"},
		{"unknown field", "POST", `{"title":"a","bpm":120}`, http.StatusBadRequest, `invalid JSON: json: unknown field "bpm"`},
		{"missing title", "POST", `{"artist":"x"}`, http.StatusUnprocessableEntity, "missing title"},
		{"wrong method", "GET", "", http.StatusMethodNotAllowed, "method GET not allowed: POST a song"},
		{"good", "POST", `{"title":"Naima"}`, http.StatusCreated, `{"id":1}`},
	} {
		lines.Reset()
		req, _ := http.NewRequest(tc.method, srv.URL+"/songs", strings.NewReader(tc.body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || strings.TrimSpace(string(body)) != tc.msg {
			t.Errorf("%s: %d %q, want %d %q", tc.name, resp.StatusCode, body, tc.status, tc.msg)
		}
		s.idle()
		errLine := strings.Contains(lines.String(), `level=ERROR msg="rejected song"`)
		if errLine != (tc.status >= 400) {
			t.Errorf("%s: error line present = %v, want %v:\n%s", tc.name, errLine, tc.status >= 400, lines.String())
		}
	}
}
