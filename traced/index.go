package traced

import (
	"context"
	"sync"

	"go.opentelemetry.io/otel/trace"
)

// Index remembers span contexts by a business key, so that a span started
// later can link to the spans that handled those keys: the many-to-many
// case, such as fills matched to the client orders they fill. It holds at
// most its capacity of keys, forgetting the oldest first. It is safe for
// concurrent use.
type Index[K comparable] struct {
	mu    sync.Mutex
	spans map[K]trace.SpanContext
	order []K // ring of keys in insertion order
	next  int // the slot in order to reuse next, once full
}

// NewIndex returns an Index holding up to capacity keys (at least 1).
func NewIndex[K comparable](capacity int) *Index[K] {
	capacity = max(capacity, 1)
	return &Index[K]{spans: make(map[K]trace.SpanContext, capacity), order: make([]K, 0, capacity)}
}

// Remember records the span context of ctx's span under key. A key already
// known keeps its place and takes the new span context.
func (x *Index[K]) Remember(ctx context.Context, key K) {
	sc := trace.SpanContextFromContext(ctx)
	if !sc.IsValid() {
		return
	}
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
	x.spans[key] = sc
}

// Links returns links to the spans remembered under keys, skipping keys
// it does not know, each span once.
func (x *Index[K]) Links(keys ...K) []trace.Link {
	x.mu.Lock()
	defer x.mu.Unlock()
	links := make([]trace.Link, 0, len(keys))
	for _, k := range keys {
		sc, ok := x.spans[k]
		if !ok || hasLink(links, sc) {
			continue
		}
		links = append(links, trace.Link{SpanContext: sc})
	}
	return links
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
