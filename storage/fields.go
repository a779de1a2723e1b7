package storage

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// Fields returns the stored fields of the span in ctx, in the order they were
// first set (a later value for a key replaces the earlier one in place). It
// returns nil when ctx holds no span recorded by an OpenTelemetry SDK
// tracer provider, or when ctx is nil.
//
// The slice is shared with the span and must not be modified; the span
// copies it before any later change, so reading it is safe while other
// goroutines set attributes. Fields is safe for concurrent use.
func Fields(ctx context.Context) []attribute.KeyValue {
	if ctx == nil {
		return nil
	}
	return SpanFields(trace.SpanFromContext(ctx))
}

// SpanFields is Fields for a span already at hand.
func SpanFields(span trace.Span) []attribute.KeyValue {
	ro, ok := span.(sdktrace.ReadOnlySpan)
	if !ok {
		return nil
	}
	return ro.Attributes()
}
