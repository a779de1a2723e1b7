// Package chain is what spanlog's span processors share: a link to the
// next processor in the chain, and the rule that after Shutdown a
// processor does nothing.
package chain

import (
	"context"
	"sync/atomic"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// Link joins a processor to the next one, which may be nil to end the
// chain. Its methods are safe for concurrent use.
type Link struct {
	next    sdktrace.SpanProcessor
	stopped atomic.Bool
}

// SetNext sets the next processor; call it once, before any other method.
func (l *Link) SetNext(next sdktrace.SpanProcessor) { l.next = next }

// Stopped reports whether Shutdown has been called.
func (l *Link) Stopped() bool { return l.stopped.Load() }

// Forwarding tells whether the next processor is to be called: there is
// one, and Shutdown has not run.
func (l *Link) Forwarding() bool { return l.next != nil && !l.Stopped() }

// OnStart forwards to the next processor, if any, unless stopped.
func (l *Link) OnStart(ctx context.Context, s sdktrace.ReadWriteSpan) {
	if l.Forwarding() {
		l.next.OnStart(ctx, s)
	}
}

// OnEnd forwards to the next processor, if any, unless stopped.
func (l *Link) OnEnd(s sdktrace.ReadOnlySpan) {
	if l.Forwarding() {
		l.next.OnEnd(s)
	}
}

// ForceFlush forwards to the next processor, if any, unless stopped.
func (l *Link) ForceFlush(ctx context.Context) error {
	if !l.Forwarding() {
		return nil
	}
	return l.next.ForceFlush(ctx)
}

// Shutdown marks the link stopped and shuts the next processor down. Only
// the first call does anything.
func (l *Link) Shutdown(ctx context.Context) error {
	if !l.stopped.CompareAndSwap(false, true) || l.next == nil {
		return nil
	}
	return l.next.Shutdown(ctx)
}
