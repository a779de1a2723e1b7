package spanlog

import (
	"context"
	"log/slog"

	"github.com/spanlog/spanlog/keys"
	"github.com/spanlog/spanlog/logfmt"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
)

// spanEventHandler copies each log record onto the recording span in its
// context as a span event (which Jaeger shows as a span log): the record's
// message is the event name, its attributes the event's, after the same
// pipeline as the lines (redaction, reserved keys, one value per key,
// caps), and log.severity its level. Records outside a recording span are
// left alone.
func spanEventHandler(opts *logfmt.HandlerOptions) slog.Handler {
	return logfmt.NewAttrHandler(addSpanEvent, opts)
}

func addSpanEvent(ctx context.Context, r slog.Record) error {
	span := trace.SpanFromContext(ctx)
	if !span.IsRecording() {
		return nil
	}
	attrs := make([]attribute.KeyValue, 0, 1+r.NumAttrs())
	attrs = append(attrs, attribute.String(logfmt.LogSeverityKey, r.Level.String()))
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == logfmt.LogSeverityKey { // the event's own key: the record's prints beside it
			a.Key = keys.UserPrefix + a.Key
		}
		attrs = append(attrs, eventAttr(a))
		return true
	})
	span.AddEvent(r.Message, trace.WithTimestamp(r.Time), trace.WithAttributes(attrs...))
	return nil
}

// eventAttr converts a flattened attribute to an OpenTelemetry one.
func eventAttr(a slog.Attr) attribute.KeyValue {
	v := a.Value
	switch v.Kind() {
	case slog.KindString:
		return attribute.String(a.Key, v.String())
	case slog.KindInt64:
		return attribute.Int64(a.Key, v.Int64())
	case slog.KindBool:
		return attribute.Bool(a.Key, v.Bool())
	case slog.KindFloat64:
		return attribute.Float64(a.Key, v.Float64())
	default:
		return attribute.String(a.Key, v.String())
	}
}
