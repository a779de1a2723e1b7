package logfmt

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
)

var benchAttrs = []slog.Attr{
	slog.String("method", "GET"),
	slog.String("path", "/songs/42"),
	slog.Int("status", 200),
	slog.Duration("elapsed", 1234*time.Microsecond),
	slog.Bool("cached", false),
}

func benchRecord() slog.Record {
	r := slog.NewRecord(time.Now(), slog.LevelInfo, "request served", 0)
	r.AddAttrs(benchAttrs...)
	return r
}

// spanWithFields returns a context holding a live span with n stored
// fields, n-1 of them inherited from its parent, and a func ending both.
func spanWithFields(t testing.TB, n int) (context.Context, func()) {
	tp := newProviderWithChain(nil)
	attrs := make([]attribute.KeyValue, n-1)
	for i := range attrs {
		attrs[i] = attribute.String("field"+strconv.Itoa(i), "value-"+strconv.Itoa(i))
	}
	tracer := tp.Tracer("bench")
	ctx, parent := tracer.Start(context.Background(), "parent", trace.WithAttributes(attrs...))
	ctx, child := tracer.Start(ctx, "child", trace.WithAttributes(attribute.Int("own", 1)))
	return ctx, func() {
		child.End()
		parent.End()
		_ = tp.Shutdown(context.Background())
	}
}

// BenchmarkHandler runs spanlog's handler beside slog.TextHandler on the
// same record, in the same run. Inside a span, spanlog also prints the span
// and trace ids and the span's 8 stored fields; TextHandler has no span to
// print. spanlog.nocache prints the stored fields without the field cache,
// which shows what the cache saves. Compare with benchstat:
//
//	go test ./logfmt -run '^$' -bench Handler -count 6 | tee new.txt
func BenchmarkHandler(b *testing.B) {
	spanCtx, end := spanWithFields(b, 8)
	defer end()
	noCache := NewHandler(io.Discard, nil)
	noCache.fields = nil
	handlers := []struct {
		name string
		h    slog.Handler
	}{
		{"spanlog", NewHandler(io.Discard, nil)},
		{"spanlog.nocache", noCache},
		{"slog.TextHandler", slog.NewTextHandler(io.Discard, nil)},
	}
	for _, where := range []struct {
		name string
		ctx  context.Context
	}{{"plain", context.Background()}, {"span8", spanCtx}} {
		for _, h := range handlers {
			b.Run(where.name+"/"+h.name, func(b *testing.B) {
				r := benchRecord()
				b.ReportAllocs()
				for b.Loop() {
					_ = h.h.Handle(where.ctx, r)
				}
			})
		}
	}
}

// BenchmarkTailHold compares holding a DEBUG record in a tail buffer with
// writing the same record's line to io.Discard, inside a span with 8
// stored fields: holding builds the same line and copies it into the
// trace's buffer (kept at its 256-record limit, so the oldest goes). The
// third case prints through a handler whose tail buffer is on.
//
//	go test ./logfmt -run '^$' -bench TailHold -count 6 | tee tail.txt
func BenchmarkTailHold(b *testing.B) {
	f := newTailFixture(b, WithRecordsPerTrace(256))
	attrs := make([]attribute.KeyValue, 7)
	for i := range attrs {
		attrs[i] = attribute.String("field"+strconv.Itoa(i), "value-"+strconv.Itoa(i))
	}
	ctx, root := f.tracer.Start(context.Background(), "parent", trace.WithAttributes(attrs...))
	defer root.End()
	ctx, child := f.tracer.Start(ctx, "child", trace.WithAttributes(attribute.Int("own", 1)))
	defer child.End()
	for _, c := range []struct {
		name  string
		h     slog.Handler
		level slog.Level
	}{
		{"write=io.Discard", NewHandler(io.Discard, nil), slog.LevelInfo},
		{"hold", f.h, slog.LevelDebug},
		{"write=io.Discard,tail=on", NewHandler(io.Discard, &HandlerOptions{TailBuffer: f.tb}), slog.LevelInfo},
	} {
		b.Run(c.name, func(b *testing.B) {
			r := benchRecord()
			r.Level = c.level
			b.ReportAllocs()
			for b.Loop() {
				_ = c.h.Handle(ctx, r)
			}
		})
	}
}
