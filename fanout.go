package spanlog

import (
	"context"
	"errors"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// fanout is the end of the chain when more than one processor sits there:
// it calls each in order.
type fanout []sdktrace.SpanProcessor

var _ sdktrace.SpanProcessor = fanout(nil)

func (f fanout) OnStart(ctx context.Context, s sdktrace.ReadWriteSpan) {
	for _, p := range f {
		p.OnStart(ctx, s)
	}
}

func (f fanout) OnEnd(s sdktrace.ReadOnlySpan) {
	for _, p := range f {
		p.OnEnd(s)
	}
}

func (f fanout) ForceFlush(ctx context.Context) error {
	var errs []error
	for _, p := range f {
		errs = append(errs, p.ForceFlush(ctx))
	}
	return errors.Join(errs...)
}

// Shutdown shuts every processor down at the same time, so that exporters
// share the shutdown budget instead of spending it one after another.
func (f fanout) Shutdown(ctx context.Context) error {
	shutdowns := make([]func(context.Context) error, len(f))
	for i, p := range f {
		shutdowns[i] = p.Shutdown
	}
	return errors.Join(concurrently(ctx, shutdowns...)...)
}

// chainEnd returns the processor that ends the chain: nil, the only one, or
// a fanout over several.
func chainEnd(ps []sdktrace.SpanProcessor) sdktrace.SpanProcessor {
	switch len(ps) {
	case 0:
		return nil
	case 1:
		return ps[0]
	default:
		return fanout(ps)
	}
}
