package benchmarks

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/spanlog/spanlog/logfmt"
	"github.com/spanlog/spanlog/metricsproc"
	"github.com/spanlog/spanlog/storage"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// Scaling: run with -cpu 1,2 (and more where the machine has the cores).
// With b.RunParallel, ns/op is wall time over all goroutines' operations,
// so it falls as throughput rises: throughput at 2 CPUs over that at 1 is
// ns/op at 1 CPU over ns/op at 2. The mutex profile of these benchmarks
// (see README.md) shows which locks the hot paths take.

// BenchmarkEventLineParallel logs the 5-attribute event line from every
// goroutine through one handler, spanlog's and slog.TextHandler's.
func BenchmarkEventLineParallel(b *testing.B) {
	ctx := context.Background()
	for _, h := range []struct {
		name string
		h    slog.Handler
	}{
		{"impl=slog.TextHandler", slog.NewTextHandler(io.Discard, nil)},
		{"impl=spanlog", logfmt.NewHandler(io.Discard, nil)},
	} {
		b.Run(h.name, func(b *testing.B) {
			log := slog.New(h.h)
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					log.LogAttrs(ctx, slog.LevelInfo, message, attrs...)
				}
			})
		})
	}
}

// BenchmarkSpanParallel starts and ends the metric span of BenchmarkSpan
// from every goroutine through one tracer provider, each goroutine under a
// parent of its own, as concurrent requests are.
func BenchmarkSpanParallel(b *testing.B) {
	b.Run("impl=sdk+noop", func(b *testing.B) {
		parallelMetricSpans(b, provider(b, noopProcessor{}))
	})
	b.Run("impl=storage+metricsproc", func(b *testing.B) {
		parallelMetricSpans(b, provider(b, storage.New(metricsproc.New(nil, meterProvider(b)))))
	})
}

func parallelMetricSpans(b *testing.B, tp *sdktrace.TracerProvider) {
	tracer := tp.Tracer("bench")
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		ctx, parent := tracer.Start(context.Background(), "request", requestFields)
		defer parent.End()
		for pb.Next() {
			_, span := tracer.Start(ctx, "record.save_event", saveEventMetric)
			span.End()
		}
	})
}
