package metricsproc_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/spanlog/spanlog/logfmt/logfmttest"
	"github.com/spanlog/spanlog/metricsproc"
	"github.com/spanlog/spanlog/storage"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// harness is storage → metricsproc → in-memory exporter, with metrics
// collected by a ManualReader.
type harness struct {
	tracer trace.Tracer
	reader *sdkmetric.ManualReader
	spans  *tracetest.InMemoryExporter
}

func newHarness(t *testing.T, mpOpts []sdkmetric.Option, opts ...metricsproc.Option) *harness {
	t.Helper()
	h := &harness{reader: sdkmetric.NewManualReader(), spans: tracetest.NewInMemoryExporter()}
	mp := sdkmetric.NewMeterProvider(append(mpOpts, sdkmetric.WithReader(h.reader))...)
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(
		storage.New(metricsproc.New(sdktrace.NewSimpleSpanProcessor(h.spans), mp, opts...))))
	t.Cleanup(func() {
		_ = tp.Shutdown(context.Background())
		_ = mp.Shutdown(context.Background())
	})
	h.tracer = tp.Tracer("metricsproc_test")
	return h
}

func (h *harness) collect(t *testing.T) map[string]metricdata.Aggregation {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := h.reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	out := map[string]metricdata.Aggregation{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			out[m.Name] = m.Data
		}
	}
	return out
}

// saveEvent starts and ends a span like the songs service's record.save_event.
func (h *harness) saveEvent(ctx context.Context, fail func(trace.Span)) {
	_, span := h.tracer.Start(ctx, "record.save_event", trace.WithAttributes(
		attribute.String("metric_name", "db_event"),
		attribute.String("metric_label_event_table", "events"),
		attribute.String("metric_label_event_type", "Song"),
	))
	if fail != nil {
		fail(span)
	}
	span.End()
}

func labelsOf(set attribute.Set) string {
	return set.Encoded(attribute.DefaultEncoder())
}

func TestCountersHistogramsAndLabels(t *testing.T) {
	h := newHarness(t, nil, metricsproc.WithSpanNamePrefix("record."))
	ctx := context.Background()
	for range 3 {
		h.saveEvent(ctx, nil)
	}
	h.saveEvent(ctx, func(s trace.Span) { s.SetStatus(codes.Error, "insert failed") })
	h.saveEvent(ctx, func(s trace.Span) { s.RecordError(errors.New("constraint")) })
	_, plain := h.tracer.Start(ctx, "no metric here")
	plain.End()

	got := h.collect(t)
	if len(got) != 2 {
		t.Fatalf("metrics %v, want db_event and db_event_duration only", got)
	}
	sum := got["db_event"].(metricdata.Sum[int64])
	if !sum.IsMonotonic {
		t.Error("db_event is not a monotonic counter")
	}
	counts := map[string]int64{}
	for _, dp := range sum.DataPoints {
		counts[labelsOf(dp.Attributes)] = dp.Value
	}
	const base = "event_table=events,event_type=Song,result="
	want := map[string]int64{base + "ok,span_name=save_event": 3, base + "error,span_name=save_event": 2}
	if fmt.Sprint(counts) != fmt.Sprint(want) {
		t.Errorf("counter points %v, want %v", counts, want)
	}
	hist := got["db_event_duration"].(metricdata.Histogram[float64])
	for _, dp := range hist.DataPoints {
		if dp.Count != uint64(counts[labelsOf(dp.Attributes)]) {
			t.Errorf("histogram %s count %d, counter %d", labelsOf(dp.Attributes), dp.Count, counts[labelsOf(dp.Attributes)])
		}
		if len(dp.Bounds) != len(metricsproc.DefaultBuckets) || dp.Bounds[0] != 0.0005 {
			t.Errorf("bounds %v, want the default seconds buckets", dp.Bounds)
		}
	}
}

func TestHistogramSumIsSummedLatency(t *testing.T) {
	h := newHarness(t, nil)
	start := time.Now()
	var wantMs float64
	for i := range 5 {
		_, span := h.tracer.Start(context.Background(), "op", trace.WithTimestamp(start),
			trace.WithAttributes(attribute.String("metric_name", "job")))
		span.End(trace.WithTimestamp(start.Add(time.Duration(i*1234567+890) * time.Nanosecond)))
	}
	for _, s := range h.spans.GetSpans().Snapshots() {
		ms, ok := storage.Latency(s)
		if !ok {
			t.Fatal("exported span lacks latency_ms")
		}
		wantMs += ms
	}
	dp := h.collect(t)["job_duration"].(metricdata.Histogram[float64]).DataPoints[0]
	if math.Abs(dp.Sum-wantMs/1000) > 1e-12 {
		t.Errorf("histogram sum %v s, summed latency_ms/1000 = %v", dp.Sum, wantMs/1000)
	}
	if dp.Count != 5 {
		t.Errorf("count %d, want 5", dp.Count)
	}
}

func TestFieldLabelsComeFromInheritedFields(t *testing.T) {
	h := newHarness(t, nil, metricsproc.WithFieldLabels("http.route"))
	ctx, req := h.tracer.Start(context.Background(), "request", trace.WithAttributes(
		attribute.String("http.route", "/songs"), attribute.String("user.id", "u1"),
		attribute.String("metric_name", "http_request"), attribute.String("metric_label_kind", "api")))
	h.saveEvent(ctx, nil) // a child: inherits http.route and user.id, not the metric fields
	req.End()

	got := h.collect(t)
	for name, want := range map[string]string{
		"db_event":     "event_table=events,event_type=Song,http.route=/songs,result=ok,span_name=record.save_event",
		"http_request": "http.route=/songs,kind=api,result=ok,span_name=request",
	} {
		pts := got[name].(metricdata.Sum[int64]).DataPoints
		if len(pts) != 1 || labelsOf(pts[0].Attributes) != want || pts[0].Value != 1 {
			t.Errorf("%s points %+v, want one with %s", name, pts, want)
		}
	}
}

func TestExemplarCarriesTraceID(t *testing.T) {
	h := newHarness(t, nil)
	_, span := h.tracer.Start(context.Background(), "op", trace.WithAttributes(attribute.String("metric_name", "job")))
	span.End()
	dp := h.collect(t)["job_duration"].(metricdata.Histogram[float64]).DataPoints[0]
	tid := span.SpanContext().TraceID()
	if len(dp.Exemplars) != 1 || string(dp.Exemplars[0].TraceID) != string(tid[:]) {
		t.Errorf("exemplars %+v, want one with trace id %s", dp.Exemplars, tid)
	}
}

// Past the SDK's cardinality limit new label sets land in the overflow
// series and the total count stays exact.
func TestCardinalityOverflowKeepsTotals(t *testing.T) {
	const limit, spans = 10, 50
	h := newHarness(t, []sdkmetric.Option{sdkmetric.WithCardinalityLimit(limit)})
	for i := range spans {
		_, span := h.tracer.Start(context.Background(), "op", trace.WithAttributes(
			attribute.String("metric_name", "job"), attribute.Int("metric_label_n", i)))
		span.End()
	}
	pts := h.collect(t)["job"].(metricdata.Sum[int64]).DataPoints
	var total int64
	var overflow bool
	for _, dp := range pts {
		total += dp.Value
		if v, ok := dp.Attributes.Value("otel.metric.overflow"); ok && v.AsBool() {
			overflow = true
			if dp.Value != spans-(limit-1) {
				t.Errorf("overflow series counts %d, want %d", dp.Value, spans-(limit-1))
			}
		}
	}
	if !overflow || len(pts) != limit {
		t.Errorf("%d series (overflow %v), want %d with an overflow series", len(pts), overflow, limit)
	}
	if total != spans {
		t.Errorf("total count %d, want %d", total, spans)
	}
}

func TestMaxMetricNames(t *testing.T) {
	var reported []error
	logfmttest.KeepGlobals(t)
	otel.SetErrorHandler(otel.ErrorHandlerFunc(func(err error) { reported = append(reported, err) }))
	h := newHarness(t, nil, metricsproc.WithMaxMetricNames(2))
	for _, name := range []string{"a", "b", "c", "d", "a"} {
		_, span := h.tracer.Start(context.Background(), "op", trace.WithAttributes(attribute.String("metric_name", name)))
		span.End()
	}
	got := h.collect(t)
	if _, ok := got["c"]; ok || got["a"] == nil || got["b"] == nil {
		t.Errorf("metrics %v, want only a and b", got)
	}
	if pts := got["a"].(metricdata.Sum[int64]).DataPoints; pts[0].Value != 2 {
		t.Errorf("a counted %d, want 2", pts[0].Value)
	}
	if len(reported) != 1 {
		t.Errorf("reported %d errors, want 1: %v", len(reported), reported)
	}
}

// The Prometheus exporter, scraped over HTTP on loopback, shows exactly the
// names the songs service's dashboards expect.
func TestPrometheusNames(t *testing.T) {
	reg := prometheus.NewRegistry()
	exp, err := otelprom.New(otelprom.WithRegisterer(reg))
	if err != nil {
		t.Fatal(err)
	}
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(exp))
	defer mp.Shutdown(context.Background())
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(
		storage.New(metricsproc.New(nil, mp, metricsproc.WithSpanNamePrefix("record.")))))
	h := &harness{tracer: tp.Tracer("t")}
	for range 8 {
		h.saveEvent(context.Background(), nil)
	}
	srv := httptest.NewServer(promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	scrape := string(body)
	for _, want := range []string{
		"# TYPE db_event_total counter",
		`db_event_total{event_table="events",event_type="Song",otel_scope_name="github.com/spanlog/spanlog/metricsproc",otel_scope_schema_url="",otel_scope_version="",result="ok",span_name="save_event"} 8`,
		"# TYPE db_event_duration_seconds histogram",
		`db_event_duration_seconds_count{event_table="events",event_type="Song",otel_scope_name="github.com/spanlog/spanlog/metricsproc",otel_scope_schema_url="",otel_scope_version="",result="ok",span_name="save_event"} 8`,
		`db_event_duration_seconds_bucket{event_table="events",event_type="Song",otel_scope_name="github.com/spanlog/spanlog/metricsproc",otel_scope_schema_url="",otel_scope_version="",result="ok",span_name="save_event",le="0.0005"}`,
	} {
		if !strings.Contains(scrape, want) {
			t.Errorf("scrape lacks %s\n%s", want, scrape)
		}
	}
}

func TestShutdownStopsRecording(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	p := metricsproc.New(nil, mp)
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(p))
	_, span := tp.Tracer("t").Start(context.Background(), "op", trace.WithAttributes(attribute.String("metric_name", "job")))
	for range 2 {
		if err := p.Shutdown(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	span.End()
	var rm metricdata.ResourceMetrics
	_ = reader.Collect(context.Background(), &rm)
	if len(rm.ScopeMetrics) != 0 {
		t.Errorf("recorded after Shutdown: %+v", rm.ScopeMetrics)
	}
}

func TestWithBuckets(t *testing.T) {
	h := newHarness(t, nil, metricsproc.WithBuckets(0.1, 1))
	_, span := h.tracer.Start(context.Background(), "op", trace.WithAttributes(attribute.String("metric_name", "job")))
	span.End()
	dp := h.collect(t)["job_duration"].(metricdata.Histogram[float64]).DataPoints[0]
	if fmt.Sprint(dp.Bounds) != "[0.1 1]" || dp.BucketCounts[0] != 1 {
		t.Errorf("bounds %v counts %v, want [0.1 1] with the span in the first bucket", dp.Bounds, dp.BucketCounts)
	}
}

// Label sets are cached by the order the labels come in, which differs from
// the order attribute.Set sorts them into.
func TestLabelOrderDoesNotDefeatCache(t *testing.T) {
	h := newHarness(t, nil)
	for range 3 {
		_, span := h.tracer.Start(context.Background(), "zzz", trace.WithAttributes(
			attribute.String("metric_name", "job"), attribute.String("metric_label_b", "2"), attribute.String("metric_label_a", "1")))
		span.End()
	}
	pts := h.collect(t)["job"].(metricdata.Sum[int64]).DataPoints
	if len(pts) != 1 || pts[0].Value != 3 || labelsOf(pts[0].Attributes) != "a=1,b=2,result=ok,span_name=zzz" {
		t.Errorf("points %+v", pts)
	}
}

// Spans whose labels alternate, from several goroutines at once, each
// count in their own series: the label set a span reuses is always the one
// its labels name.
func TestAlternatingLabelsCountInTheirOwnSeries(t *testing.T) {
	h := newHarness(t, nil)
	const goroutines, perGoroutine = 4, 300
	var done = make(chan struct{})
	for g := range goroutines {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range perGoroutine {
				_, span := h.tracer.Start(context.Background(), "job", trace.WithAttributes(
					attribute.String("metric_name", "job"), attribute.Int("metric_label_shard", (g+i)%3)))
				span.End()
			}
		}()
	}
	for range goroutines {
		<-done
	}
	counts := map[string]int64{}
	for _, dp := range h.collect(t)["job"].(metricdata.Sum[int64]).DataPoints {
		counts[labelsOf(dp.Attributes)] = dp.Value
	}
	want := map[string]int64{
		"result=ok,shard=0,span_name=job": 400,
		"result=ok,shard=1,span_name=job": 400,
		"result=ok,shard=2,span_name=job": 400,
	}
	if fmt.Sprint(counts) != fmt.Sprint(want) {
		t.Errorf("counts %v, want %v", counts, want)
	}
}

// Labels of every scalar kind that differ only in value, or only in kind,
// are different series.
func TestLabelKindsAndValuesSeparateSeries(t *testing.T) {
	h := newHarness(t, nil)
	for _, v := range []attribute.KeyValue{
		attribute.Int("metric_label_v", 1), attribute.Int("metric_label_v", 2),
		attribute.Float64("metric_label_v", 1), attribute.Float64("metric_label_v", 1.5),
		attribute.Bool("metric_label_v", true), attribute.Bool("metric_label_v", false),
		attribute.String("metric_label_v", "1"), attribute.StringSlice("metric_label_v", []string{"1"}),
		attribute.Int("metric_label_v", 1),
	} {
		_, span := h.tracer.Start(context.Background(), "job", trace.WithAttributes(attribute.String("metric_name", "job"), v))
		span.End()
	}
	counts := map[string]int64{}
	for _, dp := range h.collect(t)["job"].(metricdata.Sum[int64]).DataPoints {
		v, _ := dp.Attributes.Value("v")
		counts[v.Type().String()+":"+v.String()] = dp.Value
	}
	want := map[string]int64{"INT64:1": 2, "INT64:2": 1, "FLOAT64:1": 1, "FLOAT64:1.5": 1,
		"BOOL:true": 1, "BOOL:false": 1, "STRING:1": 1, `STRINGSLICE:["1"]`: 1}
	if fmt.Sprint(counts) != fmt.Sprint(want) {
		t.Errorf("series %v, want %v", counts, want)
	}
}

// Spans naming different metrics in turn each count in their own metric:
// the instruments a span reuses are always those of its metric_name.
func TestAlternatingMetricNames(t *testing.T) {
	h := newHarness(t, nil)
	for i := range 7 {
		_, span := h.tracer.Start(context.Background(), "job", trace.WithAttributes(
			attribute.String("metric_name", []string{"a", "b", "c"}[i%3])))
		span.End()
	}
	got := h.collect(t)
	for name, want := range map[string]int64{"a": 3, "b": 2, "c": 2} {
		pts := got[name].(metricdata.Sum[int64]).DataPoints
		if len(pts) != 1 || pts[0].Value != want {
			t.Errorf("%s: points %+v, want one of %d", name, pts, want)
		}
	}
}
