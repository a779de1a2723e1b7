package spanlog

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"

	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// exportGuard stands between the SDK and every exporter of a pipeline. It
// gives each export a context that Shutdown cancels when its budget runs
// out, so an export stuck on a hung collector ends with Shutdown instead
// of minutes later; it knows when every exporter has been shut down; and
// it counts what was not delivered once Shutdown began. Safe for
// concurrent use.
type exportGuard struct {
	abortCtx context.Context
	abort    context.CancelFunc
	running  sync.WaitGroup // exporters not yet shut down

	shuttingDown atomic.Bool
	mu           sync.Mutex
	lost         map[string]uint64 // items not delivered during Shutdown, by signal
	lastErr      error
}

func newExportGuard() *exportGuard {
	ctx, cancel := context.WithCancel(context.Background())
	return &exportGuard{abortCtx: ctx, abort: cancel, lost: map[string]uint64{}}
}

// exportContext returns ctx, cancelled as well when the guard aborts.
func (g *exportGuard) exportContext(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	if g.abortCtx.Err() != nil {
		cancel()
		return ctx, cancel
	}
	stop := context.AfterFunc(g.abortCtx, cancel)
	return ctx, func() { stop(); cancel() }
}

// outcome returns the error of an export of n items of signal. During
// Shutdown a failure counts the items as lost and returns nil instead:
// Shutdown's own error reports the loss, once, rather than the SDK
// passing each failed export to the error handler as well.
func (g *exportGuard) outcome(signal string, n int, err error) error {
	if err == nil || !g.shuttingDown.Load() {
		return err
	}
	g.mu.Lock()
	g.lost[signal] += uint64(n)
	g.lastErr = err
	g.mu.Unlock()
	return nil
}

// lostError describes what exports lost during Shutdown, or returns nil.
func (g *exportGuard) lostError() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.lastErr == nil {
		return nil
	}
	var parts []string
	for _, signal := range []string{signalTraces, signalMetrics, signalLogs} {
		if n := g.lost[signal]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, itemNoun(signal, n)))
		}
	}
	return fmt.Errorf("spanlog: %s not exported at shutdown: %w", strings.Join(parts, ", "), g.lastErr)
}

func itemNoun(signal string, n uint64) string {
	one := n == 1
	switch {
	case signal == signalTraces && one:
		return "span"
	case signal == signalTraces:
		return "spans"
	case signal == signalMetrics && one:
		return "metric batch"
	case signal == signalMetrics:
		return "metric batches"
	case one:
		return "log record"
	default:
		return "log records"
	}
}

// refusal tells that an OTLP endpoint does not take a signal at all, as a
// tracing backend such as Jaeger answers metrics: with HTTP 404 (or 405,
// 501) or gRPC Unimplemented. The first refusal is reported once, through
// report, and the signal is switched off: later exports are dropped
// without a word, as the report said they would be.
type refusal struct {
	signal string
	status *statusRecorder // HTTP exporters only
	report func(signal string, err error)
	once   sync.Once
	off    atomic.Bool
}

// check returns err, or nil when err is a refusal, which it reports.
func (r *refusal) check(err error) error {
	if err == nil || r == nil || !r.refused(err) {
		return err
	}
	r.off.Store(true)
	r.once.Do(func() { r.report(r.signal, err) })
	return nil
}

func (r *refusal) refused(err error) bool {
	if status.Code(err) == codes.Unimplemented { // status.Code unwraps
		return true
	}
	if r.status != nil {
		switch r.status.last.Load() {
		case http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusNotImplemented:
			return true
		}
	}
	return false
}

// switchedOff reports whether an earlier export was refused.
func (r *refusal) switchedOff() bool { return r != nil && r.off.Load() }

// statusRecorder keeps the status code of the last HTTP response an OTLP
// HTTP exporter got.
type statusRecorder struct{ last atomic.Int64 }

// recordingTransport records each response's status in status.
type recordingTransport struct {
	base   http.RoundTripper
	status *statusRecorder
}

func (t *recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if err == nil {
		t.status.last.Store(int64(resp.StatusCode))
	} else {
		t.status.last.Store(0)
	}
	return resp, err
}

// connections are the transports of a pipeline's OTLP HTTP exporters,
// whose idle keep-alive connections Shutdown closes.
type connections struct {
	mu         sync.Mutex
	transports []*http.Transport
}

func (c *connections) add(t *http.Transport) {
	c.mu.Lock()
	c.transports = append(c.transports, t)
	c.mu.Unlock()
}

func (c *connections) closeIdle() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, t := range c.transports {
		t.CloseIdleConnections()
	}
}

// guarded is what the guarded exporters of every signal share: the guard
// and the refusal check their exports go through, and the one-time notice
// to the guard that the exporter has shut down.
type guarded struct {
	guard   *exportGuard
	refusal *refusal
	stopped sync.Once
	queue   *admission // when set, told how many items left it with each export
}

func (g *exportGuard) guarded(r *refusal) guarded {
	g.running.Add(1)
	return guarded{guard: g, refusal: r}
}

// export runs one export of n items of signal: nothing once the endpoint
// refused the signal, within the guard's deadline, with its outcome
// counted.
func (e *guarded) export(ctx context.Context, signal string, n int, do func(context.Context) error) error {
	if e.queue != nil {
		defer e.queue.left(n)
	}
	if e.refusal.switchedOff() {
		return nil
	}
	ctx, cancel := e.guard.exportContext(ctx)
	defer cancel()
	return e.guard.outcome(signal, n, e.refusal.check(do(ctx)))
}

// shutdown shuts the exporter down with do, telling the guard once.
func (e *guarded) shutdown(ctx context.Context, do func(context.Context) error) error {
	defer e.stopped.Do(e.guard.running.Done)
	return do(ctx)
}

// guardedSpanExporter is a span exporter behind an exportGuard and, for an
// OTLP exporter, a refusal check.
type guardedSpanExporter struct {
	sdktrace.SpanExporter
	guarded
}

func (g *exportGuard) spanExporter(exp sdktrace.SpanExporter, r *refusal) *guardedSpanExporter {
	return &guardedSpanExporter{SpanExporter: exp, guarded: g.guarded(r)}
}

func (e *guardedSpanExporter) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	return e.export(ctx, signalTraces, len(spans), func(ctx context.Context) error {
		return e.SpanExporter.ExportSpans(ctx, spans)
	})
}

func (e *guardedSpanExporter) Shutdown(ctx context.Context) error {
	return e.shutdown(ctx, e.SpanExporter.Shutdown)
}

// guardedMetricExporter is a metric exporter behind an exportGuard and,
// for an OTLP exporter, a refusal check.
type guardedMetricExporter struct {
	sdkmetric.Exporter
	guarded
}

func (g *exportGuard) metricExporter(exp sdkmetric.Exporter, r *refusal) *guardedMetricExporter {
	return &guardedMetricExporter{Exporter: exp, guarded: g.guarded(r)}
}

func (e *guardedMetricExporter) Export(ctx context.Context, rm *metricdata.ResourceMetrics) error {
	return e.export(ctx, signalMetrics, 1, func(ctx context.Context) error { return e.Exporter.Export(ctx, rm) })
}

func (e *guardedMetricExporter) Shutdown(ctx context.Context) error {
	return e.shutdown(ctx, e.Exporter.Shutdown)
}

// guardedLogExporter is a log exporter behind an exportGuard and a refusal
// check.
type guardedLogExporter struct {
	sdklog.Exporter
	guarded
}

func (g *exportGuard) logExporter(exp sdklog.Exporter, r *refusal) *guardedLogExporter {
	return &guardedLogExporter{Exporter: exp, guarded: g.guarded(r)}
}

func (e *guardedLogExporter) Export(ctx context.Context, records []sdklog.Record) error {
	return e.export(ctx, signalLogs, len(records), func(ctx context.Context) error { return e.Exporter.Export(ctx, records) })
}

func (e *guardedLogExporter) Shutdown(ctx context.Context) error {
	return e.shutdown(ctx, e.Exporter.Shutdown)
}
