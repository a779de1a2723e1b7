package benchmarks

import (
	"context"
	"io"
	"runtime"
	"testing"

	"github.com/spanlog/spanlog/logfmt"
	"github.com/spanlog/spanlog/metricsproc"
	"github.com/spanlog/spanlog/storage"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// liveHeap returns the bytes of live heap after a full collection.
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// Target 7: after 1,000,000 spans have started and ended through the whole
// chain, the live heap is back within 1 MiB of where it started: nothing is
// kept per span.
func TestLiveHeapAfterMillionSpans(t *testing.T) {
	if testing.Short() {
		t.Skip("a million spans")
	}
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	defer mp.Shutdown(context.Background())
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(
		storage.New(metricsproc.New(logfmt.NewSpanProcessor(io.Discard, nil), mp))))
	defer tp.Shutdown(context.Background())
	tracer := tp.Tracer("memory")
	ctx, parent := tracer.Start(context.Background(), "request", trace.WithAttributes(attribute.String("http.route", "/songs")))
	defer parent.End()
	spans := func(n int) {
		for range n {
			_, s := tracer.Start(ctx, "record.save_event", trace.WithAttributes(
				attribute.String("metric_name", "db_event"), attribute.String("metric_label_event_type", "Song")))
			s.End()
		}
	}
	spans(10_000) // warm up: instruments, pools, caches
	before := liveHeap()
	spans(1_000_000)
	after := liveHeap()
	grew := int64(after) - int64(before)
	t.Logf("live heap %d → %d bytes (%+d)", before, after, grew)
	if grew > 1<<20 {
		t.Errorf("live heap grew by %d bytes over a million spans, want at most 1 MiB", grew)
	}
}
