package logfmt

import (
	"context"
	"io"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/spanlog/spanlog/internal/chain"
	"github.com/spanlog/spanlog/keys"
	"github.com/spanlog/spanlog/levels"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// SpanProcessor prints a line when a span starts and when it ends:
//
//	level=INFO span_name=<name> span=<id> parent_span=<id> span_event=new_span timestamp=<start> trace_id=<id> <stored fields>
//	level=INFO span_name=<name> span=<id> parent_span=<id> span_event=close_span timestamp=<end> trace_id=<id> latency_ms=<ms> <stored fields>
//
// parent_span is absent on root spans. A span with links adds
// links=<trace_id>-<span_id>,... after trace_id. The span's events print as
// event lines when it ends, before its close line. The close line takes
// latency_ms from the storage processor before it in the chain, or works it
// out the same way when there is none.
//
// It forwards every call to next. Its methods are safe for concurrent use;
// OnStart and OnEnd block while the writer does.
type SpanProcessor struct {
	out      *SyncWriter
	link     chain.Link
	lines    Lines
	minLevel slog.Leveler
	levels   *levels.Switch
	keep     func(sdktrace.ReadOnlySpan) bool
	lim      limits
	tail     *TailBuffer

	failing atomic.Bool // a write failed and no write has succeeded since
}

var _ sdktrace.SpanProcessor = (*SpanProcessor)(nil)

// NewSpanProcessor returns a SpanProcessor writing to w and forwarding to
// next, which may be nil. w is wrapped in a SyncWriter unless it already is
// one; a nil w discards every line.
func NewSpanProcessor(w io.Writer, next sdktrace.SpanProcessor, opts ...SpanOption) *SpanProcessor {
	p := &SpanProcessor{out: NewSyncWriter(orDiscard(w)), lines: AllLines}
	p.link.SetNext(next)
	for _, opt := range opts {
		opt(p)
	}
	return p
}

// OnStart prints the new_span line, then calls next.
func (p *SpanProcessor) OnStart(parent context.Context, s sdktrace.ReadWriteSpan) {
	if p.link.Stopped() {
		return
	}
	if p.tail != nil {
		p.tail.spanStarted(s)
	}
	if p.lines&NewSpanLines != 0 && slog.LevelInfo >= p.minLevelOf(s) && p.kept(s) {
		p.printSpanLine(s, "new_span", slog.LevelInfo, s.StartTime())
	}
	p.link.OnStart(parent, s)
}

// OnEnd prints the span's event lines and its close_span line, then calls
// next.
func (p *SpanProcessor) OnEnd(s sdktrace.ReadOnlySpan) {
	if p.link.Stopped() {
		return
	}
	if p.tail != nil {
		p.replayHeld(s)
	}
	if p.lines&(EventLines|CloseSpanLines) != 0 && p.kept(s) {
		min := p.minLevelOf(s)
		if p.lines&EventLines != 0 {
			p.printEvents(s, min)
		}
		level := slog.LevelInfo
		if s.Status().Code == codes.Error {
			level = slog.LevelError
		}
		if p.lines&CloseSpanLines != 0 && level >= min {
			p.printSpanLine(s, "close_span", level, s.EndTime())
		}
	}
	p.link.OnEnd(s)
}

// ForceFlush forwards to next; lines are written as they happen.
func (p *SpanProcessor) ForceFlush(ctx context.Context) error { return p.link.ForceFlush(ctx) }

// Shutdown stops printing, discards the records its tail buffer holds, and
// shuts next down. Only the first call does anything; after it, every
// method is a no-op.
func (p *SpanProcessor) Shutdown(ctx context.Context) error {
	if p.tail != nil {
		p.tail.shutdown()
	}
	return p.link.Shutdown(ctx)
}

// minLevelOf returns the level s's lines must reach: what the level
// directives say for its tracer and span, or the minimum level.
func (p *SpanProcessor) minLevelOf(s sdktrace.ReadOnlySpan) slog.Level {
	switch {
	case p.levels != nil:
		return p.levels.SpanLevel(s)
	case p.minLevel != nil:
		return p.minLevel.Level()
	default:
		return slog.LevelInfo
	}
}

func (p *SpanProcessor) kept(s sdktrace.ReadOnlySpan) bool {
	return p.keep == nil || p.keep(s)
}

func (p *SpanProcessor) printSpanLine(s sdktrace.ReadOnlySpan, event string, level slog.Level, t time.Time) {
	l := getLine()
	defer putLine(l)
	l.b = append(l.b, " level="...)
	l.b = append(l.b, level.String()...)
	l.b = append(l.b, " span_name="...)
	l.b = appendString(l.b, p.lim.cap(s.Name()))
	sc := s.SpanContext()
	l.b = appendSpanID(l.b, " span=", sc.SpanID())
	if parent := s.Parent(); parent.IsValid() {
		l.b = appendSpanID(l.b, " parent_span=", parent.SpanID())
	}
	l.b = append(l.b, " span_event="...)
	l.b = append(l.b, event...)
	l.b = append(l.b, " timestamp="...)
	l.b = appendTime(l.b, t)
	l.b = appendTraceID(l.b, " trace_id=", sc.TraceID())
	closing := event == "close_span"
	if closing {
		l.b = append(l.b, " latency_ms="...)
		l.b = appendMillis(l.b, keys.SpanLatency(s))
	}
	l.b = appendLinks(l.b, s.Links())
	l.appendFields(s.Attributes(), nil, p.lim, closing)
	l.dedupe()
	l.b = p.lim.capLine(l.b)
	p.write(l)
}

// printEvents prints the span's events as event lines of that span, but
// for log records copied onto the span (they carry LogSeverityKey), which
// were printed when they were logged. An event's attributes win over the
// span's stored fields of the same key.
func (p *SpanProcessor) printEvents(s sdktrace.ReadOnlySpan, min slog.Level) {
	for _, ev := range s.Events() {
		if isLogRecord(ev) {
			continue
		}
		level := slog.LevelInfo
		if ev.Name == "exception" {
			level = slog.LevelError
		}
		if level < min {
			continue
		}
		l := getLine()
		l.b = append(l.b, " level="...)
		l.b = append(l.b, level.String()...)
		l.b = append(l.b, " msg="...)
		l.b = appendString(l.b, p.lim.cap(ev.Name))
		l.appendAttributes(ev.Attributes, userClass, nil, p.lim, false)
		l.b = appendIDs(l.b, s.SpanContext())
		l.appendFields(s.Attributes(), nil, p.lim, true)
		l.b = append(l.b, " timestamp="...)
		l.b = appendTime(l.b, ev.Time)
		l.dedupe()
		l.b = p.lim.capLine(l.b)
		p.write(l)
		putLine(l)
	}
}

func appendLinks(b []byte, links []sdktrace.Link) []byte {
	for i, l := range links {
		if i == 0 {
			b = append(b, " links="...)
		} else {
			b = append(b, ',')
		}
		tid, sid := l.SpanContext.TraceID(), l.SpanContext.SpanID()
		b = appendHex(b, tid[:])
		b = append(b, '-')
		b = appendHex(b, sid[:])
	}
	return b
}

// write writes one line. A failing writer is reported through otel.Handle
// once, and again only after a write has succeeded in between, so a broken
// writer does not flood the error handler.
func (p *SpanProcessor) write(l *line) {
	if err := l.write(p.out); err != nil {
		if !p.failing.Swap(true) {
			otel.Handle(err)
		}
		return
	}
	if p.failing.Load() {
		p.failing.Store(false)
	}
}

// LogSeverityKey marks a span event that copies a log record, with the
// record's level as value. The span printer leaves such events out, as the
// Handler printed the record already.
const LogSeverityKey = "log.severity"

func isLogRecord(ev sdktrace.Event) bool {
	for _, kv := range ev.Attributes {
		if kv.Key == LogSeverityKey {
			return true
		}
	}
	return false
}
