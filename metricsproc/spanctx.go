package metricsproc

import (
	"context"
	"sync"

	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
)

// Measurements are recorded with a context holding the ended span's span
// context, so that exemplars point at it. trace.ContextWithSpanContext
// allocates twice for that on every span; a pooled spanCtx does the same
// job without allocating. The SDK reads the span context during the call
// and keeps nothing of the context.

// spanKey is the key under which the trace package keeps a context's span.
// It is unexported there, so it is found once by asking SpanFromContext to
// look in a context that notes the key it is asked for.
var spanKey = func() any {
	probe := &keyProbe{Context: context.Background()}
	trace.SpanFromContext(probe)
	return probe.asked
}()

type keyProbe struct {
	context.Context
	asked any
}

func (p *keyProbe) Value(key any) any {
	p.asked = key
	return nil
}

// spanCtx is a context whose span is a non-recording span with sc.
type spanCtx struct {
	context.Context
	noop.Span
	sc trace.SpanContext
}

func (c *spanCtx) Value(key any) any {
	if key == spanKey {
		return c
	}
	return nil
}

func (c *spanCtx) SpanContext() trace.SpanContext { return c.sc }

var spanCtxPool = sync.Pool{New: func() any { return &spanCtx{Context: context.Background()} }}

// withSpanContext calls record with a context holding sc. The context must
// not outlive the call.
func withSpanContext(sc trace.SpanContext, record func(ctx context.Context)) {
	if spanKey == nil { // the probe found nothing: take the allocating way
		record(trace.ContextWithSpanContext(context.Background(), sc))
		return
	}
	c := spanCtxPool.Get().(*spanCtx)
	c.sc = sc
	record(c)
	c.sc = trace.SpanContext{}
	spanCtxPool.Put(c)
}
