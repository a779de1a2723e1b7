package spanlog_test

import (
	"bytes"
	"context"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/spanlog/spanlog"
	"github.com/spanlog/spanlog/redact"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// Through New: a failed request's DEBUG records print, redacted, before
// its close line; a good one's do not; neither reaches span events; the
// counters show in the Prometheus scrape under their documented names.
func TestWithTailBuffer(t *testing.T) {
	var buf bytes.Buffer
	exp := tracetest.NewInMemoryExporter()
	p, err := spanlog.New(context.Background(), spanlog.WithWriter(&buf),
		spanlog.WithTailBuffer(), spanlog.WithPrometheus(), spanlog.WithLogsAsSpanEvents(),
		spanlog.WithSpanExporter(exp), spanlog.WithRedactedKeys(redact.Common...))
	if err != nil {
		t.Fatal(err)
	}
	tracer, log := p.TracerProvider().Tracer("t"), p.Logger()
	for _, name := range []string{"good", "bad"} {
		ctx, span := tracer.Start(context.Background(), name)
		log.DebugContext(ctx, name+" detail", "password", "hunter2")
		log.InfoContext(ctx, name+" done")
		if name == "bad" {
			span.SetStatus(codes.Error, "failed")
		}
		span.End()
	}
	scrape := httptest.NewRecorder()
	p.MetricsHandler().ServeHTTP(scrape, httptest.NewRequest("GET", "/metrics", nil))
	if err := p.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}

	out := buf.String()
	if strings.Contains(out, "good detail") || strings.Contains(out, "hunter2") {
		t.Errorf("a good request's detail or a secret printed:\n%s", out)
	}
	detail := strings.Index(out, `level=DEBUG msg="bad detail" replayed=true password=[REDACTED] span=`)
	done := strings.Index(out, `msg="bad done"`)
	closeLine := strings.Index(out, "level=ERROR span_name=bad")
	if !(done < detail && detail < closeLine) || done < 0 {
		t.Errorf("want the INFO line, then the replayed DEBUG line, then the close line:\n%s", out)
	}
	for _, s := range exp.GetSpans() {
		for _, ev := range s.Events {
			if strings.Contains(ev.Name, "detail") {
				t.Errorf("a held record became a span event on %s", s.Name)
			}
		}
	}
	body, _ := io.ReadAll(scrape.Body)
	for _, want := range []string{
		`spanlog_tail_records_replayed_total{otel_scope_name="github.com/spanlog/spanlog/logfmt",otel_scope_schema_url="",otel_scope_version=""} 1`,
		`spanlog_tail_records_discarded_total{otel_scope_name="github.com/spanlog/spanlog/logfmt",otel_scope_schema_url="",otel_scope_version="",reason="ok"} 1`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("scrape lacks %s:\n%s", want, body)
		}
	}
}
