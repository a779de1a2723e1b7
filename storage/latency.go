package storage

import (
	"time"

	"github.com/spanlog/spanlog/keys"

	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// LatencyMillis returns end minus start in milliseconds, rounded to the
// microsecond; see keys.LatencyMillis.
func LatencyMillis(start, end time.Time) float64 { return keys.LatencyMillis(start, end) }

// Latency returns the latency_ms attribute of an ended span, as storage
// added it, and whether there was one.
func Latency(s sdktrace.ReadOnlySpan) (float64, bool) { return keys.LatencyAttribute(s.Attributes()) }

// endedSpan is an ended span whose attributes carry latency_ms.
type endedSpan struct {
	sdktrace.ReadOnlySpan
	attrs []attribute.KeyValue
}

// Attributes returns the span's attributes with latency_ms last. The slice
// is shared by every reader and must not be modified.
func (s *endedSpan) Attributes() []attribute.KeyValue { return s.attrs }

// withLatency wraps s so its attributes end with latency_ms. A latency_ms
// the span already had is replaced, keeping one value per key.
func withLatency(s sdktrace.ReadOnlySpan) sdktrace.ReadOnlySpan {
	latency := attribute.Float64(LatencyKey, LatencyMillis(s.StartTime(), s.EndTime()))
	orig := s.Attributes()
	e := newEndedSpan(s, len(orig)+1)
	for _, kv := range orig {
		if kv.Key != LatencyKey {
			e.attrs = append(e.attrs, kv)
		}
	}
	e.attrs = append(e.attrs, latency)
	return e
}

// Ended spans with up to 32 attributes take one allocation: the wrapper
// and its attributes together, in one of three sizes.
type (
	endedSpan8 struct {
		endedSpan
		buf [8]attribute.KeyValue
	}
	endedSpan16 struct {
		endedSpan
		buf [16]attribute.KeyValue
	}
	endedSpan32 struct {
		endedSpan
		buf [32]attribute.KeyValue
	}
)

// newEndedSpan returns a wrapper of s with room for n attributes.
func newEndedSpan(s sdktrace.ReadOnlySpan, n int) *endedSpan {
	switch {
	case n <= 8:
		e := &endedSpan8{endedSpan: endedSpan{ReadOnlySpan: s}}
		e.attrs = e.buf[:0]
		return &e.endedSpan
	case n <= 16:
		e := &endedSpan16{endedSpan: endedSpan{ReadOnlySpan: s}}
		e.attrs = e.buf[:0]
		return &e.endedSpan
	case n <= 32:
		e := &endedSpan32{endedSpan: endedSpan{ReadOnlySpan: s}}
		e.attrs = e.buf[:0]
		return &e.endedSpan
	default:
		return &endedSpan{ReadOnlySpan: s, attrs: make([]attribute.KeyValue, 0, n)}
	}
}
