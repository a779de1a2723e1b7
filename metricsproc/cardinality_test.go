//go:build !race

package metricsproc_test

import (
	"context"
	"runtime"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/trace"
)

func heapAlloc() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// A million distinct label values: memory stays bounded by the cardinality
// limit (the SDK's series and our label-set cache are both capped), and
// the overflow series counts every span past the limit.
func TestMillionDistinctLabelValues(t *testing.T) {
	if testing.Short() {
		t.Skip("a million spans")
	}
	const spans = 1_000_000
	h := newHarness(t, []sdkmetric.Option{sdkmetric.WithCardinalityLimit(2000)})
	attrs := make([]attribute.KeyValue, 2)
	attrs[0] = attribute.String("metric_name", "job")
	before := heapAlloc()
	for i := range spans {
		attrs[1] = attribute.Int("metric_label_user", i)
		_, span := h.tracer.Start(context.Background(), "op", trace.WithAttributes(attrs...))
		span.End()
		h.spans.Reset() // the exporter behind the chain would grow otherwise
	}
	grew := int64(heapAlloc()) - int64(before)
	pts := h.collect(t)["job"].(metricdata.Sum[int64]).DataPoints
	var total, overflow int64
	for _, dp := range pts {
		total += dp.Value
		if v, ok := dp.Attributes.Value("otel.metric.overflow"); ok && v.AsBool() {
			overflow = dp.Value
		}
	}
	t.Logf("%d series, overflow %d, heap %+d bytes", len(pts), overflow, grew)
	if total != spans || overflow != spans-1999 || len(pts) != 2000 {
		t.Errorf("total %d in %d series with overflow %d; want %d in 2000 with %d", total, len(pts), overflow, spans, spans-1999)
	}
	if grew > 32<<20 {
		t.Errorf("heap grew %d bytes for a million label values, want it bounded (under 32 MiB)", grew)
	}
}
