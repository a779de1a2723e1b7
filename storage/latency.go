package storage

import (
	"slices"
	"time"

	"github.com/spanlog/spanlog/keys"
	"github.com/spanlog/spanlog/redact"

	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// LatencyMillis returns end minus start in milliseconds, rounded to the
// microsecond; see keys.LatencyMillis.
func LatencyMillis(start, end time.Time) float64 { return keys.LatencyMillis(start, end) }

// Latency returns the latency_ms attribute of an ended span, as storage
// added it, and whether there was one.
func Latency(s sdktrace.ReadOnlySpan) (float64, bool) { return keys.LatencyAttribute(s.Attributes()) }

// endedSpan is an ended span whose attributes carry latency_ms and whose
// secrets are hidden.
type endedSpan struct {
	sdktrace.ReadOnlySpan
	attrs  []attribute.KeyValue
	events []sdktrace.Event // with redaction on, the span's own, secrets hidden
}

// Attributes returns the span's attributes with latency_ms last. The slice
// is shared by every reader and must not be modified.
func (s *endedSpan) Attributes() []attribute.KeyValue { return s.attrs }

// Events returns the span's events, with redacted values hidden. With
// redaction on, the slice is shared by every reader and must not be
// modified.
func (s *endedSpan) Events() []sdktrace.Event {
	if s.events != nil {
		return s.events
	}
	return s.ReadOnlySpan.Events()
}

var redactedValue = attribute.StringValue(redact.Placeholder)

// ended wraps s so its attributes end with latency_ms and the values of
// keys that secret matches read redact.Placeholder. A latency_ms the span
// already had is replaced, keeping one value per key.
func ended(s sdktrace.ReadOnlySpan, secret *redact.Keys) sdktrace.ReadOnlySpan {
	latency := attribute.Float64(LatencyKey, LatencyMillis(s.StartTime(), s.EndTime()))
	orig := s.Attributes()
	e := newEndedSpan(s, len(orig)+1)
	for _, kv := range orig {
		switch {
		case kv.Key == LatencyKey:
		case secret.Match(string(kv.Key)):
			e.attrs = append(e.attrs, attribute.KeyValue{Key: kv.Key, Value: redactedValue})
		default:
			e.attrs = append(e.attrs, kv)
		}
	}
	e.attrs = append(e.attrs, latency)
	if secret != nil {
		e.events = s.Events() // the SDK's copy, kept for every reader
		redactEvents(e.events, secret)
	}
	return e
}

// redactEvents hides the secret values of events, giving each event that
// holds one a redacted copy of its attributes (the originals are the
// span's).
func redactEvents(events []sdktrace.Event, secret *redact.Keys) {
	for i, ev := range events {
		if !slices.ContainsFunc(ev.Attributes, func(kv attribute.KeyValue) bool { return secret.Match(string(kv.Key)) }) {
			continue
		}
		attrs := slices.Clone(ev.Attributes)
		for j, kv := range attrs {
			if secret.Match(string(kv.Key)) {
				attrs[j].Value = redactedValue
			}
		}
		events[i].Attributes = attrs
	}
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
