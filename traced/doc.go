// Package traced carries trace context and baggage across Go channels, so a
// trace follows work from goroutine to goroutine while the business types
// on the channels stay free of tracing fields.
//
// In-process, a Message[T] holds the payload beside the sender's span
// context and baggage, as values: nothing is encoded per message.
//
//	ch := make(chan traced.Message[Order], 16)
//	send := traced.Sender(ch)       // func(ctx, Order): wraps and sends
//	go traced.Serve(ctx, ch, algo.HandleOrder) // consumer span per message
//
// The receiving handler is a plain func(context.Context, T) error; its
// context carries the sender's span as remote parent and the sender's
// baggage, and the consumer span Serve starts for it. Across processes,
// Inject and Extract move the same context through a TextMapPropagator and
// a map carrier, for example inside a JSON envelope.
//
// Fan-in: ConsumeAll handles several messages in one span that links to
// each sender's span, up to a cap; the number of links left out is
// recorded on the span.
package traced
