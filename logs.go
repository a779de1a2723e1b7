package spanlog

import (
	"context"
	"log/slog"
	"sync/atomic"

	"github.com/spanlog/spanlog/logfmt"
	"go.opentelemetry.io/contrib/bridges/otelslog"
	otellog "go.opentelemetry.io/otel/log"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	"go.opentelemetry.io/otel/sdk/resource"
)

// bridgeScope is the instrumentation scope of records sent through the
// otelslog bridge.
const bridgeScope = "github.com/spanlog/spanlog"

// defaultLogQueueSize is the SDK's batch log processor's queue size when
// OTEL_BLRP_MAX_QUEUE_SIZE is not set.
const defaultLogQueueSize = 2048

// newLoggerProvider returns the logger provider WithOTLPLogs asks for:
// exp, the OTLP log exporter the environment configures, behind a batch
// processor whose queue holds queueSize records, behind a logQueue that
// reports drops through drops.
func newLoggerProvider(res *resource.Resource, exp *guardedLogExporter, queueSize int, drops *dropReporter) *sdklog.LoggerProvider {
	q := &logQueue{queue: &admission{size: int64(queueSize), drops: drops}}
	exp.queue = q.queue
	q.batch = sdklog.NewBatchProcessor(exp, sdklog.WithMaxQueueSize(queueSize))
	return sdklog.NewLoggerProvider(sdklog.WithResource(res), sdklog.WithProcessor(q))
}

// logQueue sits in front of the SDK's batch log processor and admits the
// records its queue takes (see admission): the SDK's processor, when its
// queue is full, drops the oldest record and tells only otel's internal
// logger, which is silent by default. When the queue is full, logQueue
// drops the new record instead, and counts it.
type logQueue struct {
	batch   *sdklog.BatchProcessor
	queue   *admission
	stopped atomic.Bool
}

var _ sdklog.Processor = (*logQueue)(nil)

// OnEmit hands r to the batch processor when the queue has room, and
// counts it as dropped otherwise.
func (q *logQueue) OnEmit(ctx context.Context, r *sdklog.Record) error {
	if q.stopped.Load() || !q.queue.admit() {
		return nil
	}
	return q.batch.OnEmit(ctx, r)
}

func (q *logQueue) Enabled(ctx context.Context, p sdklog.EnabledParameters) bool {
	return q.batch.Enabled(ctx, p)
}

func (q *logQueue) ForceFlush(ctx context.Context) error { return q.batch.ForceFlush(ctx) }

func (q *logQueue) Shutdown(ctx context.Context) error {
	q.stopped.Store(true)
	return q.batch.Shutdown(ctx)
}

// bridgeHandler sends records to lp through the otelslog bridge, after the
// same attribute pipeline as the lines: the bridge sees no secret, no
// reserved key under its own name and one value per key.
func bridgeHandler(lp otellog.LoggerProvider, opts *logfmt.HandlerOptions) slog.Handler {
	bridge := otelslog.NewHandler(bridgeScope, otelslog.WithLoggerProvider(lp))
	return logfmt.NewAttrHandler(bridge.Handle, opts)
}
