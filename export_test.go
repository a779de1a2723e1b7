package spanlog_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/spanlog/spanlog"
	"github.com/spanlog/spanlog/logfmt/logfmttest"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	"go.uber.org/goleak"
)

// otlpEnv points the OTLP exporters at endpoint over protocol.
func otlpEnv(t *testing.T, endpoint, protocol string) {
	t.Helper()
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint)
	t.Setenv("OTEL_EXPORTER_OTLP_PROTOCOL", protocol)
	t.Setenv("OTEL_EXPORTER_OTLP_INSECURE", "true")
}

// endSpan starts and ends one span feeding a metric.
func endSpan(p *spanlog.Pipeline, name string) {
	_, span := p.TracerProvider().Tracer("t").Start(context.Background(), name,
		trace.WithAttributes(attribute.String("metric_name", "job")))
	span.End()
}

// A backend that takes traces only (Jaeger) refuses metrics with HTTP 404
// or gRPC Unimplemented. That is one WARN line naming the signal and the
// variable that turns it off, not a Shutdown error.
func TestTracesOnlyBackendIsOneWarning(t *testing.T) {
	for _, protocol := range []string{"http/protobuf", "grpc"} {
		t.Run(protocol, func(t *testing.T) {
			rec := &otlpReceiver{tracesOnly: true}
			otlpEnv(t, rec.start(t, protocol), protocol)
			out := &lockedBuffer{}
			p, err := spanlog.New(context.Background(), spanlog.WithWriter(out))
			if err != nil {
				t.Fatal(err)
			}
			endSpan(p, "op")
			// Two metric exports before the one at Shutdown: still one line.
			for range 2 {
				if err := p.ForceFlush(context.Background()); err != nil {
					t.Errorf("ForceFlush = %v, want nil: a refused signal is not an error", err)
				}
			}
			endSpan(p, "op2")
			if err := p.Shutdown(context.Background()); err != nil {
				t.Fatalf("Shutdown = %v, want nil: the endpoint took every span", err)
			}
			if got := rec.spans(); got["op"] == nil || got["op2"] == nil {
				t.Errorf("backend got spans %v, want op and op2", keys(got))
			}
			var warnings []map[string]string
			for _, l := range logfmttest.Decode(t, []byte(out.String())) {
				if l["level"] == "WARN" {
					warnings = append(warnings, l)
				}
			}
			if len(warnings) != 1 {
				t.Fatalf("%d WARN lines, want 1:\n%s", len(warnings), out.String())
			}
			if w := warnings[0]; w["signal"] != "metrics" || !strings.Contains(w["hint"], "OTEL_METRICS_EXPORTER=none") {
				t.Errorf("warning %v does not name the signal and OTEL_METRICS_EXPORTER=none", w)
			}
		})
	}
}

// hungCollector accepts TCP connections and never answers on them.
type hungCollector struct {
	lis   net.Listener
	mu    sync.Mutex
	conns []net.Conn
}

func startHungCollector(t *testing.T) string {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h := &hungCollector{lis: lis}
	go h.serve()
	t.Cleanup(h.close)
	return "http://" + lis.Addr().String()
}

func (h *hungCollector) serve() {
	for {
		c, err := h.lis.Accept()
		if err != nil {
			return
		}
		h.mu.Lock()
		h.conns = append(h.conns, c)
		h.mu.Unlock()
	}
}

func (h *hungCollector) close() {
	h.lis.Close()
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, c := range h.conns {
		c.Close()
	}
}

// The README's `defer p.Shutdown(context.Background())` returns within the
// default budget against a collector that accepts and never answers, and
// leaves no goroutine behind.
func TestShutdownBoundedWithHungCollector(t *testing.T) {
	for _, tc := range []struct {
		protocol string
		opts     []spanlog.Option
	}{
		{"http/protobuf", nil}, // the default budget, as the README has it
		{"grpc", []spanlog.Option{spanlog.WithShutdownTimeout(spanlog.DefaultShutdownTimeout / 5)}},
	} {
		t.Run(tc.protocol, func(t *testing.T) {
			otlpEnv(t, startHungCollector(t), tc.protocol)
			defer goleak.VerifyNone(t, goleak.IgnoreCurrent(),
				goleak.IgnoreAnyFunction("github.com/spanlog/spanlog_test.(*hungCollector).serve"))
			p, err := spanlog.New(context.Background(), append([]spanlog.Option{spanlog.WithWriter(io.Discard)}, tc.opts...)...)
			if err != nil {
				t.Fatal(err)
			}
			endSpan(p, "op")
			err = p.Shutdown(context.Background())
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("Shutdown = %v, want the budget's deadline", err)
			}
			if err == nil || !strings.Contains(err.Error(), "1 span,") {
				t.Errorf("Shutdown = %v, want it to count the span not exported", err)
			}
		})
	}
}

// With the collector down, Shutdown says what was lost, within its budget.
func TestShutdownCollectorDownCountsLoss(t *testing.T) {
	for _, protocol := range []string{"http/protobuf", "grpc"} {
		t.Run(protocol, func(t *testing.T) {
			otlpEnv(t, closedPort(t), protocol)
			defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
			p, err := spanlog.New(context.Background(), spanlog.WithWriter(io.Discard),
				spanlog.WithShutdownTimeout(spanlog.DefaultShutdownTimeout/5))
			if err != nil {
				t.Fatal(err)
			}
			for range 3 {
				endSpan(p, "op")
			}
			err = p.Shutdown(context.Background())
			if err == nil || !strings.Contains(err.Error(), "3 spans") {
				t.Errorf("Shutdown = %v, want it to count 3 spans not exported", err)
			}
		})
	}
}

// closedPort returns the URL of a loopback port nothing listens on.
func closedPort(t *testing.T) string {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := lis.Addr().String()
	lis.Close()
	return "http://" + addr
}

// A collector that keeps its connections open, as a real one does: the
// OTLP HTTP exporters' keep-alive connections are closed by Shutdown.
func TestShutdownClosesKeepAliveConnections(t *testing.T) {
	rec := &otlpReceiver{}
	otlpEnv(t, rec.start(t, "http/protobuf"), "http/protobuf")
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	p, err := spanlog.New(context.Background(), spanlog.WithWriter(io.Discard), spanlog.WithOTLPLogs())
	if err != nil {
		t.Fatal(err)
	}
	endSpan(p, "op")
	p.Logger().Info("a record for the logs exporter")
	if err := p.ForceFlush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := p.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(rec.spans()) != 1 || len(rec.logBodies()) != 1 || !rec.metricNames()["job"] {
		t.Errorf("collector got spans %v, logs %q, metrics %v", keys(rec.spans()), rec.logBodies(), rec.metricNames())
	}
}

// shutdownRecorder is an exporter that records its Shutdown.
type shutdownRecorder struct {
	mu   sync.Mutex
	shut bool
}

func (e *shutdownRecorder) ExportSpans(context.Context, []sdktrace.ReadOnlySpan) error { return nil }
func (e *shutdownRecorder) Shutdown(context.Context) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.shut = true
	return nil
}
func (e *shutdownRecorder) wasShutDown() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.shut
}

// A New that fails starts nothing it leaves running and shuts down the
// parts it was given.
func TestNewFailureLeavesNothingRunning(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		ctx  func() context.Context
		want string
	}{
		{"bad metrics protocol", map[string]string{
			"OTEL_EXPORTER_OTLP_ENDPOINT":         "http://127.0.0.1:1",
			"OTEL_EXPORTER_OTLP_METRICS_PROTOCOL": "bogus",
		}, context.Background, "bogus"},
		{"bad exporter name", map[string]string{"OTEL_TRACES_EXPORTER": "zipkin"}, context.Background, "OTEL_TRACES_EXPORTER"},
		{"bad queue size", map[string]string{"OTEL_BSP_MAX_QUEUE_SIZE": "lots"}, context.Background, "OTEL_BSP_MAX_QUEUE_SIZE"},
		{"bad log queue size", map[string]string{"OTEL_BLRP_MAX_QUEUE_SIZE": "0"}, context.Background, "OTEL_BLRP_MAX_QUEUE_SIZE"},
		{"cancelled while building exporters", map[string]string{
			// The gRPC metrics and the HTTP logs exporters are built, then
			// the HTTP span exporter fails on the cancelled context.
			"OTEL_EXPORTER_OTLP_ENDPOINT":         "http://127.0.0.1:1",
			"OTEL_EXPORTER_OTLP_METRICS_PROTOCOL": "grpc",
		}, func() context.Context {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx
		}, "context canceled"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hermeticEnv(t)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
			exp := &shutdownRecorder{}
			reader := sdkmetric.NewPeriodicReader(metricExporterStub{})
			_, err := spanlog.New(tc.ctx(), spanlog.WithWriter(io.Discard), spanlog.WithSpanExporter(exp),
				spanlog.WithMetricReader(reader), spanlog.WithOTLPLogs())
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("New = %v, want an error naming %q", err, tc.want)
			}
			if !exp.wasShutDown() {
				t.Error("the exporter given to New was not shut down")
			}
		})
	}
}

// metricExporterStub takes every export and does nothing.
type metricExporterStub struct{}

func (metricExporterStub) Temporality(k sdkmetric.InstrumentKind) metricdata.Temporality {
	return sdkmetric.DefaultTemporalitySelector(k)
}
func (metricExporterStub) Aggregation(k sdkmetric.InstrumentKind) sdkmetric.Aggregation {
	return sdkmetric.DefaultAggregationSelector(k)
}
func (metricExporterStub) Export(context.Context, *metricdata.ResourceMetrics) error { return nil }
func (metricExporterStub) ForceFlush(context.Context) error                          { return nil }
func (metricExporterStub) Shutdown(context.Context) error                            { return nil }

func TestNilWriterIsAnError(t *testing.T) {
	var nilBuffer *bytes.Buffer
	for _, w := range []io.Writer{nil, nilBuffer} {
		p, err := spanlog.New(context.Background(), spanlog.WithWriter(w))
		if err == nil || !strings.Contains(err.Error(), "WithWriter(nil)") {
			t.Errorf("New(WithWriter(%#v)) = %v, want an error", w, err)
		}
		if p != nil {
			t.Errorf("New returned a pipeline with its error")
		}
	}
}

// meetingExporter's Shutdown waits, until its ctx ends, for every other
// exporter of its group to be in Shutdown too: exporters shut down one
// after another never meet, and each sees its ctx end.
type meetingExporter struct {
	metricExporterStub
	arrive *sync.WaitGroup
	all    chan struct{}
	err    error
}

func (e *meetingExporter) ExportSpans(context.Context, []sdktrace.ReadOnlySpan) error { return nil }

func (e *meetingExporter) Shutdown(ctx context.Context) error {
	e.arrive.Done()
	select {
	case <-e.all:
	case <-ctx.Done():
		e.err = ctx.Err()
	}
	return e.err
}

func TestExportersShutDownTogether(t *testing.T) {
	hermeticEnv(t)
	var arrive sync.WaitGroup
	all := make(chan struct{})
	exps := make([]*meetingExporter, 3)
	for i := range exps {
		exps[i] = &meetingExporter{arrive: &arrive, all: all}
	}
	arrive.Add(len(exps))
	go func() { arrive.Wait(); close(all) }()
	p, err := spanlog.New(context.Background(), spanlog.WithWriter(io.Discard),
		spanlog.WithSpanExporter(exps[0]), spanlog.WithSpanExporter(exps[1]),
		spanlog.WithMetricReader(sdkmetric.NewPeriodicReader(exps[2])))
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Shutdown(context.Background()); err != nil {
		t.Errorf("Shutdown = %v", err)
	}
	for i, e := range exps {
		if e.err != nil {
			t.Errorf("exporter %d never met the others before its ctx ended: shut down one after another", i)
		}
	}
}

// orderedExporter appends its name to a shared log at each export.
type orderedExporter struct {
	name string
	mu   *sync.Mutex
	log  *[]string
}

func (e orderedExporter) ExportSpans(context.Context, []sdktrace.ReadOnlySpan) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	*e.log = append(*e.log, e.name)
	return nil
}

func (orderedExporter) Shutdown(context.Context) error { return nil }

// Exporters given with WithSpanExporter sit in the chain in the order
// given, so ForceFlush exports to them in that order.
func TestSpanExportersKeepTheirOrder(t *testing.T) {
	hermeticEnv(t)
	var mu sync.Mutex
	var log []string
	p, err := spanlog.New(context.Background(), spanlog.WithWriter(io.Discard),
		spanlog.WithSpanExporter(orderedExporter{"first", &mu, &log}),
		spanlog.WithSpanExporter(orderedExporter{"second", &mu, &log}))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Shutdown(context.Background())
	_, span := p.TracerProvider().Tracer("t").Start(context.Background(), "op")
	span.End()
	if err := p.ForceFlush(context.Background()); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if strings.Join(log, ",") != "first,second" {
		t.Errorf("exported to %v, want first then second", log)
	}
}
