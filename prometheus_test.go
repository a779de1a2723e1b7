package spanlog_test

import (
	"context"
	"io"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/spanlog/spanlog"
	"github.com/spanlog/spanlog/metricsproc"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
)

// scrape returns the pipeline's /metrics body, asking for accept.
func scrape(t *testing.T, p *spanlog.Pipeline, accept string) (body, contentType string) {
	t.Helper()
	req := httptest.NewRequest("GET", "/metrics", nil)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	rec := httptest.NewRecorder()
	p.MetricsHandler().ServeHTTP(rec, req)
	return rec.Body.String(), rec.Header().Get("Content-Type")
}

// saveEvents ends 8 spans feeding db_event and returns their trace ids.
func saveEvents(t *testing.T, opts ...spanlog.PrometheusOption) (*spanlog.Pipeline, map[string]bool) {
	t.Helper()
	hermeticEnv(t)
	p, err := spanlog.New(context.Background(), spanlog.WithWriter(io.Discard),
		spanlog.WithPrometheus(opts...), spanlog.WithMetricsOptions(metricsproc.WithSpanNamePrefix("record.")))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Shutdown(context.Background()) })
	traces := map[string]bool{}
	for range 8 {
		_, span := p.TracerProvider().Tracer("t").Start(context.Background(), "record.save_event", trace.WithAttributes(
			attribute.String("metric_name", "db_event"),
			attribute.String("metric_label_event_table", "events"),
			attribute.String("metric_label_event_type", "Song")))
		span.End()
		traces[span.SpanContext().TraceID().String()] = true
	}
	return p, traces
}

func TestPrometheusDefaultCarriesScopeLabels(t *testing.T) {
	p, _ := saveEvents(t)
	body, _ := scrape(t, p, "")
	if !strings.Contains(body, `db_event_total{event_table="events",event_type="Song",otel_scope_name="github.com/spanlog/spanlog/metricsproc"`) {
		t.Errorf("default scrape lacks the scope labels:\n%s", body)
	}
}

func TestPrometheusPlainSeries(t *testing.T) {
	p, _ := saveEvents(t, spanlog.PrometheusPlainSeries())
	body, _ := scrape(t, p, "")
	const want = `db_event_total{event_table="events",event_type="Song",result="ok",span_name="save_event"} 8` + "\n"
	if !strings.Contains(body, want) {
		t.Errorf("scrape lacks %q:\n%s", want, body)
	}
	if strings.Contains(body, "otel_scope_") {
		t.Errorf("plain series still carry otel_scope_* labels:\n%s", body)
	}
}

// OpenMetrics is served to a scraper that asks for it, with exemplars that
// point at a span which fed the metric; others get the classic format.
func TestPrometheusOpenMetricsExemplars(t *testing.T) {
	p, traces := saveEvents(t, spanlog.PrometheusOpenMetrics())
	body, contentType := scrape(t, p, "application/openmetrics-text;version=1.0.0")
	if !strings.HasPrefix(contentType, "application/openmetrics-text") {
		t.Fatalf("Content-Type %q, want OpenMetrics", contentType)
	}
	// The exporter does not fix the order of an exemplar's labels.
	exemplar := regexp.MustCompile(`(?m)^db_event_total\{[^}]*\} 8(?:\.0)? # \{([^}]*)\} 1`)
	m := exemplar.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("db_event_total has no exemplar:\n%s", body)
	}
	traceID := regexp.MustCompile(`(?:^|,)trace_id="([0-9a-f]{32})"(?:,|$)`).FindStringSubmatch(m[1])
	spanID := regexp.MustCompile(`(?:^|,)span_id="[0-9a-f]{16}"(?:,|$)`).MatchString(m[1])
	if traceID == nil || !spanID {
		t.Fatalf("exemplar labels {%s} lack trace_id or span_id", m[1])
	}
	if !traces[traceID[1]] {
		t.Errorf("exemplar trace %s is none of the spans'", traceID[1])
	}
	if !strings.HasSuffix(strings.TrimSpace(body), "# EOF") {
		t.Error("OpenMetrics body does not end with # EOF")
	}
	classic, contentType := scrape(t, p, "")
	if strings.HasPrefix(contentType, "application/openmetrics-text") || strings.Contains(classic, "# {") {
		t.Errorf("a scraper that did not ask got OpenMetrics (%s)", contentType)
	}
}
