package keys

import (
	"math"
	"time"

	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// LatencyMillis returns end minus start in milliseconds, rounded to the
// microsecond. An end before start (possible with explicit timestamps)
// gives 0, never a negative latency.
func LatencyMillis(start, end time.Time) float64 {
	d := end.Sub(start)
	if d < 0 {
		return 0
	}
	return math.Round(float64(d)/float64(time.Microsecond)) / 1000
}

// SpanLatency returns the latency_ms of an ended span: the attribute the
// storage processor added, or, without one, the same computation from the
// span's start and end times.
func SpanLatency(s sdktrace.ReadOnlySpan) float64 {
	if ms, ok := LatencyAttribute(s.Attributes()); ok {
		return ms
	}
	return LatencyMillis(s.StartTime(), s.EndTime())
}

// LatencyAttribute returns the float latency_ms among attrs, looking from
// the end, where storage puts it.
func LatencyAttribute(attrs []attribute.KeyValue) (float64, bool) {
	for i := len(attrs) - 1; i >= 0; i-- {
		if attrs[i].Key == Latency && attrs[i].Value.Type() == attribute.FLOAT64 {
			return attrs[i].Value.AsFloat64(), true
		}
	}
	return 0, false
}
