package levels

import (
	"context"

	"github.com/spanlog/spanlog/internal/chain"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// Processor is the span processor that lets span directives reach into
// spans: at OnStart it works out the level each span directive gives
// inside the span (from its name, its fields, and its local parent's
// scope) and the Switch keeps it until the span's OnEnd has been passed
// down the chain. It never drops a span: every call goes on to next.
//
// Chain it after the storage processor, so that inherited fields count,
// and before any processor that asks Switch.SpanLevel. While no span
// directive is in force it does nothing but forward. Its methods are safe
// for concurrent use.
type Processor struct {
	link chain.Link
	sw   *Switch
}

var _ sdktrace.SpanProcessor = (*Processor)(nil)

// NewProcessor returns a Processor for the directives of sw, forwarding
// every call to next, which may be nil to end the chain.
func NewProcessor(sw *Switch, next sdktrace.SpanProcessor) *Processor {
	p := &Processor{sw: sw}
	p.link.SetNext(next)
	return p
}

// OnStart works out s's scope, then calls next.
func (p *Processor) OnStart(parent context.Context, s sdktrace.ReadWriteSpan) {
	if p.link.Stopped() {
		return
	}
	if spans := p.sw.cur.Load().spans; spans != nil {
		var ps trace.Span
		if parent != nil {
			ps = trace.SpanFromContext(parent)
		}
		spans.start(ps, s)
	}
	p.link.OnStart(parent, s)
}

// OnEnd calls next, then forgets s's scope.
func (p *Processor) OnEnd(s sdktrace.ReadOnlySpan) {
	if p.link.Stopped() {
		return
	}
	p.link.OnEnd(s)
	if spans := p.sw.cur.Load().spans; spans != nil {
		spans.end(s.SpanContext())
	}
}

// ForceFlush forwards to next.
func (p *Processor) ForceFlush(ctx context.Context) error { return p.link.ForceFlush(ctx) }

// Shutdown stops the processor and shuts next down. Only the first call
// does anything; after it, every method is a no-op.
func (p *Processor) Shutdown(ctx context.Context) error { return p.link.Shutdown(ctx) }
