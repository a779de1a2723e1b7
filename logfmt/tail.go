package logfmt

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
)

// TailBuffer keeps the lines of records logged below the Handler's level
// inside a span until it is known whether anyone needs them: debug detail
// that prints only for the requests that failed.
//
// Records are held per local root span, the outermost span of a trace in
// this process. A span whose parent is a span of this process (directly,
// or as the remote parent of a traced hop) belongs to that parent's local
// root, even when the parent has ended, as long as the root is open; any
// other span (a root, a span under a parent in another process, a span
// started after its root ended) is a local root of its own. When the local
// root ends, its held lines are written, in the order logged and with
// their own timestamps, just before the root's event and close_span lines,
// if the root or any span under it ended with status Error, a record at
// slog.LevelError or above was logged in one of them, or the root took
// longer than the WithSlowerThan threshold. Otherwise they are discarded.
// Replayed lines thus follow lines printed after them were logged; their
// timestamps keep the order in which everything happened.
//
// A held line is built when the record is logged, through the Handler's
// whole pipeline (ReplaceAttr, redaction, caps, one value per key), and
// carries replayed=true right after its msg. When records of the trace
// were dropped (see WithRecordsPerTrace and WithHeldBytes), the replay ends
// with one more line saying how many:
//
//	level=WARN msg="tail buffer dropped records" records_dropped=<n> span=<root> trace_id=<id> timestamp=<root's end>
//
// Give one TailBuffer to a Handler (HandlerOptions.TailBuffer, shared by
// its clones) and to the SpanProcessor that prints its spans
// (WithTailBuffer); spanlog.WithTailBuffer does both. The SpanProcessor's
// Shutdown discards what is still held.
//
// Replayed and discarded records are counted by two counters on the meter
// provider given with WithTailMeterProvider:
//
//   - spanlog_tail_records_replayed: records written at their root's end.
//   - spanlog_tail_records_discarded, with attribute reason: "ok" (the
//     request did not fail), "trace_limit" (over WithRecordsPerTrace,
//     oldest first), "memory_limit" (WithHeldBytes reached: the new record
//     is not held), "max_age" (the root did not end within
//     WithMaxTraceAge) or "shutdown".
//
// Prometheus shows them with the suffix _total.
//
// A TailBuffer is safe for concurrent use.
type TailBuffer struct {
	maxRecords int
	maxBytes   int64
	maxAge     time.Duration
	slower     time.Duration // 0: latency alone never replays
	now        func() time.Time

	used   atomic.Int64 // bytes held: lines, and spanBytes per tracked span
	closed atomic.Bool

	mu             sync.RWMutex
	spans          map[spanKey]*heldTrace // every tracked span → its local root's trace
	oldest, newest *heldTrace             // open traces, in the order their roots started

	replayed  metric.Int64Counter
	discarded metric.Int64Counter
}

// spanKey names a span: a span ID is unique within its trace.
type spanKey struct {
	trace trace.TraceID
	span  trace.SpanID
}

func keyOf(sc trace.SpanContext) spanKey { return spanKey{sc.TraceID(), sc.SpanID()} }

// Defaults of a TailBuffer's bounds.
const (
	DefaultRecordsPerTrace = 256
	DefaultHeldBytes       = 16 << 20
	DefaultMaxTraceAge     = 10 * time.Minute
)

// spanBytes is what one tracked span counts for against WithHeldBytes: its
// registry entry.
const spanBytes = 64

// TailOption configures a TailBuffer.
type TailOption func(*TailBuffer)

// WithRecordsPerTrace holds at most n records per local root; past that,
// the oldest is dropped. Zero or less means DefaultRecordsPerTrace.
func WithRecordsPerTrace(n int) TailOption {
	return func(b *TailBuffer) {
		if n > 0 {
			b.maxRecords = n
		}
	}
}

// WithHeldBytes caps the bytes held across all open traces: the held
// lines, and 64 bytes per tracked span (spare capacity of the buffers
// aside). When the cap is reached a new record is not held, and a new span
// is not tracked: its records are dropped as they would be without a tail
// buffer, and a span started under it begins a local root of its own. Zero
// or less means DefaultHeldBytes (16 MiB).
func WithHeldBytes(n int) TailOption {
	return func(b *TailBuffer) {
		if n > 0 {
			b.maxBytes = int64(n)
		}
	}
}

// WithMaxTraceAge evicts a local root, discarding its records, once it has
// been open longer than d: a root that never ends cannot hold memory for
// ever. Expired roots are looked for whenever a new local root starts.
// Spans started under an evicted root later begin local roots of their
// own. Zero or less means DefaultMaxTraceAge (10 minutes).
func WithMaxTraceAge(d time.Duration) TailOption {
	return func(b *TailBuffer) {
		if d > 0 {
			b.maxAge = d
		}
	}
}

// WithSlowerThan also replays the records of a local root whose latency_ms
// exceeds d. Zero, the default, turns this off.
func WithSlowerThan(d time.Duration) TailOption {
	return func(b *TailBuffer) { b.slower = max(d, 0) }
}

// WithTailMeterProvider sets the meter provider of the replayed and
// discarded counters; the default is otel.GetMeterProvider().
func WithTailMeterProvider(mp metric.MeterProvider) TailOption {
	return func(b *TailBuffer) { b.createCounters(mp) }
}

// tailScope is the instrumentation scope of the tail buffer's counters.
const tailScope = "github.com/spanlog/spanlog/logfmt"

// NewTailBuffer returns a TailBuffer with the given bounds.
func NewTailBuffer(opts ...TailOption) *TailBuffer {
	b := &TailBuffer{
		maxRecords: DefaultRecordsPerTrace,
		maxBytes:   DefaultHeldBytes,
		maxAge:     DefaultMaxTraceAge,
		now:        time.Now,
		spans:      make(map[spanKey]*heldTrace),
	}
	for _, opt := range opts {
		opt(b)
	}
	if b.replayed == nil {
		b.createCounters(otel.GetMeterProvider())
	}
	return b
}

func (b *TailBuffer) createCounters(mp metric.MeterProvider) {
	meter := mp.Meter(tailScope)
	var err error
	if b.replayed, err = meter.Int64Counter("spanlog_tail_records_replayed",
		metric.WithDescription("Records held below the log level and written because their request failed or was slow.")); err != nil {
		otel.Handle(err)
	}
	if b.discarded, err = meter.Int64Counter("spanlog_tail_records_discarded",
		metric.WithDescription("Records held below the log level and never written, by reason.")); err != nil {
		otel.Handle(err)
	}
}

// Reasons a held record is discarded: the values of the reason attribute.
const (
	reasonOK          = "ok"
	reasonTraceLimit  = "trace_limit"
	reasonMemoryLimit = "memory_limit"
	reasonMaxAge      = "max_age"
	reasonShutdown    = "shutdown"
)

// reasonOptions holds, for each reason, the options of Add ready made: a
// variadic slice built per call would allocate.
var reasonOptions = func() map[string][]metric.AddOption {
	m := map[string][]metric.AddOption{}
	for _, r := range []string{reasonOK, reasonTraceLimit, reasonMemoryLimit, reasonMaxAge, reasonShutdown} {
		m[r] = []metric.AddOption{metric.WithAttributeSet(attribute.NewSet(attribute.String("reason", r)))}
	}
	return m
}()

func (b *TailBuffer) countDiscarded(n int, reason string) {
	if n > 0 && b.discarded != nil {
		b.discarded.Add(context.Background(), int64(n), reasonOptions[reason]...)
	}
}

// reserve counts n more bytes as held, unless that would pass the cap.
func (b *TailBuffer) reserve(n int) bool {
	if b.used.Add(int64(n)) > b.maxBytes {
		b.used.Add(-int64(n))
		return false
	}
	return true
}

func (b *TailBuffer) release(n int) { b.used.Add(-int64(n)) }

// wants reports whether a record below the level, logged in ctx, may be
// held: the buffer is open and ctx holds a recording span. It is cheap, for
// Handler.Enabled; whether the span is tracked is checked later.
func (b *TailBuffer) wants(ctx context.Context) bool {
	return !b.closed.Load() && trace.SpanFromContext(ctx).IsRecording()
}

// traceOf returns the open trace that sc belongs to, or nil.
func (b *TailBuffer) traceOf(sc trace.SpanContext) *heldTrace {
	if b.closed.Load() {
		return nil
	}
	b.mu.RLock()
	t := b.spans[keyOf(sc)]
	b.mu.RUnlock()
	return t
}

// markFailed records that an error-level record was logged in sc's span:
// its local root's records will be written.
func (b *TailBuffer) markFailed(sc trace.SpanContext) {
	if t := b.traceOf(sc); t != nil {
		t.failed.Store(true)
	}
}
