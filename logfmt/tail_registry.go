package logfmt

import (
	"context"
	"time"

	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/spanlog/spanlog/keys"
)

// The registry of tracked spans: which local root each belongs to. A span
// joins its parent's root when the parent is tracked, and starts a root of
// its own otherwise. Every span of a root leaves the registry when the
// root ends, is evicted, or the buffer shuts down, so nothing outlives its
// root, whether or not the span itself ever ends.

// spanStarted tracks s under its parent's local root, or as a new local
// root. Roots open longer than the maximum age are evicted first.
func (b *TailBuffer) spanStarted(s sdktrace.ReadWriteSpan) {
	if b.closed.Load() || !b.reserve(spanBytes) {
		return
	}
	key := keyOf(s.SpanContext())
	var expired []*heldTrace
	b.mu.Lock()
	if b.closed.Load() || b.spans[key] != nil { // shut down, or tracked already
		b.mu.Unlock()
		b.release(spanBytes)
		return
	}
	var t *heldTrace
	if parent := s.Parent(); parent.IsValid() {
		t = b.spans[keyOf(parent)]
	}
	if t == nil {
		now := b.now()
		expired = b.unlinkExpired(now)
		t = &heldTrace{root: key, started: now}
		t.spans = t.fixed[:0]
		b.link(t)
	}
	t.spans = append(t.spans, key)
	b.spans[key] = t
	b.mu.Unlock()
	for _, old := range expired {
		b.discard(old, reasonMaxAge)
	}
}

// spanEnded notes s's status and, when s is a tracked local root, closes
// its trace. It returns what the trace held and whether to write it: the
// root or a span under it failed, an error was logged in it, or the root
// was slow. ok is false when s is not a tracked root.
func (b *TailBuffer) spanEnded(s sdktrace.ReadOnlySpan) (o outcome, replay, ok bool) {
	key := keyOf(s.SpanContext())
	failed := s.Status().Code == codes.Error
	b.mu.RLock() // most spans are not roots: a read suffices
	t := b.spans[key]
	b.mu.RUnlock()
	if t == nil || t.root != key {
		if t != nil && failed {
			t.failed.Store(true)
		}
		return outcome{}, false, false
	}
	b.mu.Lock()
	if b.spans[key] != t { // evicted meanwhile, which closed it
		b.mu.Unlock()
		return outcome{}, false, false
	}
	b.unlink(t)
	b.mu.Unlock()
	if o, ok = t.close(b); !ok {
		return outcome{}, false, false
	}
	replay = failed || t.failed.Load() ||
		b.slower > 0 && keys.SpanLatency(s) > float64(b.slower)/1e6
	return o, replay, true
}

// finished counts what a closed trace held: replayed, or discarded for
// reason; records dropped on the way count under their own reasons. It
// gives the lines back to the pool.
func (b *TailBuffer) finished(o outcome, replayed bool, reason string) {
	if n := o.lines.len(); replayed {
		if n > 0 && b.replayed != nil {
			b.replayed.Add(context.Background(), int64(n))
		}
	} else {
		b.countDiscarded(n, reason)
	}
	b.countDiscarded(o.overLimit, reasonTraceLimit)
	b.countDiscarded(o.overMemory, reasonMemoryLimit)
	putHeld(o.lines)
}

// discard closes a trace that left the registry and counts its records as
// discarded for reason.
func (b *TailBuffer) discard(t *heldTrace, reason string) {
	if o, ok := t.close(b); ok {
		b.finished(o, false, reason)
	}
}

// shutdown discards every open trace and stops holding. Only the first
// call does anything.
func (b *TailBuffer) shutdown() {
	if !b.closed.CompareAndSwap(false, true) {
		return
	}
	b.mu.Lock()
	var open []*heldTrace
	for t := b.oldest; t != nil; t = t.next {
		open = append(open, t)
	}
	for _, t := range open {
		b.unlink(t)
	}
	b.mu.Unlock()
	for _, t := range open {
		b.discard(t, reasonShutdown)
	}
}

// link appends t, a new root, to the open traces. b.mu must be held.
func (b *TailBuffer) link(t *heldTrace) {
	t.prev = b.newest
	if b.newest != nil {
		b.newest.next = t
	} else {
		b.oldest = t
	}
	b.newest = t
}

// unlink removes t and its spans from the registry. b.mu must be held.
func (b *TailBuffer) unlink(t *heldTrace) {
	for _, k := range t.spans {
		delete(b.spans, k)
	}
	b.release(spanBytes * len(t.spans))
	t.spans = nil
	if t.prev != nil {
		t.prev.next = t.next
	} else {
		b.oldest = t.next
	}
	if t.next != nil {
		t.next.prev = t.prev
	} else {
		b.newest = t.prev
	}
	t.prev, t.next = nil, nil
}

// unlinkExpired unlinks the roots open longer than the maximum age at now
// and returns them. b.mu must be held.
func (b *TailBuffer) unlinkExpired(now time.Time) []*heldTrace {
	var expired []*heldTrace
	for t := b.oldest; t != nil && now.Sub(t.started) > b.maxAge; t = b.oldest {
		b.unlink(t)
		expired = append(expired, t)
	}
	return expired
}
