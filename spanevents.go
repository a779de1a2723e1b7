package spanlog

import (
	"context"
	"log/slog"
	"slices"

	"github.com/spanlog/spanlog/logfmt"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
)

// spanEventHandler copies each log record onto the recording span in its
// context as a span event (which Jaeger shows as a span log): the record's
// message is the event name, its attributes the event's, with groups as
// dotted keys, and log.severity its level. Records outside a recording span
// are left alone.
type spanEventHandler struct {
	level  slog.Leveler
	attrs  []attribute.KeyValue
	prefix string
}

var _ slog.Handler = (*spanEventHandler)(nil)

func (h *spanEventHandler) Enabled(_ context.Context, level slog.Level) bool {
	return h.level == nil || level >= h.level.Level()
}

func (h *spanEventHandler) Handle(ctx context.Context, r slog.Record) error {
	if ctx == nil {
		return nil
	}
	span := trace.SpanFromContext(ctx)
	if !span.IsRecording() {
		return nil
	}
	attrs := make([]attribute.KeyValue, 0, 1+len(h.attrs)+r.NumAttrs())
	attrs = append(attrs, attribute.String(logfmt.LogSeverityKey, r.Level.String()))
	attrs = append(attrs, h.attrs...)
	r.Attrs(func(a slog.Attr) bool {
		attrs = appendEventAttr(attrs, h.prefix, a)
		return true
	})
	span.AddEvent(r.Message, trace.WithTimestamp(r.Time), trace.WithAttributes(attrs...))
	return nil
}

func (h *spanEventHandler) WithAttrs(as []slog.Attr) slog.Handler {
	h2 := *h
	h2.attrs = slices.Clip(h.attrs)
	for _, a := range as {
		h2.attrs = appendEventAttr(h2.attrs, h.prefix, a)
	}
	return &h2
}

func (h *spanEventHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	h2 := *h
	h2.prefix = h.prefix + name + "."
	return &h2
}

// appendEventAttr flattens a into OpenTelemetry attributes under prefix.
func appendEventAttr(attrs []attribute.KeyValue, prefix string, a slog.Attr) []attribute.KeyValue {
	v := a.Value.Resolve()
	if a.Equal(slog.Attr{}) {
		return attrs
	}
	key := prefix + a.Key
	switch v.Kind() {
	case slog.KindGroup:
		if a.Key != "" {
			prefix = key + "."
		}
		for _, m := range v.Group() {
			attrs = appendEventAttr(attrs, prefix, m)
		}
		return attrs
	case slog.KindString:
		return append(attrs, attribute.String(key, v.String()))
	case slog.KindInt64:
		return append(attrs, attribute.Int64(key, v.Int64()))
	case slog.KindBool:
		return append(attrs, attribute.Bool(key, v.Bool()))
	case slog.KindFloat64:
		return append(attrs, attribute.Float64(key, v.Float64()))
	default:
		return append(attrs, attribute.String(key, v.String()))
	}
}
