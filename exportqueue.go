package spanlog

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// dropReportInterval is the least time between two reports of dropped
// spans.
const dropReportInterval = time.Minute

// flushMarkerRoom is the room the SDK's batch queue keeps beyond the
// spans exportQueue admits: ForceFlush puts a marker in that queue, and a
// marker must never make it drop a span.
const flushMarkerRoom = 64

// exportQueue sits in front of the SDK's batch span processor and decides
// itself which spans the queue takes, so that none is ever dropped
// without being counted: the SDK's processor drops silently when its
// queue is full. It admits a sampled span while fewer than size spans are
// admitted and not yet through the exporter (the exporter tells it, see
// left), and counts the others as dropped, which drops reports. The SDK
// queue it feeds is larger by flushMarkerRoom, so it is never full. With
// block set, it never drops: ending a span waits for room, as the SDK's
// WithBlocking makes it. Safe for concurrent use.
type exportQueue struct {
	batch   sdktrace.SpanProcessor
	size    int64
	block   bool
	drops   *dropReporter
	pending atomic.Int64
	stopped atomic.Bool
}

var _ sdktrace.SpanProcessor = (*exportQueue)(nil)

// newExportQueue returns the batch span processor opts describe, exporting
// to exp, behind an exportQueue reporting drops through drops.
func newExportQueue(exp *guardedSpanExporter, opts sdktrace.BatchSpanProcessorOptions, drops *dropReporter) *exportQueue {
	q := &exportQueue{size: int64(opts.MaxQueueSize), block: opts.BlockOnQueueFull, drops: drops}
	exp.queue = q
	bspOpts := []sdktrace.BatchSpanProcessorOption{
		sdktrace.WithBatchTimeout(opts.BatchTimeout),
		sdktrace.WithExportTimeout(opts.ExportTimeout),
		sdktrace.WithMaxQueueSize(opts.MaxQueueSize + flushMarkerRoom),
		sdktrace.WithMaxExportBatchSize(min(opts.MaxExportBatchSize, opts.MaxQueueSize)),
	}
	if opts.BlockOnQueueFull {
		bspOpts = append(bspOpts, sdktrace.WithBlocking())
	}
	q.batch = sdktrace.NewBatchSpanProcessor(exp, bspOpts...)
	return q
}

func (q *exportQueue) OnStart(ctx context.Context, s sdktrace.ReadWriteSpan) { q.batch.OnStart(ctx, s) }

// OnEnd hands s to the batch processor when the queue has room, and
// counts it as dropped otherwise. Spans that are not sampled are not
// exported, so not counted.
func (q *exportQueue) OnEnd(s sdktrace.ReadOnlySpan) {
	if q.stopped.Load() || !s.SpanContext().IsSampled() {
		return
	}
	if !q.block {
		if q.pending.Add(1) > q.size {
			q.pending.Add(-1)
			q.drops.add(1)
			return
		}
	}
	q.batch.OnEnd(s)
}

// left tells the queue that n spans went through the exporter, delivered
// or not.
func (q *exportQueue) left(n int) {
	if !q.block {
		q.pending.Add(-int64(n))
	}
	q.drops.reportDue()
}

func (q *exportQueue) ForceFlush(ctx context.Context) error { return q.batch.ForceFlush(ctx) }

func (q *exportQueue) Shutdown(ctx context.Context) error {
	q.stopped.Store(true)
	return q.batch.Shutdown(ctx)
}

// DroppedSpansError is what spanlog passes to the OTel error handler
// (otel.Handle) when spans were dropped because an export queue was full:
// the first drop at once, then at most once a minute the count since the
// last report, and at Shutdown whatever was not reported yet. A bigger
// queue (OTEL_BSP_MAX_QUEUE_SIZE or WithBatchOptions), a faster collector
// or blocking on a full queue avoids them.
type DroppedSpansError struct {
	Count     uint64 // spans dropped since the last report
	Total     uint64 // spans dropped since New
	QueueSize int
}

func (e *DroppedSpansError) Error() string {
	return fmt.Sprintf("spanlog: export queue full (%d spans): %d spans dropped since the last report, %d in all; raise OTEL_BSP_MAX_QUEUE_SIZE or use spanlog.WithBatchOptions",
		e.QueueSize, e.Count, e.Total)
}

// dropReporter counts dropped spans and reports them through otel.Handle:
// the first at once, then at most once per dropReportInterval. Safe for
// concurrent use.
type dropReporter struct {
	queueSize int
	now       func() time.Time
	handle    func(error)

	mu         sync.Mutex
	unreported uint64
	total      uint64
	lastReport time.Time
}

func newDropReporter(queueSize int, now func() time.Time) *dropReporter {
	return &dropReporter{queueSize: queueSize, now: now, handle: otel.Handle}
}

// add counts n dropped spans and reports them if a report is due.
func (d *dropReporter) add(n uint64) {
	d.mu.Lock()
	d.unreported += n
	d.total += n
	d.mu.Unlock()
	d.reportDue()
}

// reportDue reports the unreported drops when the last report is at least
// an interval old.
func (d *dropReporter) reportDue() {
	d.mu.Lock()
	due := d.unreported > 0 && (d.lastReport.IsZero() || d.now().Sub(d.lastReport) >= dropReportInterval)
	err := d.takeLocked(due)
	d.mu.Unlock()
	if err != nil {
		d.handle(err)
	}
}

// flush reports the unreported drops now; Shutdown calls it.
func (d *dropReporter) flush() {
	d.mu.Lock()
	err := d.takeLocked(d.unreported > 0)
	d.mu.Unlock()
	if err != nil {
		d.handle(err)
	}
}

func (d *dropReporter) takeLocked(report bool) error {
	if !report {
		return nil
	}
	err := &DroppedSpansError{Count: d.unreported, Total: d.total, QueueSize: d.queueSize}
	d.unreported, d.lastReport = 0, d.now()
	return err
}
