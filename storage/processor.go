package storage

import (
	"context"
	"sync"

	"github.com/spanlog/spanlog/internal/chain"
	"github.com/spanlog/spanlog/keys"
	"github.com/spanlog/spanlog/redact"
	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// Processor is the storage span processor. It keeps no per-span state: the
// fields live on the SDK spans themselves. Its methods are safe for
// concurrent use.
type Processor struct {
	link          chain.Link
	inherit       func(key string) bool
	baggage       func(key string) bool
	remoteBaggage func(key string) bool
	redact        *redact.Keys
}

var _ sdktrace.SpanProcessor = (*Processor)(nil)

// New returns a storage processor that forwards every call to next, which
// may be nil to end the chain.
func New(next sdktrace.SpanProcessor, opts ...Option) *Processor {
	p := &Processor{}
	p.link.SetNext(next)
	for _, opt := range opts {
		opt(p)
	}
	return p
}

// OnStart gives s the fields of its parent and the baggage of parent, then
// calls next. The span's own start attributes win over inherited fields,
// and baggage wins over the parent's fields. Baggage is bounded and
// filtered as baggageFields says; in short, a request's own baggage gives
// only the keys WithRemoteBaggage allows. Fields come only from a local
// SDK span that is s's parent; a remote parent, or the span left in ctx
// under trace.WithNewRoot, gives baggage only. The SDK's span limits apply
// to inherited fields as to any other attribute.
func (p *Processor) OnStart(parent context.Context, s sdktrace.ReadWriteSpan) {
	if p.link.Stopped() {
		return
	}
	if parent != nil {
		bp := fieldsPool.Get().(*[]attribute.KeyValue)
		if fields := p.inheritable((*bp)[:0], parent, s); len(fields) > 0 {
			s.SetAttributes(withoutOwnKeys(fields, s.Attributes())...)
			clear(fields) // drop references to values before pooling
			*bp = fields[:0]
		}
		fieldsPool.Put(bp)
	}
	p.link.OnStart(parent, s)
}

// fieldsPool holds the scratch slices OnStart gathers inherited fields in;
// SetAttributes copies them into the span.
var fieldsPool = sync.Pool{New: func() any {
	fields := make([]attribute.KeyValue, 0, 32)
	return &fields
}}

// inheritable appends to fields the parent's inheritable fields followed by
// the baggage members that become fields.
func (p *Processor) inheritable(fields []attribute.KeyValue, parent context.Context, s sdktrace.ReadWriteSpan) []attribute.KeyValue {
	ps := trace.SpanFromContext(parent)
	if psc := ps.SpanContext(); psc.IsValid() && !psc.IsRemote() && psc.SpanID() == s.Parent().SpanID() {
		for _, kv := range SpanFields(ps) {
			k := string(kv.Key)
			if !keys.IsPerSpan(k) && !p.redact.Match(k) && (p.inherit == nil || p.inherit(k)) {
				fields = append(fields, kv)
			}
		}
	}
	return p.baggageFields(fields, parent)
}

// setField replaces the value of kv's key in fields, or appends kv.
func setField(fields []attribute.KeyValue, kv attribute.KeyValue) []attribute.KeyValue {
	for i := range fields {
		if fields[i].Key == kv.Key {
			fields[i] = kv
			return fields
		}
	}
	return append(fields, kv)
}

// withoutOwnKeys removes from fields, in place, the keys the span already has.
func withoutOwnKeys(fields, own []attribute.KeyValue) []attribute.KeyValue {
	if len(own) == 0 {
		return fields
	}
	kept := fields[:0]
	for _, kv := range fields {
		if !hasKey(own, kv.Key) {
			kept = append(kept, kv)
		}
	}
	return kept
}

func hasKey(attrs []attribute.KeyValue, k attribute.Key) bool {
	for _, kv := range attrs {
		if kv.Key == k {
			return true
		}
	}
	return false
}

// OnEnd hands next the ended span with latency_ms added to its attributes
// and the values of redacted keys, in its attributes and its events',
// replaced by redact.Placeholder, so no exporter ships them.
func (p *Processor) OnEnd(s sdktrace.ReadOnlySpan) {
	if p.link.Forwarding() {
		p.link.OnEnd(ended(s, p.redact))
	}
}

// ForceFlush forwards to next.
func (p *Processor) ForceFlush(ctx context.Context) error { return p.link.ForceFlush(ctx) }

// Shutdown stops the processor and shuts next down. Only the first call
// does anything; after it, every method is a no-op.
func (p *Processor) Shutdown(ctx context.Context) error { return p.link.Shutdown(ctx) }
