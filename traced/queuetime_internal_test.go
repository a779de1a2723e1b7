package traced

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// withClock makes consumers read receive times from now.
func withClock(now func() int64) Option { return func(c *config) { c.clock = now } }

// fixedClock always reads t.
func fixedClock(t time.Duration) func() int64 { return func() int64 { return int64(t) } }

// stampedAt is a message sent at t on traced's clock.
func stampedAt[T any](v T, t time.Duration) Message[T] { return Message[T]{Payload: v, sent: int64(t)} }

type queueTimeSetup struct {
	tp     *sdktrace.TracerProvider
	spans  *tracetest.InMemoryExporter
	reader *sdkmetric.ManualReader
	opts   []Option
}

func newQueueTimeSetup(t *testing.T) queueTimeSetup {
	t.Helper()
	spans := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	t.Cleanup(func() {
		_ = tp.Shutdown(context.Background())
		_ = mp.Shutdown(context.Background())
	})
	return queueTimeSetup{tp: tp, spans: spans, reader: reader, opts: []Option{WithTracerProvider(tp), WithMeterProvider(mp)}}
}

// queueTime returns the queue time on the span named name, and whether
// it has one.
func (s queueTimeSetup) queueTime(t *testing.T, name string) (float64, bool) {
	t.Helper()
	for _, span := range s.spans.GetSpans() {
		if span.Name == name {
			set := attribute.NewSet(span.Attributes...)
			v, ok := set.Value(QueueTimeKey)
			return v.AsFloat64(), ok
		}
	}
	t.Fatalf("no span %q", name)
	return 0, false
}

// histogram returns the queue-time data points, by their labels.
func (s queueTimeSetup) histogram(t *testing.T) map[string]metricdata.HistogramDataPoint[float64] {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := s.reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	points := map[string]metricdata.HistogramDataPoint[float64]{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name != QueueTimeMetric {
				continue
			}
			if m.Unit != "s" {
				t.Errorf("unit %q, want s", m.Unit)
			}
			for _, dp := range m.Data.(metricdata.Histogram[float64]).DataPoints {
				points[dp.Attributes.Encoded(attribute.DefaultEncoder())] = dp
			}
		}
	}
	return points
}

func TestQueueTimeOnSpanAndInHistogram(t *testing.T) {
	s := newQueueTimeSetup(t)
	opts := append(s.opts, withClock(fixedClock(3500*time.Microsecond)), WithSpanName("algo.accept"))
	err := Consume(context.Background(), stampedAt("o", time.Millisecond), func(context.Context, string) error { return nil }, opts...)
	if err != nil {
		t.Fatal(err)
	}
	if ms, ok := s.queueTime(t, "algo.accept"); !ok || ms != 2.5 {
		t.Errorf("queue time %v (%v), want 2.5 ms", ms, ok)
	}
	points := s.histogram(t)
	dp, ok := points["messaging.payload.type=string,span_name=algo.accept"]
	if !ok || len(points) != 1 {
		t.Fatalf("data points %v, want one labelled by payload type and span name", points)
	}
	if dp.Count != 1 || dp.Sum != 0.0025 {
		t.Errorf("count %d sum %v, want 1 and 0.0025 s", dp.Count, dp.Sum)
	}
}

// A message received before it was sent (two processes' clocks) waited
// no time; one that was never stamped has no queue time at all.
func TestQueueTimeEdges(t *testing.T) {
	s := newQueueTimeSetup(t)
	handle := func(context.Context, string) error { return nil }
	clock := withClock(fixedClock(time.Millisecond))
	_ = Consume(context.Background(), stampedAt("early", 2*time.Millisecond), handle, append(s.opts, clock, WithSpanName("early"))...)
	_ = Consume(context.Background(), Message[string]{Payload: "unstamped"}, handle, append(s.opts, clock, WithSpanName("unstamped"))...)
	if ms, ok := s.queueTime(t, "early"); !ok || ms != 0 {
		t.Errorf("early: queue time %v (%v), want 0", ms, ok)
	}
	if ms, ok := s.queueTime(t, "unstamped"); ok {
		t.Errorf("unstamped: queue time %v, want none", ms)
	}
	points := s.histogram(t)
	if dp, ok := points["messaging.payload.type=string,span_name=early"]; len(points) != 1 || !ok || dp.Count != 1 {
		t.Errorf("recorded %v; want the early message once, and nothing else", points)
	}
}

// ServeBatches ends each message's wait when it comes off the channel,
// not when its batch is full: the fan-in span carries the longest wait,
// the histogram every one.
func TestQueueTimeFanIn(t *testing.T) {
	s := newQueueTimeSetup(t)
	ch := make(chan Message[string], 3)
	for i := range 3 { // sent at 1, 2 and 3 ms
		ch <- stampedAt(fmt.Sprint(i), time.Duration(i+1)*time.Millisecond)
	}
	close(ch)
	reads := 0
	clock := withClock(func() int64 { // received at 10, 11 and 12 ms
		reads++
		return int64(time.Duration(9+reads) * time.Millisecond)
	})
	err := ServeBatches(context.Background(), ch, 3, func(context.Context, []string) error { return nil },
		append(s.opts, clock, WithSpanName("batch"))...)
	if err != nil {
		t.Fatal(err)
	}
	if ms, ok := s.queueTime(t, "batch"); !ok || ms != 9 {
		t.Errorf("fan-in queue time %v (%v), want the longest, 9 ms", ms, ok)
	}
	dp := s.histogram(t)["messaging.payload.type=string,span_name=batch"]
	if dp.Count != 3 || math.Abs(dp.Sum-0.027) > 1e-12 {
		t.Errorf("count %d sum %v, want 3 waits of 9 ms", dp.Count, dp.Sum)
	}
}

// Under DeferSends a message starts waiting when it goes into the
// channel, after the handler, not when the handler sent it.
func TestDeferredMessageWaitsFromDelivery(t *testing.T) {
	s := newQueueTimeSetup(t)
	in := make(chan Message[string], 1)
	out := make(chan Message[string], 1)
	in <- Wrap(context.Background(), "in")
	close(in)
	var handlerDone int64
	_ = Serve(context.Background(), in, func(ctx context.Context, v string) error {
		_ = Send(ctx, out, v)
		handlerDone = monotonicNow()
		return nil
	}, append(s.opts, DeferSends())...)
	if m := <-out; m.sent < handlerDone {
		t.Errorf("sent at %d, before the handler ended at %d", m.sent, handlerDone)
	}
}

// Past MaxQueueTimeSeries label sets, new ones share the overflow set;
// the ones already seen keep theirs.
func TestQueueTimeLabelsBounded(t *testing.T) {
	var cache labelCache
	first := cache.recordOptions("T", "span 0")
	for i := 1; i < MaxQueueTimeSeries; i++ {
		cache.recordOptions("T", fmt.Sprint("span ", i))
	}
	if got := cache.recordOptions("T", "one too many"); &got[0] != &overflowLabels[0] {
		t.Error("a label set past the bound is not the overflow set")
	}
	if again := cache.recordOptions("T", "span 0"); &again[0] != &first[0] {
		t.Error("a label set seen before lost its place")
	}
	if n := len(cache.byPair); n != MaxQueueTimeSeries {
		t.Errorf("%d label sets held, want %d", n, MaxQueueTimeSeries)
	}
}
