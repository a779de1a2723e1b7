package storage

import "github.com/spanlog/spanlog/keys"

// Keys with a meaning of their own across spanlog, kept here for callers
// that name them through storage; package keys holds the vocabulary.
const (
	// LatencyKey holds a span's duration in milliseconds, added at its end.
	LatencyKey = keys.Latency
	// MetricNameKey names the metric a span feeds.
	MetricNameKey = keys.MetricName
	// MetricLabelPrefix starts the keys whose values become metric labels.
	MetricLabelPrefix = keys.MetricLabelPrefix
)

// IsPerSpanKey reports whether key describes one span only and so is never
// inherited; see keys.IsPerSpan.
func IsPerSpanKey(key string) bool { return keys.IsPerSpan(key) }
