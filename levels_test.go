package spanlog_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/spanlog/spanlog"
	"github.com/spanlog/spanlog/levels"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/trace"
)

// This test file's package path, as target= prints it.
const testTarget = "github.com/spanlog/spanlog_test"

func TestLevelDirectivesFromOptionAndEnvironment(t *testing.T) {
	for _, tc := range []struct {
		name, env, option string
		debugShown        bool
	}{
		{"option", "", "info," + testTarget + "=debug", true},
		{"environment wins over the option", "warn", "info," + testTarget + "=debug", false},
		{"environment alone", "[{tenant=acme}]=debug", "", true},
		{"neither", "", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(levels.EnvVar, tc.env)
			var buf bytes.Buffer
			opts := []spanlog.Option{spanlog.WithWriter(&buf)}
			if tc.option != "" {
				opts = append(opts, spanlog.WithLevels(tc.option))
			}
			p, err := spanlog.New(context.Background(), opts...)
			if err != nil {
				t.Fatal(err)
			}
			defer p.Shutdown(context.Background())
			ctx, span := p.TracerProvider().Tracer("t").Start(context.Background(), "op",
				trace.WithAttributes(attribute.String("tenant", "acme")))
			p.Logger().DebugContext(ctx, "detail")
			span.End()
			if got := strings.Contains(buf.String(), "msg=detail"); got != tc.debugShown {
				t.Errorf("debug line shown %v, want %v:\n%s", got, tc.debugShown, buf.String())
			}
		})
	}
}

func TestMalformedLevelDirectivesFailNew(t *testing.T) {
	_, err := spanlog.New(context.Background(), spanlog.WithWriter(io.Discard), spanlog.WithLevels("info,db=loud"))
	if err == nil || !strings.Contains(err.Error(), "db=loud") {
		t.Errorf("New with a bad level = %v, want an error naming the directive", err)
	}
	t.Setenv(levels.EnvVar, "[unclosed=debug")
	_, err = spanlog.New(context.Background(), spanlog.WithWriter(io.Discard))
	if err == nil || !strings.Contains(err.Error(), levels.EnvVar) {
		t.Errorf("New with a bad SPANLOG_LEVEL = %v, want an error naming it", err)
	}
}

// The runtime recipe: an admin listener serving LevelHandler; a PUT with
// a ttl turns debug on for a while; metrics are derived whatever the
// directives; the change is one line.
func TestLevelHandlerAtRuntime(t *testing.T) {
	var buf lockedBuffer
	reader := sdkmetric.NewManualReader()
	p, err := spanlog.New(context.Background(), spanlog.WithWriter(&buf), spanlog.WithMetricReader(reader),
		spanlog.WithLevels("error"))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Shutdown(context.Background())
	admin := httptest.NewServer(p.LevelHandler())
	defer admin.Close()

	work := func(msg string) {
		ctx, span := p.TracerProvider().Tracer("t").Start(context.Background(), "job",
			trace.WithAttributes(attribute.String("metric_name", "job")))
		p.Logger().DebugContext(ctx, msg)
		span.End()
	}
	work("hidden")
	req, _ := http.NewRequest(http.MethodPut, admin.URL+"?ttl=10m", strings.NewReader("error,"+testTarget+"=debug"))
	resp, err := admin.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusNoContent {
		t.Fatalf("PUT: %s", resp.Status)
	}
	work("shown")
	resp, err = admin.Client().Get(admin.URL)
	if err != nil {
		t.Fatal(err)
	}
	state, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(state), testTarget+"=debug") || !strings.Contains(string(state), "revert") {
		t.Errorf("GET shows %q, want the new directives and the pending revert", state)
	}
	if err := p.SetLevels("error,[bad", 0); err == nil {
		t.Error("SetLevels took malformed directives")
	}
	out := buf.String()
	if strings.Contains(out, "msg=hidden") || !strings.Contains(out, "msg=shown") {
		t.Errorf("lines:\n%s", out)
	}
	if n := strings.Count(out, `msg="level directives changed"`); n != 1 {
		t.Errorf("%d change lines, want 1:\n%s", n, out)
	}
	if counted := counterValue(t, reader, "job"); counted != 2 {
		t.Errorf("job counted %d times, want 2: metrics do not depend on levels", counted)
	}
}
