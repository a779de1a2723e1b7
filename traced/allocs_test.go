//go:build !race

package traced_test

import (
	"context"
	"testing"

	"github.com/spanlog/spanlog/traced"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// noop is the provider's one processor, doing nothing.
type noop struct{}

func (noop) OnStart(context.Context, sdktrace.ReadWriteSpan) {}
func (noop) OnEnd(sdktrace.ReadOnlySpan)                     {}
func (noop) ForceFlush(context.Context) error                { return nil }
func (noop) Shutdown(context.Context) error                  { return nil }

// A traced hop costs at most 2 allocations more than a plain hop whose
// receiver starts the same consumer span by hand: the remote parent
// context the receiver's span needs. Recording its queue time in a
// histogram costs none (queuetime_allocs_test.go: nor on the span).
func TestHopAllocations(t *testing.T) {
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(noop{}))
	defer tp.Shutdown(context.Background())
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	defer mp.Shutdown(context.Background())
	ctx, parent := tp.Tracer("allocs").Start(context.Background(), "sender")
	defer parent.End()
	handle := func(context.Context, order) error { return nil }

	plainCh := make(chan order, 1)
	tracer := tp.Tracer(traced.ScopeName)
	plain := testing.AllocsPerRun(500, func() {
		plainCh <- order{ID: "o"}
		o := <-plainCh
		sctx, span := tracer.Start(ctx, "consume", trace.WithSpanKind(trace.SpanKindConsumer),
			trace.WithAttributes(attribute.String(traced.PayloadTypeKey, "order")))
		_ = handle(sctx, o)
		span.End()
	})
	ch := make(chan traced.Message[order], 1)
	hop := func(opts ...traced.Option) float64 {
		return testing.AllocsPerRun(500, func() {
			_ = traced.Send(ctx, ch, order{ID: "o"})
			_ = traced.Consume(context.Background(), <-ch, handle, opts...)
		})
	}
	withTracer := traced.WithTracerProvider(tp)
	queued := hop(withTracer)
	metered := hop(withTracer, traced.WithMeterProvider(mp))
	if queued-plain > 2 {
		t.Errorf("traced hop %v allocations, plain %v: more than 2 extra", queued, plain)
	}
	if metered > queued {
		t.Errorf("the queue-time histogram adds allocations: %v with it, %v without", metered, queued)
	}
}
