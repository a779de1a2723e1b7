package logfmt

import (
	"encoding/hex"
	"io"
	"log/slog"

	"github.com/spanlog/spanlog/keys"
	"github.com/spanlog/spanlog/redact"
	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// writeLine writes the pairs in b, each of which starts with a space, as
// one line with a single Write.
func writeLine(w io.Writer, b []byte) error {
	if len(b) == 0 {
		return nil
	}
	b = append(b, '\n')
	n, err := w.Write(b[1:])
	if err == nil && n < len(b)-1 {
		err = io.ErrShortWrite // a writer taking part of a line must say why
	}
	return err
}

// appendSpanContext appends span= and trace_id= for a span with a valid
// span context, then the span's stored fields. Nothing is appended outside a
// span.
func appendSpanContext(b []byte, span trace.Span, rep func([]string, slog.Attr) slog.Attr, lim limits) []byte {
	sc := span.SpanContext()
	if !sc.IsValid() {
		return b
	}
	b = appendIDs(b, sc)
	return appendFields(b, spanFields(span), rep, lim)
}

// appendIDs appends " span=<16 hex> trace_id=<32 hex>".
func appendIDs(b []byte, sc trace.SpanContext) []byte {
	b = appendSpanID(b, " span=", sc.SpanID())
	b = append(b, " trace_id="...)
	tid := sc.TraceID()
	return hex.AppendEncode(b, tid[:])
}

func appendSpanID(b []byte, key string, id trace.SpanID) []byte {
	b = append(b, key...)
	return hex.AppendEncode(b, id[:])
}

// appendFields appends stored fields in their order, leaving out latency_ms,
// which span lines print in a fixed place of their own. With rep set, each
// field goes through it as a slog.Attr with no groups.
func appendFields(b []byte, fields []attribute.KeyValue, rep func([]string, slog.Attr) slog.Attr, lim limits) []byte {
	for _, kv := range fields {
		if kv.Key == keys.Latency {
			continue
		}
		if rep != nil {
			b = appendReplacedField(b, kv, rep, lim)
			continue
		}
		b = append(b, ' ')
		b = appendKey(b, lim.cap(string(kv.Key)))
		b = append(b, '=')
		if lim.secret(string(kv.Key)) {
			b = append(b, redact.Placeholder...)
			continue
		}
		b = appendAttributeValue(b, kv.Value, lim)
	}
	return b
}

func appendReplacedField(b []byte, kv attribute.KeyValue, rep func([]string, slog.Attr) slog.Attr, lim limits) []byte {
	h := Handler{opts: HandlerOptions{ReplaceAttr: rep}, lim: lim}
	return h.appendAttr(b, "", nil, slogAttr(kv))
}

// slogAttr converts an OpenTelemetry attribute to the slog.Attr of the same
// key and value; slices and other kinds become their String text.
func slogAttr(kv attribute.KeyValue) slog.Attr {
	k := string(kv.Key)
	switch kv.Value.Type() {
	case attribute.BOOL:
		return slog.Bool(k, kv.Value.AsBool())
	case attribute.INT64:
		return slog.Int64(k, kv.Value.AsInt64())
	case attribute.FLOAT64:
		return slog.Float64(k, kv.Value.AsFloat64())
	case attribute.STRING:
		return slog.String(k, kv.Value.AsString())
	default:
		return slog.String(k, kv.Value.String())
	}
}

// spanFields returns the attributes of an SDK span, in the order set, or
// nil for any other span.
func spanFields(span trace.Span) []attribute.KeyValue {
	if ro, ok := span.(sdktrace.ReadOnlySpan); ok {
		return ro.Attributes()
	}
	return nil
}
