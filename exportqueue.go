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

// admission decides which items an SDK batch processor's queue takes, so
// that none is ever dropped without being counted: the SDK's processors
// drop silently when their queue is full. It admits an item while fewer
// than size admitted items have not yet gone through the exporter (the
// exporter tells it, see left), and counts the others as dropped, which
// drops reports. The SDK queue behind it is at least size, so it is never
// full. With block set, it admits everything: the SDK's processor then
// waits for room. Safe for concurrent use.
type admission struct {
	size    int64
	block   bool
	drops   *dropReporter
	pending atomic.Int64
}

// admit reports whether the queue takes one more item; when it does not,
// the item is counted as dropped.
func (a *admission) admit() bool {
	if a.block {
		return true
	}
	if a.pending.Add(1) > a.size {
		a.pending.Add(-1)
		a.drops.add(1)
		return false
	}
	return true
}

// left tells the admission that n items went through the exporter,
// delivered or not.
func (a *admission) left(n int) {
	if !a.block {
		a.pending.Add(-int64(n))
	}
	a.drops.reportDue()
}

// exportQueue sits in front of the SDK's batch span processor and admits
// the spans its queue takes (see admission).
type exportQueue struct {
	batch   sdktrace.SpanProcessor
	queue   *admission
	stopped atomic.Bool
}

var _ sdktrace.SpanProcessor = (*exportQueue)(nil)

// newExportQueue returns the batch span processor opts describe, exporting
// to exp, behind an exportQueue reporting drops through drops.
func newExportQueue(exp *guardedSpanExporter, opts sdktrace.BatchSpanProcessorOptions, drops *dropReporter) *exportQueue {
	q := &exportQueue{queue: &admission{size: int64(opts.MaxQueueSize), block: opts.BlockOnQueueFull, drops: drops}}
	exp.queue = q.queue
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
	if q.queue.admit() {
		q.batch.OnEnd(s)
	}
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

func (*DroppedSpansError) reportsDrops() {}

// DroppedLogRecordsError is what spanlog passes to the OTel error handler
// when log records sent with WithOTLPLogs were dropped because their
// export queue was full, on the same schedule as DroppedSpansError. A
// bigger queue (OTEL_BLRP_MAX_QUEUE_SIZE) or a faster collector avoids
// them.
type DroppedLogRecordsError struct {
	Count     uint64 // records dropped since the last report
	Total     uint64 // records dropped since New
	QueueSize int
}

func (e *DroppedLogRecordsError) Error() string {
	return fmt.Sprintf("spanlog: log export queue full (%d records): %d log records dropped since the last report, %d in all; raise OTEL_BLRP_MAX_QUEUE_SIZE",
		e.QueueSize, e.Count, e.Total)
}

func (*DroppedLogRecordsError) reportsDrops() {}

// dropReport is an error that reports dropped telemetry.
type dropReport interface {
	error
	reportsDrops()
}

// dropReporter counts dropped items of one export queue and reports them
// through otel.Handle, as the error newErr makes: the first at once, then
// at most once per dropReportInterval. Safe for concurrent use.
type dropReporter struct {
	queueSize int
	newErr    func(count, total uint64, queueSize int) dropReport
	now       func() time.Time
	handle    func(error)

	mu         sync.Mutex
	unreported uint64
	total      uint64
	lastReport time.Time
}

// newDropReporter reports the drops of a queue of queueSize items as
// newErr makes them: spanDrops or logDrops.
func newDropReporter(queueSize int, now func() time.Time, newErr func(count, total uint64, queueSize int) dropReport) *dropReporter {
	return &dropReporter{queueSize: queueSize, now: now, handle: otel.Handle, newErr: newErr}
}

func spanDrops(count, total uint64, queueSize int) dropReport {
	return &DroppedSpansError{Count: count, Total: total, QueueSize: queueSize}
}

func logDrops(count, total uint64, queueSize int) dropReport {
	return &DroppedLogRecordsError{Count: count, Total: total, QueueSize: queueSize}
}

// add counts n dropped items and reports them if a report is due.
func (d *dropReporter) add(n uint64) { d.report(n, false) }

// reportDue reports the unreported drops when the last report is at least
// an interval old.
func (d *dropReporter) reportDue() { d.report(0, false) }

// flush reports the unreported drops now; Shutdown calls it.
func (d *dropReporter) flush() { d.report(0, true) }

// report counts n more drops and reports all unreported ones when there
// are any and now is forced or a report is due; it takes the lock once.
func (d *dropReporter) report(n uint64, now bool) {
	d.mu.Lock()
	d.unreported += n
	d.total += n
	var err error
	if d.unreported > 0 && (now || d.lastReport.IsZero() || d.now().Sub(d.lastReport) >= dropReportInterval) {
		err = d.newErr(d.unreported, d.total, d.queueSize)
		d.unreported, d.lastReport = 0, d.now()
	}
	d.mu.Unlock()
	if err != nil {
		d.handle(err)
	}
}
