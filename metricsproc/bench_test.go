package metricsproc_test

import (
	"context"
	"testing"

	"github.com/spanlog/spanlog/metricsproc"
	"github.com/spanlog/spanlog/storage"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// noopProcessor is the baseline: the SDK's own cost of starting and ending
// a span with one processor registered.
type noopProcessor struct{}

func (noopProcessor) OnStart(context.Context, sdktrace.ReadWriteSpan) {}
func (noopProcessor) OnEnd(sdktrace.ReadOnlySpan)                     {}
func (noopProcessor) ForceFlush(context.Context) error                { return nil }
func (noopProcessor) Shutdown(context.Context) error                  { return nil }

// BenchmarkSpanStartEnd runs a metric span (under a parent with fields to
// inherit) through storage+metricsproc beside the bare SDK with a no-op
// processor, in the same run:
//
//	go test ./metricsproc -run '^$' -bench SpanStartEnd -count 6 | tee new.txt
func BenchmarkSpanStartEnd(b *testing.B) {
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	defer mp.Shutdown(context.Background())
	for _, bc := range []struct {
		name string
		sp   sdktrace.SpanProcessor
	}{
		{"sdk+noop", noopProcessor{}},
		{"storage+metricsproc", storage.New(metricsproc.New(nil, mp))},
	} {
		b.Run(bc.name, func(b *testing.B) {
			tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(bc.sp))
			defer tp.Shutdown(context.Background())
			tracer := tp.Tracer("bench")
			ctx, parent := tracer.Start(context.Background(), "request", trace.WithAttributes(
				attribute.String("http.route", "/songs"), attribute.String("request_id", "r-1")))
			defer parent.End()
			attrs := trace.WithAttributes(
				attribute.String("metric_name", "db_event"),
				attribute.String("metric_label_event_table", "events"),
				attribute.String("metric_label_event_type", "Song"))
			b.ReportAllocs()
			for b.Loop() {
				_, span := tracer.Start(ctx, "record.save_event", attrs)
				span.End()
			}
		})
	}
}
