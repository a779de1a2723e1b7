package keys

import "strings"

// Keys spanlog writes on its lines. They are reserved: see IsReserved.
const (
	Level         = "level"
	Msg           = "msg"
	SpanName      = "span_name"
	Span          = "span"
	ParentSpan    = "parent_span"
	SpanEvent     = "span_event"
	Timestamp     = "timestamp"
	TraceID       = "trace_id"
	Latency       = "latency_ms"
	Links         = "links"
	Target        = "target"
	Location      = "location"
	LineTruncated = "line_truncated"
	Replayed      = "replayed"
)

// Keys with a meaning of their own on a span's attributes.
const (
	// MetricName names the metric a span feeds.
	MetricName = "metric_name"
	// MetricLabelPrefix starts the keys whose values become metric labels.
	MetricLabelPrefix = "metric_label_"
)

// UserPrefix is put in front of a user key that is reserved, so that
// level=... from an attribute, a stored field or a span event prints as
// fields.level=... and never as the line's own level. The same rule applies
// to every copy spanlog makes: lines, span events and OTLP log records.
const UserPrefix = "fields."

// IsReserved reports whether key is one spanlog writes on its lines itself:
// level, msg, span_name, span, parent_span, span_event, timestamp,
// trace_id, latency_ms, links, target, location, line_truncated and
// replayed.
func IsReserved(key string) bool {
	switch key {
	case Level, Msg, SpanName, Span, ParentSpan, SpanEvent, Timestamp, TraceID,
		Latency, Links, Target, Location, LineTruncated, Replayed:
		return true
	}
	return false
}

// Safe returns key, or UserPrefix+key when key is reserved. It allocates
// only in that rare case.
func Safe(key string) string {
	if IsReserved(key) {
		return UserPrefix + key
	}
	return key
}

// Keys the traced package puts on a consumer span, which describe that
// span's message only.
const (
	QueueTime    = "messaging.queue_time_ms"
	BatchSize    = "messaging.batch.message_count"
	LinksDropped = "traced.links.dropped"
)

// IsPerSpan reports whether key describes one span only, and so is never
// inherited by a child span nor taken from baggage: latency_ms,
// metric_name, metric_label_*, error, otel.*, exception.*, and the
// message keys of a consumer span (QueueTime, BatchSize, LinksDropped).
func IsPerSpan(key string) bool {
	switch key {
	case Latency, MetricName, "error", QueueTime, BatchSize, LinksDropped:
		return true
	}
	return strings.HasPrefix(key, MetricLabelPrefix) ||
		strings.HasPrefix(key, "otel.") ||
		strings.HasPrefix(key, "exception.")
}
