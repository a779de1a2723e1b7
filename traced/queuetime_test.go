package traced_test

import (
	"context"
	"testing"

	"github.com/spanlog/spanlog/traced"
	"go.opentelemetry.io/otel/attribute"
)

// Every consumer span traced starts carries the message's queue time.
func TestEveryConsumerSpanHasQueueTime(t *testing.T) {
	tp, exp := setup(t)
	opt := traced.WithTracerProvider(tp)
	ctx := context.Background()
	one := func(context.Context, order) error { return nil }
	many := func(context.Context, []order) error { return nil }

	ch := make(chan traced.Message[order], 2)
	_ = traced.Send(ctx, ch, order{ID: "served"})
	_ = traced.Send(ctx, ch, order{ID: "served too"})
	close(ch)
	_ = traced.Serve(ctx, ch, one, opt, traced.WithSpanName("serve"), traced.DeferSends())
	ch = make(chan traced.Message[order], 1)
	_ = traced.Send(ctx, ch, order{ID: "batched"})
	close(ch)
	_ = traced.ServeBatches(ctx, ch, 4, many, opt, traced.WithSpanName("serve batches"))
	_ = traced.Consume(ctx, traced.Wrap(ctx, order{}), one, opt, traced.WithSpanName("consume"),
		traced.WithAttributes(attribute.String("custom", "start")))
	_ = traced.ConsumeAll(ctx, []traced.Message[order]{traced.Wrap(ctx, order{})}, many, opt, traced.WithSpanName("consume all"))

	spans := exp.GetSpans()
	if len(spans) != 5 {
		t.Fatalf("%d spans, want 5", len(spans))
	}
	for _, s := range spans {
		attrs := attribute.NewSet(s.Attributes...)
		v, ok := attrs.Value(traced.QueueTimeKey)
		if !ok || v.Type() != attribute.FLOAT64 || v.AsFloat64() < 0 {
			t.Errorf("span %s: queue time %v (%v), want milliseconds", s.Name, v.String(), ok)
		}
	}
}
