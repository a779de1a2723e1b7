package storage_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/spanlog/spanlog/storage"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/baggage"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// countingNext sits between storage and the exporter's processor and counts
// what storage forwards. It is needed where the exporter cannot tell: the
// in-memory exporter forgets its spans when shut down, and a shut-down
// SimpleSpanProcessor drops spans on its own, so only a processor directly
// behind storage sees whether storage forwarded anything.
type countingNext struct {
	sdktrace.SpanProcessor
	starts, ends atomic.Int64
}

func (c *countingNext) OnStart(parent context.Context, s sdktrace.ReadWriteSpan) {
	c.starts.Add(1)
	c.SpanProcessor.OnStart(parent, s)
}

func (c *countingNext) OnEnd(s sdktrace.ReadOnlySpan) {
	c.ends.Add(1)
	c.SpanProcessor.OnEnd(s)
}

// oddProvider returns a provider running storage in front of a counting
// processor in front of an in-memory exporter. The caller shuts the
// provider down when the test needs it; Cleanup does it otherwise.
func oddProvider(t *testing.T, opts ...sdktrace.TracerProviderOption) (*sdktrace.TracerProvider, *storage.Processor, *countingNext, *tracetest.InMemoryExporter) {
	t.Helper()
	exp := tracetest.NewInMemoryExporter()
	next := &countingNext{SpanProcessor: sdktrace.NewSimpleSpanProcessor(exp)}
	p := storage.New(next)
	tp := sdktrace.NewTracerProvider(append(opts, sdktrace.WithSpanProcessor(p))...)
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	return tp, p, next, exp
}

func oddBaggage(t *testing.T, key, value string) baggage.Baggage {
	t.Helper()
	m, err := baggage.NewMember(key, value)
	if err != nil {
		t.Fatal(err)
	}
	b, err := baggage.New(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func attrValue(attrs []attribute.KeyValue, key string) (attribute.Value, bool) {
	for _, kv := range attrs {
		if string(kv.Key) == key {
			return kv.Value, true
		}
	}
	return attribute.Value{}, false
}

func TestSpanEndedTwiceReachesNextOnce(t *testing.T) {
	tp, _, next, exp := oddProvider(t)
	_, span := tp.Tracer("t").Start(context.Background(), "twice")
	span.End()
	span.End()

	if n := next.ends.Load(); n != 1 {
		t.Errorf("next saw OnEnd %d times, want 1", n)
	}
	spans := exp.GetSpans()
	if len(spans) != 1 {
		t.Fatalf("exporter holds %d spans, want 1", len(spans))
	}
	n := 0
	for _, kv := range spans[0].Attributes {
		if kv.Key == storage.LatencyKey {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d latency_ms attributes, want 1: %v", n, spans[0].Attributes)
	}
}

// A span that is never ended never reaches OnEnd. Storage keeps no per-span
// state (the fields live on the SDK span), so there is nothing to leak or
// to inspect: what can be checked is that nothing is exported, that later
// spans are unaffected, and that shutting the provider down with the span
// still open neither panics nor reports it.
func TestSpanNeverEnded(t *testing.T) {
	tp, _, next, exp := oddProvider(t)
	tracer := tp.Tracer("t")
	ctx := baggage.ContextWithBaggage(context.Background(), oddBaggage(t, "tenant", "acme"))
	ctx, open := tracer.Start(ctx, "open", trace.WithAttributes(attribute.String("a", "1")))
	_ = open // never ended, on purpose

	if n := len(exp.GetSpans()); n != 0 {
		t.Fatalf("exporter holds %d spans before any end, want 0", n)
	}
	_, child := tracer.Start(ctx, "child")
	child.End()
	spans := exp.GetSpans()
	if len(spans) != 1 || spans[0].Name != "child" {
		t.Fatalf("exported %v, want the child only", spans)
	}
	if v, ok := attrValue(spans[0].Attributes, "a"); !ok || v.AsString() != "1" {
		t.Errorf("child of an open parent lacks its field a=1: %v", spans[0].Attributes)
	}

	if err := tp.Shutdown(context.Background()); err != nil {
		t.Errorf("Shutdown with an open span: %v", err)
	}
	if n := next.ends.Load(); n != 1 {
		t.Errorf("next saw OnEnd %d times, want 1 (the child only)", n)
	}
	// After the provider's Shutdown, ending the span reaches no processor.
	open.End()
	if n := next.ends.Load(); n != 1 {
		t.Errorf("ending after the provider's Shutdown reached next (%d OnEnd)", n)
	}
}

func TestSpanEndedAfterStorageShutdown(t *testing.T) {
	tp, p, next, exp := oddProvider(t)
	tracer := tp.Tracer("t")
	_, span := tracer.Start(context.Background(), "late")
	if err := p.Shutdown(context.Background()); err != nil {
		t.Fatalf("storage Shutdown: %v", err)
	}
	span.End() // the provider still calls storage, which must do nothing

	_, after := tracer.Start(context.Background(), "after")
	after.End()

	if n := next.ends.Load(); n != 0 {
		t.Errorf("next saw OnEnd %d times after storage's Shutdown, want 0", n)
	}
	if n := next.starts.Load(); n != 1 {
		t.Errorf("next saw OnStart %d times, want 1 (before Shutdown only)", n)
	}
	if n := len(exp.GetSpans()); n != 0 {
		t.Errorf("exporter holds %d spans, want 0", n)
	}
	if err := p.ForceFlush(context.Background()); err != nil {
		t.Errorf("ForceFlush after Shutdown = %v, want nil", err)
	}
	if err := p.Shutdown(context.Background()); err != nil {
		t.Errorf("second Shutdown = %v, want nil", err)
	}
}

func TestStartWithNilOrCanceledContext(t *testing.T) {
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tc := range []struct {
		name string
		ctx  context.Context
	}{
		{"nil", nil},
		{"canceled", canceled},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tp, _, _, exp := oddProvider(t)
			_, span := tp.Tracer("t").Start(tc.ctx, "op", trace.WithAttributes(attribute.String("own", "x")))
			if !span.SpanContext().IsValid() {
				t.Fatalf("span context %v is not valid", span.SpanContext())
			}
			span.End()
			spans := exp.GetSpans()
			if len(spans) != 1 {
				t.Fatalf("exported %d spans, want 1", len(spans))
			}
			ms, ok := storage.Latency(spans.Snapshots()[0])
			if !ok || ms < 0 {
				t.Errorf("latency_ms = %v, %v; want a value >= 0", ms, ok)
			}
			if v, ok := attrValue(spans[0].Attributes, "own"); !ok || v.AsString() != "x" {
				t.Errorf("own attribute lost: %v", spans[0].Attributes)
			}
		})
	}
}

func TestInvalidRemoteParentGivesRootWithBaggage(t *testing.T) {
	tid, err := trace.TraceIDFromHex("0af7651916cd43dd8448eb211c80319c")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		sc   trace.SpanContext
	}{
		{"zero", trace.SpanContext{}},
		// A trace ID without a span ID: still invalid, so no parent span,
		// though the SDK keeps the trace ID.
		{"trace_id_only", trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, Remote: true})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tp, _, _, exp := oddProvider(t)
			ctx := trace.ContextWithRemoteSpanContext(context.Background(), tc.sc)
			ctx = baggage.ContextWithBaggage(ctx, oddBaggage(t, "user.id", "u-1"))
			ctx, span := tp.Tracer("t").Start(ctx, "op")
			if got := storage.Fields(ctx); len(got) != 1 || got[0] != attribute.String("user.id", "u-1") {
				t.Errorf("fields at start %v, want user.id=u-1 only", got)
			}
			span.End()

			spans := exp.GetSpans()
			if len(spans) != 1 {
				t.Fatalf("exported %d spans, want 1", len(spans))
			}
			s := spans[0]
			if s.Parent.IsValid() || s.Parent.SpanID().IsValid() {
				t.Errorf("parent %v, want none: the span must be a root", s.Parent)
			}
			if !s.SpanContext.IsValid() {
				t.Errorf("span context %v is not valid", s.SpanContext)
			}
			if v, ok := attrValue(s.Attributes, "user.id"); !ok || v.AsString() != "u-1" {
				t.Errorf("attributes %v lack the baggage field user.id=u-1", s.Attributes)
			}
			if _, ok := attrValue(s.Attributes, storage.LatencyKey); !ok {
				t.Errorf("attributes %v lack latency_ms", s.Attributes)
			}
		})
	}
}

// TestDeepChainStaysWithinSpanLimits builds a 100-deep chain of spans, each
// adding 3 fields of its own, under tight span limits. Inherited fields go
// through the SDK's limits like any other attribute, so no span grows past
// them however deep the chain.
func TestDeepChainStaysWithinSpanLimits(t *testing.T) {
	const (
		depth      = 100
		countLimit = 32
		valueLimit = 16
	)
	limits := sdktrace.NewSpanLimits()
	limits.AttributeCountLimit = countLimit
	limits.AttributeValueLengthLimit = valueLimit
	tp, _, _, exp := oddProvider(t, sdktrace.WithRawSpanLimits(limits))
	tracer := tp.Tracer("t")

	long := strings.Repeat("v", 3*valueLimit)
	ctx := context.Background()
	spans := make([]trace.Span, depth)
	for i := range depth {
		ctx, spans[i] = tracer.Start(ctx, fmt.Sprintf("level-%03d", i), trace.WithAttributes(
			attribute.String(fmt.Sprintf("l%03d.a", i), long),
			attribute.String(fmt.Sprintf("l%03d.b", i), long),
			attribute.Int(fmt.Sprintf("l%03d.c", i), i),
		))
	}
	for i := depth - 1; i >= 0; i-- {
		spans[i].End()
	}

	got := exp.GetSpans()
	if len(got) != depth {
		t.Fatalf("exported %d spans, want %d", len(got), depth)
	}
	for _, s := range got {
		if n := len(s.Attributes); n > countLimit+1 {
			t.Errorf("%s: %d attributes, want at most %d (+1 for latency_ms)", s.Name, n, countLimit)
		}
		if _, ok := attrValue(s.Attributes, storage.LatencyKey); !ok {
			t.Errorf("%s: no latency_ms", s.Name)
		}
		for _, kv := range s.Attributes {
			if kv.Key == storage.LatencyKey {
				continue
			}
			if n := len(kv.Value.String()); n > valueLimit {
				t.Errorf("%s: %s is %d bytes, want at most %d", s.Name, kv.Key, n, valueLimit)
			}
		}
	}

	deepest := got[0] // ended first
	if deepest.Name != fmt.Sprintf("level-%03d", depth-1) {
		t.Fatalf("first exported span is %s, want the deepest", deepest.Name)
	}
	if deepest.DroppedAttributes <= 0 {
		t.Errorf("deepest span dropped %d attributes, want > 0", deepest.DroppedAttributes)
	}
	if n := len(deepest.Attributes); n != countLimit+1 {
		t.Errorf("deepest span has %d attributes, want the limit %d plus latency_ms", n, countLimit)
	}
	// The span's own start attributes come first, so the limit drops
	// inherited fields, never the span's own.
	for _, k := range []string{"a", "b", "c"} {
		if _, ok := attrValue(deepest.Attributes, fmt.Sprintf("l%03d.%s", depth-1, k)); !ok {
			t.Errorf("deepest span lost its own field l%03d.%s", depth-1, k)
		}
	}
}
