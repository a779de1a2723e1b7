package logfmt

import (
	"strconv"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// WithTailBuffer makes the SpanProcessor track spans for b and, when a
// local root ends, write the records b held for it (if its request failed
// or was slow) before the root's event and close_span lines, whatever
// WithLines, WithMinLevel and WithFilter say of those. Give b to one
// SpanProcessor, and to the Handler (HandlerOptions.TailBuffer).
func WithTailBuffer(b *TailBuffer) SpanOption {
	return func(p *SpanProcessor) { p.tail = b }
}

// replayHeld closes s's trace when s is a tracked local root and writes
// or discards what it held.
func (p *SpanProcessor) replayHeld(s sdktrace.ReadOnlySpan) {
	o, replay, ok := p.tail.spanEnded(s)
	if !ok {
		return
	}
	if replay {
		for i := range o.lines.len() {
			p.writeHeld(o.lines.line(i))
		}
		if n := o.dropped(); n > 0 {
			p.printDropped(s, n)
		}
	}
	p.tail.finished(o, replay, reasonOK)
}

// writeHeld writes one held line with a single Write.
func (p *SpanProcessor) writeHeld(b []byte) {
	l := getLine()
	defer putLine(l)
	l.b = append(l.b, b...)
	p.write(l)
}

// printDropped says how many of the root's records were not held.
func (p *SpanProcessor) printDropped(s sdktrace.ReadOnlySpan, n int) {
	l := getLine()
	defer putLine(l)
	l.b = append(l.b, ` level=WARN msg="tail buffer dropped records" records_dropped=`...)
	l.b = strconv.AppendInt(l.b, int64(n), 10)
	l.b = appendIDs(l.b, s.SpanContext())
	l.b = append(l.b, " timestamp="...)
	l.b = appendTime(l.b, s.EndTime())
	p.write(l)
}
