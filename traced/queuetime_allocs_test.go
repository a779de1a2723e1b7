//go:build !race

package traced

import (
	"context"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// Putting the queue time on the consumer span costs no allocation: a
// message with a send time is consumed with as many as one without.
func TestQueueTimeAllocations(t *testing.T) {
	tp := sdktrace.NewTracerProvider()
	defer tp.Shutdown(context.Background())
	ctx, parent := tp.Tracer("allocs").Start(context.Background(), "sender")
	defer parent.End()
	handle := func(context.Context, string) error { return nil }
	opt := WithTracerProvider(tp)

	stamped := Wrap(ctx, "o")
	unstamped := stamped
	unstamped.sent = 0
	with := testing.AllocsPerRun(500, func() { _ = Consume(context.Background(), stamped, handle, opt) })
	without := testing.AllocsPerRun(500, func() { _ = Consume(context.Background(), unstamped, handle, opt) })
	if with > without {
		t.Errorf("%v allocations with a queue time, %v without", with, without)
	}
}
