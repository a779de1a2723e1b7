// Package keys is spanlog's shared vocabulary: the keys its lines and spans
// use, which of them only spanlog writes (reserved), which describe one span
// only (per-span), the rule that renames a user key that collides with a
// reserved one, and how a span's latency is measured.
//
// storage, logfmt and metricsproc all import it and nothing else of
// spanlog's, so the three agree on every name without importing each other.
package keys
