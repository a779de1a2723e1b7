package metricsproc

import "github.com/spanlog/spanlog/redact"

// Option configures a Processor.
type Option func(*Processor)

// DefaultBuckets are the histogram bucket boundaries, in seconds, used
// unless WithBuckets sets others: half a millisecond to ten seconds.
var DefaultBuckets = []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// DefaultMaxMetricNames is the number of distinct metric names a Processor
// accepts unless WithMaxMetricNames says otherwise.
const DefaultMaxMetricNames = 1000

// WithSpanNamePrefix strips prefix from span names in the span_name label:
// with "record.", the span record.save_event is labelled save_event.
func WithSpanNamePrefix(prefix string) Option {
	return func(p *Processor) { p.prefix = prefix }
}

// WithFieldLabels adds a label for each of keys that the span has as a
// field, own or inherited (for example http.route). Choose keys with few
// distinct values: every combination is a series.
func WithFieldLabels(keys ...string) Option {
	return func(p *Processor) { p.fieldLabels = append(p.fieldLabels, keys...) }
}

// WithBuckets sets the histogram bucket boundaries, in seconds.
func WithBuckets(bounds ...float64) Option {
	return func(p *Processor) { p.cache.buckets = bounds }
}

// WithRedact keeps secret keys out of labels: a metric_label_* or field
// label whose key matches is left off the metric.
func WithRedact(keys *redact.Keys) Option {
	return func(p *Processor) { p.redact = keys }
}

// WithMaxMetricNames caps the distinct metric names that get instruments.
// A span naming one more is not measured, and the first such name is
// reported through otel.Handle.
func WithMaxMetricNames(n int) Option {
	return func(p *Processor) { p.cache.maxNames = n }
}
