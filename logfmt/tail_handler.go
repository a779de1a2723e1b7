package logfmt

import (
	"log/slog"

	"github.com/spanlog/spanlog/keys"
	"go.opentelemetry.io/otel/trace"
)

// action is what Handle does with a record.
type action uint8

const (
	printRecord action = iota // write its line now
	holdRecord                // build its line and hold it in the tail buffer
	dropRecord                // do nothing
)

// decide is the one place a record's level is weighed: a record at or
// above the level enabled for it — by the level directives for its call
// site and span, or the minimum level — prints; below it, with a tail
// buffer, it is held when logged inside a recording span and dropped
// otherwise. With neither directives nor a tail buffer every record that
// reaches Handle prints, as slog.Logger asks Enabled first.
func (h *Handler) decide(level slog.Level, pc uintptr, span trace.Span) action {
	if h.opts.TailBuffer == nil && h.opts.Levels == nil {
		return printRecord
	}
	var min slog.Level
	if sw := h.opts.Levels; sw != nil {
		min = sw.EventLevel(pc, span)
	} else {
		min = h.opts.minLevel()
	}
	switch {
	case level >= min:
		return printRecord
	case h.opts.TailBuffer != nil && span.IsRecording():
		return holdRecord
	default:
		return dropRecord
	}
}

// replayedPair marks a line that was held and written later.
const replayedPair = " " + keys.Replayed + "=true"

// hold builds r's line, as it would print now but marked replayed, and
// copies it into the tail buffer under span's local root. A record in a
// span the buffer does not track is dropped before its line is built.
func (h *Handler) hold(span trace.Span, r slog.Record) {
	t := h.opts.TailBuffer.traceOf(span.SpanContext())
	if t == nil {
		return
	}
	l := getLine()
	defer putLine(l)
	h.appendRecord(l, span, r, true)
	t.hold(h.opts.TailBuffer, l.b)
}
