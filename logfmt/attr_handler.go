package logfmt

import (
	"context"
	"log/slog"
	"slices"
	"sync"

	"github.com/spanlog/spanlog/keys"
	"go.opentelemetry.io/otel/trace"
)

// AttrHandler is a slog.Handler for sinks that take attributes rather than
// text, such as span events and OTLP log records. It takes every record
// through the same attribute pipeline as a Handler's lines — LogValuers
// resolved, ReplaceAttr, redaction (groups under a secret key included),
// reserved keys prefixed with "fields.", one value per key, values and keys
// capped — and hands emit a new record holding the result: groups
// flattened to dotted keys, strings and non-scalar values as capped text,
// the message capped. A secret never reaches emit.
//
// An AttrHandler and its clones are safe for concurrent use when emit is.
type AttrHandler struct {
	opts   HandlerOptions
	lim    limits
	emit   func(context.Context, slog.Record) error
	attrs  []slog.Attr // flattened from WithAttrs
	prefix string      // dotted group prefix for attrs added later
	groups []string    // open group names, for ReplaceAttr
}

var _ slog.Handler = (*AttrHandler)(nil)

// NewAttrHandler returns an AttrHandler calling emit with each record
// enabled by opts.Level. opts may be nil; its AddSource,
// LeaveSpanStatus and TailBuffer are not used.
func NewAttrHandler(emit func(context.Context, slog.Record) error, opts *HandlerOptions) *AttrHandler {
	h := &AttrHandler{emit: emit}
	if opts != nil {
		h.opts = *opts
	}
	h.lim = limits{maxValue: h.opts.MaxValueBytes, redact: h.opts.Redact}
	return h
}

// Enabled reports whether level is at or above the handler's minimum
// level, or, with Levels set, whether a directive could let it through.
func (h *AttrHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.opts.levelEnabled(ctx, level)
}

// WithAttrs returns an AttrHandler whose records carry attrs, flattened
// once now.
func (h *AttrHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	if len(attrs) == 0 {
		return h
	}
	h2 := *h
	s := h.sink(slices.Clip(h.attrs))
	for _, a := range attrs {
		walkAttr(s, h.opts.ReplaceAttr, h.lim, a, userClass)
	}
	h2.attrs = s.attrs
	return &h2
}

// WithGroup returns an AttrHandler that qualifies later attrs with name. An
// empty name returns h.
func (h *AttrHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	h2 := *h
	h2.prefix = string(extendPrefix([]byte(h.prefix), name, h.lim, false))
	h2.groups = append(slices.Clip(h.groups), name)
	return &h2
}

// Handle passes emit a copy of r whose attributes have been through the
// pipeline, and returns emit's error; with Levels set, a record below the
// level its call site and span want is left out.
func (h *AttrHandler) Handle(ctx context.Context, r slog.Record) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if sw := h.opts.Levels; sw != nil && r.Level < sw.EventLevel(r.PC, trace.SpanFromContext(ctx)) {
		return nil
	}
	s := flatSinks.Get().(*flatSink)
	defer flatSinks.Put(s)
	h.reset(s)
	s.attrs = append(s.attrs, h.attrs...)
	r.Attrs(func(a slog.Attr) bool {
		walkAttr(s, h.opts.ReplaceAttr, h.lim, a, userClass)
		return true
	})
	out := slog.NewRecord(r.Time, r.Level, h.lim.cap(r.Message), r.PC)
	out.AddAttrs(dedupeFlat(s.attrs)...) // copies them: s can be reused
	clear(s.attrs)                       // and must not keep values alive
	return h.emit(ctx, out)
}

// flatSinks recycles the working space of AttrHandler.Handle.
var flatSinks = sync.Pool{New: func() any { return new(flatSink) }}

// sink returns a new flatSink under h's groups that appends to attrs.
func (h *AttrHandler) sink(attrs []slog.Attr) *flatSink {
	s := new(flatSink)
	h.reset(s)
	s.attrs = attrs
	return s
}

// reset empties s for a walk under h's groups, keeping its buffers.
func (h *AttrHandler) reset(s *flatSink) {
	s.attrs = s.attrs[:0]
	s.prefix.text = append(s.prefix.text[:0], h.prefix...)
	s.prefix.marks = s.prefix.marks[:0]
	s.groups = s.groups[:0]
	if h.opts.ReplaceAttr != nil {
		s.groups = append(s.groups, h.groups...)
	}
}

// flatSink collects the leaves of attributes as slog.Attrs with dotted
// keys.
type flatSink struct {
	attrs  []slog.Attr
	prefix groupPrefix
	groups []string
}

func (s *flatSink) groupNames() *[]string { return &s.groups }

func (s *flatSink) openGroup(name string, lim limits) { s.prefix.open(name, lim) }
func (s *flatSink) closeGroup()                       { s.prefix.close() }

func (s *flatSink) leaf(key string, v slog.Value, _ class, lim limits) {
	key = lim.cap(key)
	if len(s.prefix.text) == 0 {
		key = keys.Safe(key)
	} else {
		key = string(s.prefix.text) + key
	}
	s.attrs = append(s.attrs, slog.Attr{Key: key, Value: flatValue(v, lim)})
}

// flatValue is v as a sink without spanlog's encoder gets it: strings
// capped, and values of kind Any as their capped text, so that no String
// or MarshalText method runs, or panics, later.
func flatValue(v slog.Value, lim limits) slog.Value {
	switch v.Kind() {
	case slog.KindString:
		if s := v.String(); len(s) > lim.maxKey() {
			return slog.StringValue(lim.cap(s))
		}
		return v
	case slog.KindAny:
		return slog.StringValue(lim.cap(anyText(v.Any())))
	default:
		return v
	}
}

// dedupeFlat keeps the last value of each key, at the place of that last
// value.
func dedupeFlat(attrs []slog.Attr) []slog.Attr {
	kept := attrs[:0]
	for i, a := range attrs {
		if !slices.ContainsFunc(attrs[i+1:], func(b slog.Attr) bool { return b.Key == a.Key }) {
			kept = append(kept, a)
		}
	}
	return kept
}
