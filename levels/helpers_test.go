package levels_test

import (
	"context"
	"runtime"
	"testing"

	"github.com/spanlog/spanlog/levels"
	"github.com/spanlog/spanlog/storage"
	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// The import paths of the two call-site packages the tests log from.
const (
	testPkg = "github.com/spanlog/spanlog/levels_test"
	sitePkg = "github.com/spanlog/spanlog/levels/internal/callsite"
)

// here returns the PC of its caller, a call site in this test package.
func here() uintptr {
	var pcs [1]uintptr
	runtime.Callers(2, pcs[:])
	return pcs[0]
}

// newSwitch returns a Switch with text in force.
func newSwitch(t testing.TB, text string, opts ...levels.Option) *levels.Switch {
	t.Helper()
	f, err := levels.Parse(text)
	if err != nil {
		t.Fatalf("Parse(%q): %v", text, err)
	}
	sw := levels.NewSwitch(f, opts...)
	t.Cleanup(sw.Close)
	return sw
}

// newProvider returns a real SDK tracer provider whose chain is storage,
// then sw's processor, then next (which may be nil).
func newProvider(t testing.TB, sw *levels.Switch, next sdktrace.SpanProcessor) *sdktrace.TracerProvider {
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(storage.New(levels.NewProcessor(sw, next))))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	return tp
}

// span is a span to start: its name and start attributes.
type span struct {
	name  string
	attrs []attribute.KeyValue
}

// startNested starts spans, each under the one before, and returns the
// context of the innermost (ctx itself when spans is empty). They end at
// the end of the test.
func startNested(t testing.TB, ctx context.Context, tracer trace.Tracer, spans ...span) context.Context {
	for _, s := range spans {
		var sp trace.Span
		ctx, sp = tracer.Start(ctx, s.name, trace.WithAttributes(s.attrs...))
		t.Cleanup(func() { sp.End() })
	}
	return ctx
}
