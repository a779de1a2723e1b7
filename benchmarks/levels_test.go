package benchmarks

import (
	"context"
	"io"
	"log/slog"
	"math"
	"runtime"
	"testing"

	"github.com/spanlog/spanlog/levels"
	"github.com/spanlog/spanlog/logfmt"
	"github.com/spanlog/spanlog/storage"
	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// levelSwitch returns a Switch with directives in force and the context
// of a live span named "request" with 8 stored fields, started through
// storage and the Switch's processor.
func levelSwitch(b *testing.B, directives string) (*levels.Switch, context.Context) {
	f, err := levels.Parse(directives)
	if err != nil {
		b.Fatal(err)
	}
	sw := levels.NewSwitch(f)
	b.Cleanup(sw.Close)
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(storage.New(levels.NewProcessor(sw, nil))))
	b.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	fields := []attribute.KeyValue{
		attribute.String("http.route", "/songs"), attribute.String("request_id", "r-1"),
		attribute.String("tenant", "globex"), attribute.Int("user.id", 7),
		attribute.String("a", "1"), attribute.String("b", "2"), attribute.String("c", "3"),
		attribute.String("d", "4"),
	}
	ctx, span := tp.Tracer("github.com/acme/app").Start(context.Background(), "request", trace.WithAttributes(fields...))
	b.Cleanup(func() { span.End() })
	return sw, ctx
}

// The directive sets of the level benchmarks: in each, a debug record
// from this package inside the "request" span (tenant globex) is
// disabled. Under directivesFloor no directive enables debug; under
// directivesSpanOnly only span directives do, and none reaches the span;
// under directivesPackage and directivesSpan a package directive does, so
// only the call site can decide.
const (
	directivesFloor    = "info,github.com/acme/app=warn"
	directivesSpanOnly = "info,[checkout]=debug,[{tenant=acme}]=debug"
	directivesPackage  = "info,github.com/acme/app/db=debug"
	directivesSpan     = "info,github.com/acme/app/db=debug,[checkout]=debug,[{tenant=acme}]=debug"
)

// BenchmarkLevelDisabledDebug is a debug call with 5 attrs inside a span,
// disabled, through slog's front end: spanlog's handler at INFO (one
// level comparison in Enabled) against the same handler under level
// directives, where Switch.Enabled rules out what it can from the floor
// and the ctx span, and Handle drops the rest after resolving the call
// site. impl=slog.record is the floor of that last case: slog building
// the record for an enabled handler that does nothing.
func BenchmarkLevelDisabledDebug(b *testing.B) {
	run := func(b *testing.B, h slog.Handler, ctx context.Context) {
		log := slog.New(h)
		b.ReportAllocs()
		for b.Loop() {
			log.LogAttrs(ctx, slog.LevelDebug, message, attrs...)
		}
	}
	b.Run("impl=plain", func(b *testing.B) {
		_, ctx := levelSwitch(b, "info")
		run(b, logfmt.NewHandler(io.Discard, nil), ctx)
	})
	everything := &logfmt.HandlerOptions{Level: slog.Level(math.MinInt)}
	for _, c := range []struct{ name, directives string }{
		{"impl=directives.floor", directivesFloor},
		{"impl=directives.spanonly", directivesSpanOnly},
		{"impl=directives.package", directivesPackage},
		{"impl=directives.span", directivesSpan},
	} {
		b.Run(c.name, func(b *testing.B) {
			sw, ctx := levelSwitch(b, c.directives)
			run(b, levels.NewHandler(logfmt.NewHandler(io.Discard, everything), sw), ctx)
		})
	}
	b.Run("impl=slog.record", func(b *testing.B) {
		_, ctx := levelSwitch(b, "info")
		run(b, discardHandler{}, ctx)
	})
}

// levelSink keeps the compiler from dropping the queries.
var levelSink bool

// BenchmarkLevelQuery is the query alone: a plain level check (what
// logfmt.Handler.Enabled does) against each query of a Switch.
func BenchmarkLevelQuery(b *testing.B) {
	var pcs [1]uintptr
	runtime.Callers(1, pcs[:])
	pc := pcs[0]
	b.Run("impl=plain", func(b *testing.B) {
		var leveler slog.Leveler = slog.LevelInfo
		b.ReportAllocs()
		for b.Loop() {
			levelSink = slog.LevelDebug >= leveler.Level()
		}
	})
	b.Run("impl=Floor", func(b *testing.B) {
		sw, _ := levelSwitch(b, directivesFloor)
		b.ReportAllocs()
		for b.Loop() {
			levelSink = slog.LevelDebug >= sw.Floor()
		}
	})
	b.Run("impl=Enabled.spanonly", func(b *testing.B) {
		sw, ctx := levelSwitch(b, directivesSpanOnly)
		b.ReportAllocs()
		for b.Loop() {
			levelSink = sw.Enabled(ctx, slog.LevelDebug)
		}
	})
	for _, c := range []struct{ name, directives string }{
		{"impl=EventLevel.package", directivesPackage},
		{"impl=EventLevel.span", directivesSpan},
	} {
		b.Run(c.name, func(b *testing.B) {
			sw, ctx := levelSwitch(b, c.directives)
			span := trace.SpanFromContext(ctx)
			b.ReportAllocs()
			for b.Loop() {
				levelSink = slog.LevelDebug >= sw.EventLevel(pc, span)
			}
		})
	}
	b.Run("impl=SpanLevel", func(b *testing.B) {
		sw, ctx := levelSwitch(b, directivesSpan)
		span := trace.SpanFromContext(ctx).(sdktrace.ReadOnlySpan)
		b.ReportAllocs()
		for b.Loop() {
			levelSink = slog.LevelInfo >= sw.SpanLevel(span)
		}
	})
}

// BenchmarkLevelSpan is a span's start and end through storage and a
// no-op processor, without and with the levels processor between them:
// with no span directive in force, and with one that matches every span
// (a scope to work out and remember).
func BenchmarkLevelSpan(b *testing.B) {
	withLevels := func(b *testing.B, directives string) sdktrace.SpanProcessor {
		f, err := levels.Parse(directives)
		if err != nil {
			b.Fatal(err)
		}
		return storage.New(levels.NewProcessor(levels.NewSwitch(f), noopProcessor{}))
	}
	b.Run("impl=storage", func(b *testing.B) {
		metricSpan(b, provider(b, storage.New(noopProcessor{})), nil)
	})
	b.Run("impl=storage+levels.package", func(b *testing.B) {
		metricSpan(b, provider(b, withLevels(b, directivesPackage)), nil)
	})
	b.Run("impl=storage+levels.span", func(b *testing.B) {
		metricSpan(b, provider(b, withLevels(b, "info,[record.save_event]=debug")), nil)
	})
}
