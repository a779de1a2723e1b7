package levels

import (
	"context"
	"log/slog"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// entries counts what t holds.
func entries[K comparable, V any](t *table[K, V]) int {
	n := 0
	for i := range t.slots {
		if t.slots[i].Load() != nil {
			n++
		}
	}
	return n
}

func TestTableEvictsTheOldestOfAFullBucket(t *testing.T) {
	tb := newTable[int, string](1)
	for k := 1; k <= 5; k++ {
		tb.put(k, 0, "v")
	}
	if n := entries(tb); n != ways {
		t.Fatalf("%d entries in one bucket, want %d", n, ways)
	}
	if _, ok := tb.get(1, 0); ok {
		t.Error("the first key put survived a full bucket")
	}
	for k := 2; k <= 5; k++ {
		if _, ok := tb.get(k, 0); !ok {
			t.Errorf("key %d was evicted, want the oldest (1) only", k)
		}
	}
	tb.put(3, 0, "new")
	if v, _ := tb.get(3, 0); v != "new" {
		t.Errorf("put over a present key: got %q", v)
	}
	tb.delete(3, 0)
	if _, ok := tb.get(3, 0); ok {
		t.Error("deleted key is still there")
	}
}

// TestSpanTableIsBounded starts spans that never end and checks that the
// Switch holds no more than WithMaxSpans scopes, keeping the newest.
func TestSpanTableIsBounded(t *testing.T) {
	f, _ := Parse("info,[leak]=debug")
	sw := NewSwitch(f, WithMaxSpans(16))
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(NewProcessor(sw, nil)))
	defer tp.Shutdown(context.Background())
	tracer := tp.Tracer("t")
	var last sdktrace.ReadOnlySpan
	for range 1000 {
		_, s := tracer.Start(context.Background(), "leak")
		last = s.(sdktrace.ReadOnlySpan)
	}
	if got := sw.SpanLevel(last); got != slog.LevelDebug {
		t.Errorf("newest span's level %v, want DEBUG: the newest must be kept", got)
	}
}

func TestSpanTableEmptiesAsSpansEnd(t *testing.T) {
	f, _ := Parse("info,[checkout]=debug")
	sw := NewSwitch(f)
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(NewProcessor(sw, nil)))
	defer tp.Shutdown(context.Background())
	tracer := tp.Tracer("t")
	ctx, root := tracer.Start(context.Background(), "checkout")
	_, child := tracer.Start(ctx, "load")
	_, other := tracer.Start(context.Background(), "other")
	table := sw.cur.Load().spans.t
	if n := entries(table); n != 2 {
		t.Errorf("%d scopes for a checkout span and its child, want 2 (none for other)", n)
	}
	child.End()
	root.End()
	other.End()
	if n := entries(table); n != 0 {
		t.Errorf("%d scopes left after every span ended", n)
	}
}

func TestNoSpanTableWithoutSpanDirectives(t *testing.T) {
	f, _ := Parse("info,a=debug")
	sw := NewSwitch(f)
	if sw.cur.Load().spans != nil {
		t.Fatal("a span table exists without span directives")
	}
	if _, err := sw.Set("[x]=debug", 0); err != nil || sw.cur.Load().spans == nil {
		t.Fatalf("no span table with a span directive in force (%v)", err)
	}
	if _, err := sw.Set("debug", 0); err != nil || sw.cur.Load().spans != nil {
		t.Fatalf("the span table outlived the span directives (%v)", err)
	}
}

func TestPCCacheIsBounded(t *testing.T) {
	f, _ := Parse("info,a=debug")
	c := newPCCache()
	for pc := uintptr(1); pc <= 3*pcCacheBuckets*ways; pc++ {
		c.lookup(pc, f)
	}
	// The table's size bounds it; what must hold is that the newest PC is
	// the one kept when its bucket is full.
	last := uintptr(3 * pcCacheBuckets * ways)
	if _, ok := c.t.get(last, mix(uint64(last))); !ok {
		t.Error("the newest PC is not cached")
	}
}
