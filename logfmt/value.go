package logfmt

import (
	"encoding"
	"fmt"
	"log/slog"
	"reflect"
	"strconv"
)

// appendSlogValue appends a resolved slog value. Group values never reach
// here: the handler flattens them into dotted keys.
func appendSlogValue(b []byte, v slog.Value, lim limits) []byte {
	switch v.Kind() {
	case slog.KindString:
		return appendString(b, lim.cap(v.String()))
	case slog.KindInt64:
		return strconv.AppendInt(b, v.Int64(), 10)
	case slog.KindUint64:
		return strconv.AppendUint(b, v.Uint64(), 10)
	case slog.KindFloat64:
		return appendFloat(b, v.Float64())
	case slog.KindBool:
		return strconv.AppendBool(b, v.Bool())
	case slog.KindDuration:
		return appendDuration(b, v.Duration())
	case slog.KindTime:
		return appendTime(b, v.Time())
	default:
		return appendString(b, lim.cap(anyText(v.Any())))
	}
}

// anyText renders an arbitrary value as text. A nil value or a nil pointer
// whose method panics reads "<nil>"; any other panic in String, Error or
// MarshalText is caught and reads "!PANIC: <panic value>", so a faulty type
// never takes the host down and the line is still written.
func anyText(v any) (s string) {
	defer func() {
		if p := recover(); p != nil {
			if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer && rv.IsNil() {
				s = "<nil>"
				return
			}
			s = fmt.Sprintf("!PANIC: %v", p)
		}
	}()
	switch x := v.(type) {
	case nil:
		return "<nil>"
	case error:
		return x.Error()
	case encoding.TextMarshaler:
		t, err := x.MarshalText()
		if err != nil {
			return "!ERROR: " + err.Error()
		}
		return string(t)
	case []byte:
		return string(x)
	case fmt.Stringer:
		return x.String()
	default:
		return fmt.Sprintf("%+v", x)
	}
}

// maxLogValuerDepth bounds a chain of LogValuers, as slog does.
const maxLogValuerDepth = 100

// resolve is slog.Value.Resolve with spanlog's panic marker: a LogValue
// that panics resolves to "!PANIC: <panic value>" instead of a stack dump.
func resolve(v slog.Value) slog.Value {
	if v.Kind() != slog.KindLogValuer {
		return v
	}
	return resolveLogValuer(v)
}

func resolveLogValuer(v slog.Value) (rv slog.Value) {
	defer func() {
		if p := recover(); p != nil {
			rv = slog.StringValue(fmt.Sprintf("!PANIC: %v", p))
		}
	}()
	for range maxLogValuerDepth {
		if v.Kind() != slog.KindLogValuer {
			return v
		}
		v = v.LogValuer().LogValue()
	}
	return slog.StringValue("!ERROR: LogValue chain too deep")
}
