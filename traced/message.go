package traced

import (
	"context"

	"go.opentelemetry.io/otel/baggage"
	"go.opentelemetry.io/otel/trace"
)

// Message is a payload with the trace context of the goroutine that sent
// it. The zero Message, or one made without Wrap, carries no context and
// no send time, so its consumer span has no queue time. A Message is a
// value: copy it freely.
type Message[T any] struct {
	// Payload is the business value sent.
	Payload T

	spanContext trace.SpanContext
	baggage     carried
	sent        int64 // when it was wrapped, on traced's clock; 0: never
}

// Wrap returns a Message holding v with ctx's span context and baggage,
// stamped with the time, from which its consumer measures how long it
// waited (see QueueTimeKey).
func Wrap[T any](ctx context.Context, v T) Message[T] {
	return Message[T]{
		Payload:     v,
		spanContext: trace.SpanContextFromContext(ctx),
		baggage:     carriedFrom(ctx),
		sent:        monotonicNow(),
	}
}

// Context returns ctx carrying the sender's span context, as a remote
// parent for spans the receiver starts, and the sender's baggage in place
// of ctx's. Without a sender span, ctx's own span is kept. Baggage that
// reached the sender from outside the process (see storage.RemoteBaggage)
// stays marked as such.
func (m Message[T]) Context(ctx context.Context) context.Context {
	if m.spanContext.IsValid() {
		ctx = trace.ContextWithRemoteSpanContext(ctx, m.spanContext)
	}
	if m.baggage.all.Len() == 0 && baggage.FromContext(ctx).Len() == 0 {
		return ctx // nothing to carry, nothing to replace
	}
	return m.baggage.into(ctx)
}

// SpanContext returns the span context of the sender's span.
func (m Message[T]) SpanContext() trace.SpanContext { return m.spanContext }

// Baggage returns the sender's baggage.
func (m Message[T]) Baggage() baggage.Baggage { return m.baggage.all }

// Link returns a link to the sender's span.
func (m Message[T]) Link() trace.Link { return trace.Link{SpanContext: m.spanContext} }
