package traced

import (
	"context"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/propagation"
)

// Envelope is a Message in a form that crosses a process: the trace
// context and baggage as text headers beside the payload. It marshals to
// JSON as {"headers":{...},"payload":...}.
type Envelope[T any] struct {
	Headers propagation.MapCarrier `json:"headers"`
	Payload T                      `json:"payload"`
}

// Inject encodes m's context with prop (otel.GetTextMapPropagator() when
// nil) into an Envelope.
func Inject[T any](m Message[T], prop propagation.TextMapPropagator) Envelope[T] {
	if prop == nil {
		prop = otel.GetTextMapPropagator()
	}
	env := Envelope[T]{Headers: propagation.MapCarrier{}, Payload: m.Payload}
	prop.Inject(m.Context(context.Background()), env.Headers)
	return env
}

// Extract decodes an Envelope's context with prop (otel.GetTextMapPropagator()
// when nil) into a Message. Headers that do not parse give a Message
// without that part of the context; the payload is kept. The Message is
// stamped now: its queue time counts from here, since another process's
// clock cannot be compared with this one's.
func Extract[T any](env Envelope[T], prop propagation.TextMapPropagator) Message[T] {
	if prop == nil {
		prop = otel.GetTextMapPropagator()
	}
	headers := env.Headers
	if headers == nil {
		headers = propagation.MapCarrier{}
	}
	return Wrap(prop.Extract(context.Background(), headers), env.Payload)
}
