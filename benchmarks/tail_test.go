package benchmarks

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/spanlog/spanlog/logfmt"
	"github.com/spanlog/spanlog/storage"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric/noop"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// tailPipeline is storage → span printer to io.Discard, with a tail buffer
// when tail is set, and a Handler at INFO on the same buffer.
func tailPipeline(b *testing.B, tail bool) (trace.Tracer, *slog.Logger) {
	var tb *logfmt.TailBuffer
	var spanOpts []logfmt.SpanOption
	if tail {
		tb = logfmt.NewTailBuffer(logfmt.WithTailMeterProvider(noop.NewMeterProvider()))
		spanOpts = append(spanOpts, logfmt.WithTailBuffer(tb))
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(
		storage.New(logfmt.NewSpanProcessor(io.Discard, nil, spanOpts...))))
	b.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	return tp.Tracer("bench"), slog.New(logfmt.NewHandler(io.Discard, &logfmt.HandlerOptions{TailBuffer: tb}))
}

// BenchmarkTailHold: one DEBUG record held in a tail buffer, against the
// same record printed to io.Discard at INFO, in a span with 8 stored
// fields, through slog's front end. Holding builds the same line and
// copies it into the request's buffer.
func BenchmarkTailHold(b *testing.B) {
	tracer, tailLog := tailPipeline(b, true)
	ctx := spanWith8FieldsOf(b, tracer)
	for _, c := range []struct {
		name  string
		log   *slog.Logger
		level slog.Level
	}{
		{"impl=io.Discard", slog.New(logfmt.NewHandler(io.Discard, nil)), slog.LevelInfo},
		{"impl=hold", tailLog, slog.LevelDebug},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				c.log.LogAttrs(ctx, c.level, message, attrs...)
			}
		})
	}
}

// BenchmarkTailRequest: a request (root and child span) logging 4 DEBUG
// records and one INFO record at INFO. Without a tail buffer the DEBUG
// records cost nothing; with one they are held, then discarded when the
// request succeeds, or written to io.Discard when it fails.
func BenchmarkTailRequest(b *testing.B) {
	for _, c := range []struct {
		name       string
		tail, fail bool
	}{
		{"impl=off", false, false},
		{"impl=discarded", true, false},
		{"impl=replayed", true, true},
	} {
		b.Run(c.name, func(b *testing.B) {
			tracer, log := tailPipeline(b, c.tail)
			b.ReportAllocs()
			for b.Loop() {
				ctx, root := tracer.Start(context.Background(), "request")
				cctx, child := tracer.Start(ctx, "step")
				for range 4 {
					log.LogAttrs(cctx, slog.LevelDebug, message, attrs...)
				}
				log.LogAttrs(ctx, slog.LevelInfo, message, attrs...)
				if c.fail {
					child.SetStatus(codes.Error, "failed")
				}
				child.End()
				root.End()
			}
		})
	}
}
