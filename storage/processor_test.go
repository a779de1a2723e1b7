package storage_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spanlog/spanlog/storage"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/baggage"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// setup returns a tracer whose provider runs storage in front of an
// in-memory exporter.
func setup(t *testing.T, opts ...storage.Option) (trace.Tracer, *tracetest.InMemoryExporter) {
	return setupWithLimits(t, sdktrace.NewSpanLimits(), opts...)
}

func setupWithLimits(t *testing.T, limits sdktrace.SpanLimits, opts ...storage.Option) (trace.Tracer, *tracetest.InMemoryExporter) {
	t.Helper()
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(
		sdktrace.WithRawSpanLimits(limits),
		sdktrace.WithSpanProcessor(storage.New(sdktrace.NewSimpleSpanProcessor(exp), opts...)))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	return tp.Tracer("storage_test"), exp
}

// render prints attributes as "k=v k=v" in their order, without latency_ms.
func render(attrs []attribute.KeyValue) string {
	var parts []string
	for _, kv := range attrs {
		if kv.Key != storage.LatencyKey {
			parts = append(parts, string(kv.Key)+"="+kv.Value.String())
		}
	}
	return strings.Join(parts, " ")
}

func TestChildInheritsParentFields(t *testing.T) {
	tracer, _ := setup(t)
	ctx, parent := tracer.Start(context.Background(), "parent", trace.WithAttributes(
		attribute.Int("a", 1), attribute.Int("b", 2)))
	defer parent.End()
	ctx, child := tracer.Start(ctx, "child", trace.WithAttributes(attribute.Int("b", 3)))
	defer child.End()
	if got := render(storage.Fields(ctx)); got != "b=3 a=1" {
		t.Errorf("child fields %q, want own fields first, then inherited: b=3 a=1", got)
	}
}

func TestPerSpanKeysAreNotInherited(t *testing.T) {
	tracer, _ := setup(t)
	ctx, parent := tracer.Start(context.Background(), "parent", trace.WithAttributes(
		attribute.String("keep", "yes"),
		attribute.String("metric_name", "db_event"),
		attribute.String("metric_label_table", "events"),
		attribute.String("otel.status_code", "ERROR"),
		attribute.String("error", "x"),
		attribute.String("exception.message", "boom"),
		attribute.Float64("latency_ms", 3),
	))
	defer parent.End()
	ctx, child := tracer.Start(ctx, "child")
	defer child.End()
	if got := render(storage.Fields(ctx)); got != "keep=yes" {
		t.Errorf("child fields %q, want only keep=yes", got)
	}
}

func TestIsPerSpanKey(t *testing.T) {
	for key, want := range map[string]bool{
		"latency_ms": true, "metric_name": true, "metric_label_x": true, "otel.scope": true,
		"error": true, "exception.type": true, "errors": false, "metric_names": false,
		"http.route": false, "exceptional": false,
	} {
		if got := storage.IsPerSpanKey(key); got != want {
			t.Errorf("IsPerSpanKey(%q) = %v, want %v", key, got, want)
		}
	}
}

func TestLaterParentFieldsReachLaterChildrenOnly(t *testing.T) {
	tracer, _ := setup(t)
	ctx, parent := tracer.Start(context.Background(), "parent")
	defer parent.End()
	early, c1 := tracer.Start(ctx, "early")
	defer c1.End()
	parent.SetAttributes(attribute.String("user", "u1"))
	late, c2 := tracer.Start(ctx, "late")
	defer c2.End()
	if got := render(storage.Fields(early)); got != "" {
		t.Errorf("early child fields %q, want none", got)
	}
	if got := render(storage.Fields(late)); got != "user=u1" {
		t.Errorf("late child fields %q, want user=u1", got)
	}
}

func TestInheritFilter(t *testing.T) {
	tracer, _ := setup(t, storage.WithInheritFilter(storage.OnlyKeys("http.route", "metric_name")))
	ctx, parent := tracer.Start(context.Background(), "parent", trace.WithAttributes(
		attribute.String("http.route", "/songs"), attribute.String("secret", "s"), attribute.String("metric_name", "m")))
	defer parent.End()
	ctx, child := tracer.Start(ctx, "child")
	defer child.End()
	if got := render(storage.Fields(ctx)); got != "http.route=/songs" {
		t.Errorf("child fields %q, want http.route=/songs only", got)
	}
}

func mustBaggage(t *testing.T, kv ...string) baggage.Baggage {
	t.Helper()
	var members []baggage.Member
	for i := 0; i < len(kv); i += 2 {
		m, err := baggage.NewMember(kv[i], kv[i+1])
		if err != nil {
			t.Fatal(err)
		}
		members = append(members, m)
	}
	b, err := baggage.New(members...)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestBaggageBecomesFields(t *testing.T) {
	tracer, _ := setup(t)
	ctx, parent := tracer.Start(context.Background(), "parent", trace.WithAttributes(attribute.String("user.id", "old")))
	defer parent.End()
	ctx = baggage.ContextWithBaggage(ctx, mustBaggage(t, "user.id", "u-7"))
	ctx, child := tracer.Start(ctx, "child", trace.WithAttributes(attribute.String("own", "x")))
	defer child.End()
	if got := render(storage.Fields(ctx)); got != "own=x user.id=u-7" {
		t.Errorf("child fields %q, want own=x user.id=u-7 (baggage over the parent's value)", got)
	}

	filtered, _ := setup(t, storage.WithBaggageFilter(storage.OnlyKeys("tenant")))
	bctx := baggage.ContextWithBaggage(context.Background(), mustBaggage(t, "tenant", "acme", "user.id", "u-7"))
	bctx, root := filtered.Start(bctx, "root")
	defer root.End()
	if got := render(storage.Fields(bctx)); got != "tenant=acme" {
		t.Errorf("filtered baggage fields %q, want tenant=acme", got)
	}
}

func TestRemoteParentGivesBaggageOnly(t *testing.T) {
	tracer, _ := setup(t)
	prop := propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})

	sender, senderSpan := tracer.Start(context.Background(), "sender", trace.WithAttributes(attribute.String("local", "only")))
	sender = baggage.ContextWithBaggage(sender, mustBaggage(t, "user.id", "u-9"))
	carrier := propagation.MapCarrier{}
	prop.Inject(sender, carrier)
	senderSpan.End()

	ctx := prop.Extract(context.Background(), carrier)
	ctx, receiver := tracer.Start(ctx, "receiver")
	defer receiver.End()
	if got := render(storage.Fields(ctx)); got != "user.id=u-9" {
		t.Errorf("fields under a remote parent %q, want user.id=u-9", got)
	}
	if receiver.(sdktrace.ReadOnlySpan).Parent().SpanID() != senderSpan.SpanContext().SpanID() {
		t.Error("receiver is not a child of the remote sender span")
	}
}

func TestNewRootDoesNotInherit(t *testing.T) {
	tracer, _ := setup(t)
	ctx, parent := tracer.Start(context.Background(), "parent", trace.WithAttributes(attribute.String("a", "1")))
	defer parent.End()
	ctx, root := tracer.Start(ctx, "detached", trace.WithNewRoot())
	defer root.End()
	if got := render(storage.Fields(ctx)); got != "" {
		t.Errorf("new root fields %q, want none", got)
	}
}

func TestSpanLimitsHoldAfterInheritance(t *testing.T) {
	limits := sdktrace.NewSpanLimits()
	limits.AttributeCountLimit = 4
	limits.AttributeValueLengthLimit = 5
	tracer, exp := setupWithLimits(t, limits)
	var attrs []attribute.KeyValue
	for i := range 4 {
		attrs = append(attrs, attribute.String(fmt.Sprintf("p%d", i), "long-value"))
	}
	ctx, parent := tracer.Start(context.Background(), "parent", trace.WithAttributes(attrs...))
	_, child := tracer.Start(ctx, "child", trace.WithAttributes(attribute.String("own1", "x"), attribute.String("own2", "y")))
	child.End()
	parent.End()

	got := exp.GetSpans()[0]
	if got.Name != "child" {
		t.Fatalf("first exported span is %s", got.Name)
	}
	if r := render(got.Attributes); r != "own1=x own2=y p0=long- p1=long-" {
		t.Errorf("child attributes %q, want own ones kept and inherited ones cut to the limits", r)
	}
	if got.DroppedAttributes != 2 {
		t.Errorf("dropped %d attributes, want 2", got.DroppedAttributes)
	}
}

func TestLatencyReachesNext(t *testing.T) {
	tracer, exp := setup(t)
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		end  time.Duration
		want float64
	}{
		{18*time.Millisecond + 204*time.Microsecond + 400*time.Nanosecond, 18.204},
		{1500 * time.Nanosecond, 0.002}, // rounded to the microsecond
		{-time.Second, 0},               // end before start
	} {
		exp.Reset()
		_, span := tracer.Start(context.Background(), "op", trace.WithTimestamp(start))
		span.End(trace.WithTimestamp(start.Add(tc.end)))
		attrs := exp.GetSpans()[0].Attributes
		last := attrs[len(attrs)-1]
		if last.Key != storage.LatencyKey || last.Value.AsFloat64() != tc.want {
			t.Errorf("end at %v: last attribute %v=%v, want latency_ms=%v", tc.end, last.Key, last.Value.String(), tc.want)
		}
	}
}

func TestLatencyReplacesUserValue(t *testing.T) {
	tracer, exp := setup(t)
	start := time.Now()
	_, span := tracer.Start(context.Background(), "op", trace.WithTimestamp(start),
		trace.WithAttributes(attribute.Float64("latency_ms", 999)))
	span.End(trace.WithTimestamp(start.Add(time.Millisecond)))
	if got := render(exp.GetSpans()[0].Attributes); got != "" {
		t.Errorf("other attributes %q", got)
	}
	ms, ok := storage.Latency(exp.GetSpans().Snapshots()[0])
	if !ok || ms != 1 {
		t.Errorf("Latency = %v, %v; want 1, true", ms, ok)
	}
	if n := len(exp.GetSpans()[0].Attributes); n != 1 {
		t.Errorf("%d attributes, want a single latency_ms", n)
	}
}

func TestFieldsOutsideSpan(t *testing.T) {
	if f := storage.Fields(context.Background()); f != nil {
		t.Errorf("Fields outside a span = %v", f)
	}
	//lint:ignore SA1012 nil is the case under test
	if f := storage.Fields(nil); f != nil { //nolint:staticcheck
		t.Errorf("Fields(nil) = %v", f)
	}
	sc := trace.NewSpanContext(trace.SpanContextConfig{TraceID: trace.TraceID{1}, SpanID: trace.SpanID{1}})
	if f := storage.Fields(trace.ContextWithSpanContext(context.Background(), sc)); f != nil {
		t.Errorf("Fields of a non-recording span = %v", f)
	}
}

// Readers of Fields race with a writer setting attributes; -race checks
// that the span's copy-on-write keeps every read consistent.
func TestFieldsConcurrentWithSetAttributes(t *testing.T) {
	tracer, _ := setup(t)
	ctx, span := tracer.Start(context.Background(), "busy")
	defer span.End()
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 500 {
				for _, kv := range storage.Fields(ctx) {
					if !kv.Valid() {
						t.Errorf("invalid field %v", kv)
						return
					}
				}
			}
		})
	}
	wg.Go(func() {
		for i := range 500 {
			span.SetAttributes(attribute.Int(fmt.Sprintf("k%d", i%20), i))
		}
	})
	wg.Wait()
	if n := len(storage.Fields(ctx)); n != 20 {
		t.Errorf("%d fields, want 20", n)
	}
}

func TestShutdownIsIdempotentAndStopsWork(t *testing.T) {
	exp := tracetest.NewInMemoryExporter()
	p := storage.New(sdktrace.NewSimpleSpanProcessor(exp))
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(p))
	ctx := context.Background()
	_, before := tp.Tracer("t").Start(ctx, "before")
	if err := p.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if err := p.Shutdown(ctx); err != nil {
		t.Errorf("second Shutdown: %v", err)
	}
	before.End()
	if err := p.ForceFlush(ctx); err != nil {
		t.Errorf("ForceFlush after Shutdown: %v", err)
	}
	if n := len(exp.GetSpans()); n != 0 {
		t.Errorf("%d spans passed on after Shutdown", n)
	}
}

func TestNilNextEndsChain(t *testing.T) {
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(storage.New(nil)))
	ctx, parent := tp.Tracer("t").Start(context.Background(), "p", trace.WithAttributes(attribute.Int("a", 1)))
	ctx, child := tp.Tracer("t").Start(ctx, "c")
	child.End()
	parent.End()
	if got := render(storage.Fields(ctx)); got != "a=1" {
		t.Errorf("fields %q", got)
	}
	if err := tp.Shutdown(context.Background()); err != nil {
		t.Error(err)
	}
}

func TestBaggageFieldsAreInKeyOrder(t *testing.T) {
	tracer, _ := setup(t)
	ctx := baggage.ContextWithBaggage(context.Background(), mustBaggage(t, "z", "1", "a", "2", "m", "3", "b", "4"))
	for range 20 { // map order would show up within a few tries
		sctx, span := tracer.Start(ctx, "op")
		if got := render(storage.Fields(sctx)); got != "a=2 b=4 m=3 z=1" {
			t.Fatalf("fields %q, want baggage in key order", got)
		}
		span.End()
	}
}
