package spanlog

import (
	"github.com/spanlog/spanlog/logfmt"
	"go.opentelemetry.io/otel/metric"
)

// WithTailBuffer holds the log records below the level that are logged
// inside a span, per local root span (the request, in a server), and
// prints them, marked replayed=true and with their own timestamps, just
// before the root's close_span line if the request failed: the root or a
// span under it ended with status Error, or an error was logged in it.
// Succeeding requests' records are discarded. Options bound what is held
// (logfmt.WithRecordsPerTrace, WithHeldBytes, WithMaxTraceAge) and add
// slow requests (logfmt.WithSlowerThan); see logfmt.TailBuffer. The
// replayed and discarded records are counted on the pipeline's meter
// provider. Only the lines hold records: span events and OTLP logs get
// the records at or above the level, as without this option.
func WithTailBuffer(opts ...logfmt.TailOption) Option {
	return func(c *config) { c.tailBuffer = append([]logfmt.TailOption{}, opts...) }
}

// newTailBuffer returns the tail buffer WithTailBuffer asks for, counting
// on mp, or nil.
func (c *config) newTailBuffer(mp metric.MeterProvider) *logfmt.TailBuffer {
	if c.tailBuffer == nil {
		return nil
	}
	return logfmt.NewTailBuffer(append([]logfmt.TailOption{logfmt.WithTailMeterProvider(mp)}, c.tailBuffer...)...)
}
