package benchmarks

import (
	"context"
	"testing"

	"github.com/spanlog/spanlog/traced"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
)

type order struct {
	ID  string
	Qty int
}

// BenchmarkHop is target 6: one channel hop with traced (wrap, send,
// receive, consumer span) against a plain channel of the payload whose
// receiver starts the same consumer span by hand.
func BenchmarkHop(b *testing.B) {
	tp := provider(b, noopProcessor{})
	ctx, parent := tp.Tracer("bench").Start(context.Background(), "sender")
	defer parent.End()
	handle := func(context.Context, order) error { return nil }

	b.Run("impl=plain+manual_span", func(b *testing.B) {
		ch := make(chan order, 1)
		tracer := tp.Tracer(traced.ScopeName)
		kind := trace.WithSpanKind(trace.SpanKindConsumer)
		payload := trace.WithAttributes(attribute.String(traced.PayloadTypeKey, "benchmarks.order"))
		b.ReportAllocs()
		for b.Loop() {
			ch <- order{ID: "o", Qty: 1}
			o := <-ch
			sctx, span := tracer.Start(ctx, "consume benchmarks.order", kind, payload)
			_ = handle(sctx, o)
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
}
