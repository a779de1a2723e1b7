package benchmarks

import (
	"context"
	"testing"
	"time"

	"github.com/spanlog/spanlog/traced"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
)

type order struct {
	ID  string
	Qty int
}

// stampedOrder is a plain channel's payload with its send time, for the
// hand-made queue time.
type stampedOrder struct {
	order
	sent time.Time
}

// BenchmarkHop is target 6: one channel hop with traced (wrap, send,
// receive, consumer span with the message's queue time) against a plain
// channel of the payload whose receiver starts the same consumer span by
// hand, with and without measuring the queue time itself; and traced again
// with the queue time also recorded in a histogram.
func BenchmarkHop(b *testing.B) {
	tp := provider(b, noopProcessor{})
	ctx, parent := tp.Tracer("bench").Start(context.Background(), "sender")
	defer parent.End()
	handle := func(context.Context, order) error { return nil }
	tracer := tp.Tracer(traced.ScopeName)
	kind := trace.WithSpanKind(trace.SpanKindConsumer)
	payloadType := attribute.String(traced.PayloadTypeKey, "order")

	b.Run("impl=plain+manual_span", func(b *testing.B) {
		ch := make(chan order, 1)
		payload := trace.WithAttributes(payloadType)
		b.ReportAllocs()
		for b.Loop() {
			ch <- order{ID: "o", Qty: 1}
			o := <-ch
			sctx, span := tracer.Start(ctx, "consume order", kind, payload)
			_ = handle(sctx, o)
			span.End()
		}
	})
	b.Run("impl=plain+manual_span+queue_time", func(b *testing.B) {
		ch := make(chan stampedOrder, 1)
		b.ReportAllocs()
		for b.Loop() {
			ch <- stampedOrder{order: order{ID: "o", Qty: 1}, sent: time.Now()}
			o := <-ch
			waited := float64(time.Since(o.sent)) / float64(time.Millisecond)
			sctx, span := tracer.Start(ctx, "consume order", kind,
				trace.WithAttributes(payloadType, attribute.Float64(traced.QueueTimeKey, waited)))
			_ = handle(sctx, o.order)
			span.End()
		}
	})
	b.Run("impl=traced", func(b *testing.B) {
		ch := make(chan traced.Message[order], 1)
		opt := traced.WithTracerProvider(tp)
		b.ReportAllocs()
		for b.Loop() {
			_ = traced.Send(ctx, ch, order{ID: "o", Qty: 1})
			_ = traced.Consume(context.Background(), <-ch, handle, opt)
		}
	})
	b.Run("impl=traced+histogram", func(b *testing.B) {
		mp := meterProvider(b)
		ch := make(chan traced.Message[order], 1)
		opts := []traced.Option{traced.WithTracerProvider(tp), traced.WithMeterProvider(mp)}
		b.ReportAllocs()
		for b.Loop() {
			_ = traced.Send(ctx, ch, order{ID: "o", Qty: 1})
			_ = traced.Consume(context.Background(), <-ch, handle, opts...)
		}
	})
}
