// Package traced carries trace context and baggage across Go channels, so a
// trace follows work from goroutine to goroutine while the business types
// on the channels stay free of tracing fields.
//
// In-process, a Message[T] holds the payload beside the sender's span
// context and baggage, as values: nothing is encoded per message, and the
// baggage a handler gets is exactly what the sending code had.
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
// Every consumer span names the payload's type as its package writes it
// (messaging.payload.type=ClientOrder; WithFullTypeName adds the import
// path) and records how long the message waited in the channel, from
// Send (or Wrap) to receipt, in milliseconds: messaging.queue_time_ms.
// Neither key is one spanlog reserves, so both print on the span's lines.
// With WithMeterProvider the same waits feed the traced.queue_time
// histogram, in seconds, labelled by payload type and span name.
//
// Fan-in: ConsumeAll and ServeBatches handle several messages in one span
// that links to each sender's span, up to a cap; the number of links left
// out is recorded on the span. Many-to-many: an Index remembers spans by a
// business key (RememberAs); a later span can link to those of several
// keys (LinkTo), or continue the trace of one of them as its child
// (ChildOf).
package traced
