package benchmarks

import (
	"context"
	"log/slog"
	"strconv"
	"testing"
	"time"

	"github.com/spanlog/spanlog/storage"
	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// The event line of targets 1 and 2 and the scaling rows: a message and 5
// attributes.
const message = "request served"

var attrs = []slog.Attr{
	slog.String("method", "GET"),
	slog.String("path", "/songs/42"),
	slog.Int("status", 200),
	slog.Duration("elapsed", 1234*time.Microsecond),
	slog.Bool("cached", false),
}

// noopProcessor is the SDK baseline's one registered processor.
type noopProcessor struct{}

func (noopProcessor) OnStart(context.Context, sdktrace.ReadWriteSpan) {}
func (noopProcessor) OnEnd(sdktrace.ReadOnlySpan)                     {}
func (noopProcessor) ForceFlush(context.Context) error                { return nil }
func (noopProcessor) Shutdown(context.Context) error                  { return nil }

// spanWith8Fields returns a context holding a live span with 8 stored
// fields, 7 inherited from its parent.
func spanWith8Fields(b *testing.B) context.Context {
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(storage.New(nil)))
	b.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	return spanWith8FieldsOf(b, tp.Tracer("bench"))
}

// spanWith8FieldsOf is spanWith8Fields with spans of tracer, whose
// provider must run storage.
func spanWith8FieldsOf(b *testing.B, tracer trace.Tracer) context.Context {
	fields := make([]attribute.KeyValue, 7)
	for i := range fields {
		fields[i] = attribute.String("field"+strconv.Itoa(i), "value-"+strconv.Itoa(i))
	}
	ctx, parent := tracer.Start(context.Background(), "parent", trace.WithAttributes(fields...))
	ctx, child := tracer.Start(ctx, "child", trace.WithAttributes(attribute.Int("own", 1)))
	b.Cleanup(func() { child.End(); parent.End() })
	return ctx
}
