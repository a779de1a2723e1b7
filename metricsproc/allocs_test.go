//go:build !race

package metricsproc_test

import (
	"context"
	"io"
	"testing"

	"github.com/spanlog/spanlog/logfmt"
	"github.com/spanlog/spanlog/metricsproc"
	"github.com/spanlog/spanlog/storage"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// noopProcessor is the baseline: the SDK's own cost with one processor.
type noopProcessor struct{}

func (noopProcessor) OnStart(context.Context, sdktrace.ReadWriteSpan) {}
func (noopProcessor) OnEnd(sdktrace.ReadOnlySpan)                     {}
func (noopProcessor) ForceFlush(context.Context) error                { return nil }
func (noopProcessor) Shutdown(context.Context) error                  { return nil }

// spanAllocs counts the allocations of starting and ending a metric span
// under a parent with fields, through sp.
func spanAllocs(sp sdktrace.SpanProcessor) float64 {
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(sp))
	defer tp.Shutdown(context.Background())
	tracer := tp.Tracer("allocs")
	ctx, parent := tracer.Start(context.Background(), "request", trace.WithAttributes(
		attribute.String("http.route", "/songs"), attribute.String("request_id", "r-1")))
	defer parent.End()
	opts := trace.WithAttributes(attribute.String("metric_name", "db_event"),
		attribute.String("metric_label_event_table", "events"), attribute.String("metric_label_event_type", "Song"))
	return testing.AllocsPerRun(500, func() {
		_, s := tracer.Start(ctx, "record.save_event", opts)
		s.End()
	})
}

// The span path costs at most 2 allocations over the bare SDK, and the
// span line printer none of its own.
func TestSpanPathAllocations(t *testing.T) {
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	defer mp.Shutdown(context.Background())
	bare := spanAllocs(noopProcessor{})
	chain := spanAllocs(storage.New(metricsproc.New(nil, mp)))
	printed := spanAllocs(storage.New(metricsproc.New(logfmt.NewSpanProcessor(io.Discard, nil), mp)))
	if chain-bare > 2 {
		t.Errorf("storage+metricsproc: %v allocations, the bare SDK %v: more than 2 extra", chain, bare)
	}
	if printed != chain {
		t.Errorf("printing both lines: %v allocations, without %v", printed, chain)
	}
}

// Recording a span's counter and histogram with labels seen before
// allocates nothing: the label set, its options and the exemplar's context
// are reused.
func TestMetricsAllocateNothing(t *testing.T) {
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	defer mp.Shutdown(context.Background())
	bare := spanAllocs(noopProcessor{})
	if got := spanAllocs(metricsproc.New(nil, mp)); got != bare {
		t.Errorf("metricsproc: %v allocations, the bare SDK %v", got, bare)
	}
}
