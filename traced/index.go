package traced

import (
	"context"
	"sync"

	"go.opentelemetry.io/otel/trace"
)

// Index remembers spans by a business key, so that a span started later
// can link to the spans that handled those keys (LinkTo), the many-to-many
// case such as fills matched to the client orders they fill, or continue
// one of them as its child (ChildOf). It holds at most its capacity of
// keys, forgetting the oldest first. It is safe for concurrent use.
type Index[K comparable] struct {
	mu    sync.Mutex
	spans map[K]remembered
	order []K // ring of keys in insertion order
	next  int // the slot in order to reuse next, once full
}

// remembered is a span's context and the baggage it ran with: all a later
// span needs to join its trace as a child, as a Message carries it.
type remembered struct {
	spanContext trace.SpanContext
	baggage     carried
}

// NewIndex returns an Index holding up to capacity keys (at least 1).
func NewIndex[K comparable](capacity int) *Index[K] {
	capacity = max(capacity, 1)
	return &Index[K]{spans: make(map[K]remembered, capacity), order: make([]K, 0, capacity)}
}

// Remember records the span context of ctx's span, and ctx's baggage,
// under key. A key already known keeps its place and takes the new span.
// A ctx without a valid span is not remembered.
func (x *Index[K]) Remember(ctx context.Context, key K) {
	sc := trace.SpanContextFromContext(ctx)
	if !sc.IsValid() {
		return
	}
	r := remembered{spanContext: sc, baggage: carriedFrom(ctx)}
	x.mu.Lock()
	defer x.mu.Unlock()
	if _, known := x.spans[key]; !known {
		if len(x.order) < cap(x.order) {
			x.order = append(x.order, key)
		} else {
			delete(x.spans, x.order[x.next])
			x.order[x.next] = key
			x.next = (x.next + 1) % len(x.order)
		}
	}
	x.spans[key] = r
}

// Links returns links to the spans remembered under keys, skipping keys
// it does not know, each span once.
func (x *Index[K]) Links(keys ...K) []trace.Link {
	x.mu.Lock()
	defer x.mu.Unlock()
	links := make([]trace.Link, 0, len(keys))
	for _, k := range keys {
		r, ok := x.spans[k]
		if !ok || hasLink(links, r.spanContext) {
			continue
		}
		links = append(links, trace.Link{SpanContext: r.spanContext})
	}
	return links
}

func (x *Index[K]) lookup(key K) (remembered, bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	r, ok := x.spans[key]
	return r, ok
}

// hasLink reports whether links already point at sc.
func hasLink(links []trace.Link, sc trace.SpanContext) bool {
	for _, l := range links {
		if l.SpanContext.Equal(sc) {
			return true
		}
	}
	return false
}

// RememberAs is an Option for Serve and Consume: the consumer span of each
// payload is remembered in idx under key(payload). With a nil idx or key it
// does nothing.
func RememberAs[T any, K comparable](idx *Index[K], key func(T) K) Option {
	return func(c *config) {
		if idx == nil || key == nil {
			return
		}
		c.remember = append(c.remember, func(ctx context.Context, payload any) {
			if v, ok := payload.(T); ok {
				idx.Remember(ctx, key(v))
			}
		})
	}
}

// LinkTo is an Option for Serve and Consume: the consumer span of each
// payload links to the spans idx remembers under keys(payload), up to the
// link cap. With a nil idx or keys it does nothing.
func LinkTo[T any, K comparable](idx *Index[K], keys func(T) []K) Option {
	return func(c *config) {
		if idx == nil || keys == nil {
			return
		}
		c.linkers = append(c.linkers, func(payload any) []trace.Link {
			if v, ok := payload.(T); ok {
				return idx.Links(keys(v)...)
			}
			return nil
		})
	}
}

// ChildOf is an Option for Serve and Consume: the consumer span of each
// payload whose key(payload) idx remembers is a child of that span, in its
// trace, and its handler gets the baggage that span ran with; it links to
// the sender's span instead. It brings work that came through a shared
// step, such as a fill matched for several orders, back into the trace of
// the one it is for. A payload idx does not know is consumed as without
// ChildOf. With a nil idx or key it does nothing.
func ChildOf[T any, K comparable](idx *Index[K], key func(T) K) Option {
	return func(c *config) {
		if idx == nil || key == nil {
			return
		}
		c.parents = append(c.parents, func(payload any) (remembered, bool) {
			if v, ok := payload.(T); ok {
				return idx.lookup(key(v))
			}
			return remembered{}, false
		})
	}
}
