package spanlog_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spanlog/spanlog"
	"github.com/spanlog/spanlog/logfmt/logfmttest"
	"github.com/spanlog/spanlog/metricsproc"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/baggage"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	collectorlogs "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	collectormetrics "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	collectortrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
)

func TestPipelineDefaults(t *testing.T) {
	t.Setenv("OTEL_SERVICE_NAME", "from-env")
	var buf bytes.Buffer
	exp := tracetest.NewInMemoryExporter()
	p, err := spanlog.New(context.Background(), spanlog.WithWriter(&buf), spanlog.WithSpanExporter(exp))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Shutdown(context.Background()) })
	ctx, parent := p.TracerProvider().Tracer("t").Start(context.Background(), "parent", trace.WithAttributes(attribute.String("a", "1")))
	ctx, child := p.TracerProvider().Tracer("t").Start(ctx, "child")
	p.Logger().InfoContext(ctx, "hello")
	p.Logger().DebugContext(ctx, "hidden at the default level")
	child.End()
	parent.End()
	// The in-memory exporter forgets its spans at Shutdown: flush instead.
	if err := p.ForceFlush(context.Background()); err != nil {
		t.Fatal(err)
	}

	out := buf.String()
	if n := strings.Count(out, "\n"); n != 5 {
		t.Errorf("want 5 lines (2 new, 1 event, 2 close), got %d:\n%s", n, out)
	}
	if !strings.Contains(out, `msg=hello span=`+child.SpanContext().SpanID().String()) {
		t.Errorf("event line lacks its span:\n%s", out)
	}
	spans := exp.GetSpans()
	if len(spans) != 2 {
		t.Fatalf("exported %d spans after ForceFlush, want 2", len(spans))
	}
	if got := spans[0].Resource.Set().Encoded(attribute.DefaultEncoder()); !strings.Contains(got, "service.name=from-env") {
		t.Errorf("resource %s lacks service.name from OTEL_SERVICE_NAME", got)
	}
	attrs := attribute.NewSet(spans[0].Attributes...)
	if v, _ := attrs.Value("a"); v.AsString() != "1" {
		t.Errorf("exporter did not see the inherited field: %v", spans[0].Attributes)
	}
}

func TestServiceNameOptionWins(t *testing.T) {
	t.Setenv("OTEL_SERVICE_NAME", "from-env")
	exp := tracetest.NewInMemoryExporter()
	p, err := spanlog.New(context.Background(), spanlog.WithWriter(io.Discard),
		spanlog.WithSpanExporter(exp), spanlog.WithServiceName("from-option"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Shutdown(context.Background()) })
	_, span := p.TracerProvider().Tracer("t").Start(context.Background(), "op")
	span.End()
	_ = p.ForceFlush(context.Background())
	if got := exp.GetSpans()[0].Resource.Set().Encoded(attribute.DefaultEncoder()); !strings.Contains(got, "service.name=from-option") {
		t.Errorf("resource %s", got)
	}
}

func TestInstallSetsGlobals(t *testing.T) {
	logfmttest.KeepGlobals(t)
	var buf bytes.Buffer
	p, err := spanlog.New(context.Background(), spanlog.WithWriter(&buf), spanlog.WithLevel(slog.LevelWarn))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Shutdown(context.Background())
	p.Install()

	ctx := baggage.ContextWithBaggage(context.Background(), mustMember(t, "user.id", "u1"))
	ctx, span := otel.Tracer("t").Start(ctx, "op")
	slog.WarnContext(ctx, "global logger")
	carrier := propagation.MapCarrier{}
	otel.GetTextMapPropagator().Inject(ctx, carrier)
	span.End()

	if !strings.Contains(buf.String(), "level=WARN msg=\"global logger\" span="+span.SpanContext().SpanID().String()) {
		t.Errorf("slog default not installed:\n%s", buf.String())
	}
	if strings.Contains(buf.String(), "span_event=") {
		t.Errorf("INFO span lines printed at level WARN:\n%s", buf.String())
	}
	if carrier.Get("traceparent") == "" || carrier.Get("baggage") != "user.id=u1" {
		t.Errorf("propagators not installed: %v", carrier)
	}
}

func mustMember(t *testing.T, k, v string) baggage.Baggage {
	m, err := baggage.NewMember(k, v)
	if err != nil {
		t.Fatal(err)
	}
	b, err := baggage.New(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestShutdownIsIdempotentAndHonoursContext(t *testing.T) {
	// The stuck export ends at the batch processor's export timeout; keep it
	// short so no goroutine outlives the test.
	t.Setenv("OTEL_BSP_EXPORT_TIMEOUT", "200")
	p, err := spanlog.New(context.Background(), spanlog.WithWriter(io.Discard), spanlog.WithSpanExporter(blockingExporter{}))
	if err != nil {
		t.Fatal(err)
	}
	_, span := p.TracerProvider().Tracer("t").Start(context.Background(), "op")
	span.End()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	first := p.Shutdown(ctx)
	if !errors.Is(first, context.DeadlineExceeded) {
		t.Errorf("Shutdown against a stuck exporter = %v, want the ctx deadline", first)
	}
	if second := p.Shutdown(context.Background()); !errors.Is(second, first) {
		t.Errorf("second Shutdown = %v, want the first result %v", second, first)
	}
}

// blockingExporter never finishes an export until its ctx is done.
type blockingExporter struct{}

func (blockingExporter) ExportSpans(ctx context.Context, _ []sdktrace.ReadOnlySpan) error {
	<-ctx.Done()
	return ctx.Err()
}
func (blockingExporter) Shutdown(ctx context.Context) error { return nil }

func TestUnsupportedProtocolIsAnError(t *testing.T) {
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:1")
	t.Setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json")
	_, err := spanlog.New(context.Background(), spanlog.WithWriter(io.Discard))
	if err == nil || !strings.Contains(err.Error(), "http/json") {
		t.Errorf("New = %v, want an error naming the protocol", err)
	}
}

// The OTLP exporters are real: a loopback receiver decodes what they send.
func TestOTLPExportFromEnvironment(t *testing.T) {
	for _, protocol := range []string{"http/protobuf", "grpc"} {
		t.Run(protocol, func(t *testing.T) {
			rec := &otlpReceiver{}
			endpoint := rec.start(t, protocol)
			t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint)
			t.Setenv("OTEL_EXPORTER_OTLP_PROTOCOL", protocol)
			t.Setenv("OTEL_EXPORTER_OTLP_INSECURE", "true")

			p, err := spanlog.New(context.Background(), spanlog.WithWriter(io.Discard), spanlog.WithServiceName("otlp-test"))
			if err != nil {
				t.Fatal(err)
			}
			ctx, parent := p.TracerProvider().Tracer("t").Start(context.Background(), "parent", trace.WithAttributes(
				attribute.String("a", "1"), attribute.String("metric_name", "checkout")))
			_, child := p.TracerProvider().Tracer("t").Start(ctx, "child")
			child.End()
			parent.End()
			if err := p.Shutdown(context.Background()); err != nil {
				t.Fatal(err)
			}
			got := rec.spans()
			if got["child"] == nil || got["parent"] == nil {
				t.Fatalf("receiver got spans %v, want parent and child", keys(got))
			}
			if got["child"]["a"] != "1" || got["child"]["latency_ms"] == "" {
				t.Errorf("child arrived with %v, want a=1 and latency_ms", got["child"])
			}
			if names := rec.metricNames(); !names["checkout"] || !names["checkout_duration"] {
				t.Errorf("receiver got metrics %v, want checkout and checkout_duration flushed at Shutdown", names)
			}
		})
	}
}

// otlpReceiver accepts OTLP trace exports over HTTP or gRPC on loopback and
// keeps each span's attributes by span name.
type otlpReceiver struct {
	collectortrace.UnimplementedTraceServiceServer
	tracesOnly bool // refuse metrics and logs, as Jaeger does
	mu         sync.Mutex
	reqs       []*collectortrace.ExportTraceServiceRequest
	metrics    metricsReceiver
	logs       logsReceiver
}

// logsReceiver is the logs part of otlpReceiver.
type logsReceiver struct {
	collectorlogs.UnimplementedLogsServiceServer
	mu     sync.Mutex
	bodies []string
}

func (l *logsReceiver) Export(_ context.Context, req *collectorlogs.ExportLogsServiceRequest) (*collectorlogs.ExportLogsServiceResponse, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, rl := range req.ResourceLogs {
		for _, sl := range rl.ScopeLogs {
			for _, lr := range sl.LogRecords {
				l.bodies = append(l.bodies, lr.Body.GetStringValue())
			}
		}
	}
	return &collectorlogs.ExportLogsServiceResponse{}, nil
}

func (r *otlpReceiver) logBodies() []string {
	r.logs.mu.Lock()
	defer r.logs.mu.Unlock()
	return r.logs.bodies
}

// metricsReceiver is the metrics half of otlpReceiver.
type metricsReceiver struct {
	collectormetrics.UnimplementedMetricsServiceServer
	mu    sync.Mutex
	names map[string]bool
}

func (m *metricsReceiver) Export(_ context.Context, req *collectormetrics.ExportMetricsServiceRequest) (*collectormetrics.ExportMetricsServiceResponse, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.names == nil {
		m.names = map[string]bool{}
	}
	for _, rm := range req.ResourceMetrics {
		for _, sm := range rm.ScopeMetrics {
			for _, metric := range sm.Metrics {
				m.names[metric.Name] = true
			}
		}
	}
	return &collectormetrics.ExportMetricsServiceResponse{}, nil
}

func (r *otlpReceiver) metricNames() map[string]bool {
	r.metrics.mu.Lock()
	defer r.metrics.mu.Unlock()
	return r.metrics.names
}

func (r *otlpReceiver) Export(_ context.Context, req *collectortrace.ExportTraceServiceRequest) (*collectortrace.ExportTraceServiceResponse, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reqs = append(r.reqs, req)
	return &collectortrace.ExportTraceServiceResponse{}, nil
}

func (r *otlpReceiver) start(t *testing.T, protocol string) string {
	if protocol == "grpc" {
		lis, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		srv := grpc.NewServer()
		collectortrace.RegisterTraceServiceServer(srv, r)
		if !r.tracesOnly {
			collectormetrics.RegisterMetricsServiceServer(srv, &r.metrics)
			collectorlogs.RegisterLogsServiceServer(srv, &r.logs)
		}
		go func() { _ = srv.Serve(lis) }()
		t.Cleanup(srv.Stop)
		return "http://" + lis.Addr().String()
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		if r.tracesOnly && req.URL.Path != "/v1/traces" {
			http.NotFound(w, req)
			return
		}
		var resp proto.Message
		switch req.URL.Path {
		case "/v1/traces":
			var msg collectortrace.ExportTraceServiceRequest
			if proto.Unmarshal(body, &msg) == nil {
				resp, _ = r.Export(req.Context(), &msg)
			}
		case "/v1/metrics":
			var msg collectormetrics.ExportMetricsServiceRequest
			if proto.Unmarshal(body, &msg) == nil {
				resp, _ = r.metrics.Export(req.Context(), &msg)
			}
		case "/v1/logs":
			var msg collectorlogs.ExportLogsServiceRequest
			if proto.Unmarshal(body, &msg) == nil {
				resp, _ = r.logs.Export(req.Context(), &msg)
			}
		}
		if resp == nil {
			http.Error(w, "bad export", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/x-protobuf")
		out, _ := proto.Marshal(resp)
		_, _ = w.Write(out)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func (r *otlpReceiver) spans() map[string]map[string]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]map[string]string{}
	for _, req := range r.reqs {
		for _, rs := range req.ResourceSpans {
			for _, ss := range rs.ScopeSpans {
				for _, s := range ss.Spans {
					attrs := map[string]string{}
					for _, kv := range s.Attributes {
						attrs[kv.Key] = anyValueText(kv.Value.String())
					}
					out[s.Name] = attrs
				}
			}
		}
	}
	return out
}

// anyValueText reduces an AnyValue's text form, such as
// `string_value:"1"`, to the bare value.
func anyValueText(s string) string {
	if _, v, ok := strings.Cut(s, ":"); ok {
		return strings.Trim(v, `"`)
	}
	return s
}

func keys(m map[string]map[string]string) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

func TestPipelineMetrics(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	p, err := spanlog.New(context.Background(), spanlog.WithWriter(io.Discard),
		spanlog.WithMetricReader(reader), spanlog.WithCardinalityLimit(3), spanlog.WithPrometheus(),
		spanlog.WithMetricsOptions(metricsproc.WithSpanNamePrefix("record.")),
		spanlog.WithLevel(slog.LevelError)) // printing is off; metrics are not
	if err != nil {
		t.Fatal(err)
	}
	defer p.Shutdown(context.Background())
	for i := range 5 {
		_, span := p.TracerProvider().Tracer("t").Start(context.Background(), "record.save",
			trace.WithAttributes(attribute.String("metric_name", "db_event"), attribute.Int("metric_label_n", i)))
		span.End()
	}
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	var series, total int64
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name != "db_event" {
				continue
			}
			for _, dp := range m.Data.(metricdata.Sum[int64]).DataPoints {
				series++
				total += dp.Value
				if v, ok := dp.Attributes.Value("span_name"); ok && v.AsString() != "save" {
					t.Errorf("span_name = %s, want the prefix stripped", v.AsString())
				}
			}
		}
	}
	if series != 3 || total != 5 {
		t.Errorf("%d series counting %d, want 3 (limit, overflow included) counting 5", series, total)
	}

	rec := httptest.NewRecorder()
	p.MetricsHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if !strings.Contains(rec.Body.String(), `db_event_total{`) {
		t.Errorf("Prometheus exposition lacks db_event_total:\n%s", rec.Body.String())
	}
}

func TestSignalExporterNone(t *testing.T) {
	rec := &otlpReceiver{}
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", rec.start(t, "http/protobuf"))
	t.Setenv("OTEL_METRICS_EXPORTER", "none")
	p, err := spanlog.New(context.Background(), spanlog.WithWriter(io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	_, span := p.TracerProvider().Tracer("t").Start(context.Background(), "op",
		trace.WithAttributes(attribute.String("metric_name", "job")))
	span.End()
	if err := p.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(rec.spans()) != 1 || len(rec.metricNames()) != 0 {
		t.Errorf("got spans %v and metrics %v, want the span only", keys(rec.spans()), rec.metricNames())
	}
}
