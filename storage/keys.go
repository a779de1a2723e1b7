package storage

import "strings"

// Keys with a meaning of their own across spanlog.
const (
	// LatencyKey holds a span's duration in milliseconds, added at its end.
	LatencyKey = "latency_ms"
	// MetricNameKey names the metric a span feeds.
	MetricNameKey = "metric_name"
	// MetricLabelPrefix starts the keys whose values become metric labels.
	MetricLabelPrefix = "metric_label_"
)

// IsPerSpanKey reports whether key describes one span only and so is never
// inherited: latency_ms, metric_name, metric_label_*, otel.*, error and
// exception.*.
func IsPerSpanKey(key string) bool {
	switch key {
	case LatencyKey, MetricNameKey, "error":
		return true
	}
	return strings.HasPrefix(key, MetricLabelPrefix) ||
		strings.HasPrefix(key, "otel.") ||
		strings.HasPrefix(key, "exception.")
}
