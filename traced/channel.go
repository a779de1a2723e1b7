package traced

import (
	"context"
)

// Send wraps v with ctx's trace context and sends it on ch. It blocks until
// ch takes the message or ctx is done, and then returns ctx's error.
//
// Inside a handler run with DeferSends, Send only queues the message, which
// is delivered after the handler's span has ended, and returns nil; this
// holds for goroutines the handler starts too, as long as the handler has
// not returned. Once it has, Send through its ctx delivers directly, as
// outside a handler. Send is safe for concurrent use.
func Send[T any](ctx context.Context, ch chan<- Message[T], v T) error {
	if out, ok := ctx.Value(outboxKey{}).(*outbox); ok {
		m := Wrap(ctx, v)
		deferred := func() error {
			m.sent = monotonicNow() // it waits in the channel from now on
			return deliver(ctx, ch, m)
		}
		if out.add(deferred) {
			return nil
		}
		return deliver(ctx, ch, m)
	}
	return deliver(ctx, ch, Wrap(ctx, v)) // apart, so the common path captures nothing
}

func deliver[T any](ctx context.Context, ch chan<- Message[T], m Message[T]) error {
	select { // a channel with room takes the message without a full select
	case ch <- m:
		return nil
	default:
	}
	select {
	case ch <- m:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Sender returns a func that sends on ch as Send does: hand it to business
// code as its output, and that code never sees a Message.
func Sender[T any](ch chan<- Message[T]) func(context.Context, T) error {
	return func(ctx context.Context, v T) error { return Send(ctx, ch, v) }
}

// Serve receives from ch until it is closed or ctx is done, running
// handle on each payload in a consumer span (see Consume). Errors from
// handle are recorded on their spans, not returned: Serve returns ctx's
// error when ctx ends it, and nil when ch is closed.
func Serve[T any](ctx context.Context, ch <-chan Message[T], handle func(context.Context, T) error, opts ...Option) error {
	c := newConsumer[T](opts)
	for {
		select {
		case m, ok := <-ch:
			if !ok {
				return nil
			}
			_ = c.consume(ctx, m, c.clock(), handle)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// ServeBatches receives from ch in batches of size messages and runs handle
// on each batch's payloads in one fan-in span (see ConsumeAll), until ch is
// closed, when a last, shorter batch is handled, or ctx is done. It returns
// nil when ch is closed and ctx's error when ctx ends it; errors from
// handle are recorded on their spans.
func ServeBatches[T any](ctx context.Context, ch <-chan Message[T], size int, handle func(context.Context, []T) error, opts ...Option) error {
	c := newConsumer[T](opts)
	size = max(size, 1)
	batch := make([]Message[T], 0, size)
	received := make([]int64, 0, size) // queue time ends at receipt, not when the batch is full
	for {
		select {
		case m, ok := <-ch:
			if ok {
				batch = append(batch, m)
				received = append(received, c.clock())
				if len(batch) < size {
					continue
				}
			}
			if len(batch) > 0 {
				_ = c.consumeAll(ctx, batch, received, handle)
				batch, received = batch[:0], received[:0]
			}
			if !ok {
				return nil
			}
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
