package benchmarks

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/spanlog/spanlog/logfmt"
	"github.com/spanlog/spanlog/metricsproc"
	"github.com/spanlog/spanlog/storage"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// requestFields are the two fields a request span leaves its children to
// inherit, as in the songs service; saveEventMetric makes a span feed
// db_event.
var (
	requestFields = trace.WithAttributes(
		attribute.String("http.route", "/songs"), attribute.String("request_id", "r-1"))
	saveEventMetric = trace.WithAttributes(
		attribute.String("metric_name", "db_event"),
		attribute.String("metric_label_event_table", "events"),
		attribute.String("metric_label_event_type", "Song"))
)

// metricSpan starts and ends one record.save_event span under a parent
// with two fields to inherit, as in the songs service.
func metricSpan(b *testing.B, tp *sdktrace.TracerProvider, between func(context.Context, trace.Span)) {
	tracer := tp.Tracer("bench")
	ctx, parent := tracer.Start(context.Background(), "request", requestFields)
	defer parent.End()
	opts := saveEventMetric
	b.ReportAllocs()
	for b.Loop() {
		sctx, span := tracer.Start(ctx, "record.save_event", opts)
		if between != nil {
			between(sctx, span)
		}
		span.End()
	}
}

func provider(b *testing.B, sp sdktrace.SpanProcessor) *sdktrace.TracerProvider {
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(sp))
	b.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	return tp
}

func meterProvider(b *testing.B) *sdkmetric.MeterProvider {
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	b.Cleanup(func() { _ = mp.Shutdown(context.Background()) })
	return mp
}

// BenchmarkSpan is target 3: span start+end through storage+metricsproc,
// printing nothing, against the bare SDK with a no-op processor.
func BenchmarkSpan(b *testing.B) {
	b.Run("impl=sdk+noop", func(b *testing.B) {
		metricSpan(b, provider(b, noopProcessor{}), nil)
	})
	b.Run("impl=storage+metricsproc", func(b *testing.B) {
		metricSpan(b, provider(b, storage.New(metricsproc.New(nil, meterProvider(b)))), nil)
	})
}

// BenchmarkSpanLines is target 4: start+end with the new_span and
// close_span lines printed to io.Discard, against the bare SDK plus two
// slog.TextHandler lines carrying the same keys.
func BenchmarkSpanLines(b *testing.B) {
	b.Run("impl=sdk+2×TextHandler", func(b *testing.B) {
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		line := func(ctx context.Context, span trace.Span, event string) {
			sc := span.SpanContext()
			log.LogAttrs(ctx, slog.LevelInfo, "", slog.String("span_name", "record.save_event"),
				slog.String("span", sc.SpanID().String()), slog.String("parent_span", sc.SpanID().String()),
				slog.String("span_event", event), slog.String("trace_id", sc.TraceID().String()),
				slog.String("metric_name", "db_event"), slog.String("metric_label_event_table", "events"),
				slog.String("metric_label_event_type", "Song"), slog.String("http.route", "/songs"),
				slog.String("request_id", "r-1"))
		}
		metricSpan(b, provider(b, noopProcessor{}), func(ctx context.Context, span trace.Span) {
			line(ctx, span, "new_span")
			line(ctx, span, "close_span")
		})
	})
	b.Run("impl=spanlog", func(b *testing.B) {
		metricSpan(b, provider(b, storage.New(logfmt.NewSpanProcessor(io.Discard, nil))), nil)
	})
}
