package traced_test

import (
	"context"
	"testing"

	"github.com/spanlog/spanlog/traced"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

type noop struct{}

func (noop) OnStart(context.Context, sdktrace.ReadWriteSpan) {}
func (noop) OnEnd(sdktrace.ReadOnlySpan)                     {}
func (noop) ForceFlush(context.Context) error                { return nil }
func (noop) Shutdown(context.Context) error                  { return nil }

// BenchmarkChannelHop runs one hop through a buffered channel: traced
// (wrap, send, receive, consumer span) beside a plain channel of the bare
// payload whose receiver starts the consumer span by hand, in one run:
//
//	go test ./traced -run '^$' -bench ChannelHop -count 6 | tee new.txt
func BenchmarkChannelHop(b *testing.B) {
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(noop{}))
	defer tp.Shutdown(context.Background())
	ctx, parent := tp.Tracer("bench").Start(context.Background(), "sender")
	defer parent.End()
	handle := func(context.Context, order) error { return nil }

	b.Run("plain+manual_span", func(b *testing.B) {
		ch := make(chan order, 1)
		tracer := tp.Tracer(traced.ScopeName)
		b.ReportAllocs()
		for b.Loop() {
			ch <- order{ID: "o", Qty: 1}
			o := <-ch
			sctx, span := tracer.Start(ctx, "consume traced_test.order", trace.WithSpanKind(trace.SpanKindConsumer))
			_ = handle(sctx, o)
			span.End()
		}
	})
	b.Run("traced", func(b *testing.B) {
		ch := make(chan traced.Message[order], 1)
		opt := traced.WithTracerProvider(tp)
		b.ReportAllocs()
		for b.Loop() {
			_ = traced.Send(ctx, ch, order{ID: "o", Qty: 1})
			_ = traced.Consume(context.Background(), <-ch, handle, opt)
		}
	})
}
