package levels_test

import (
	"context"
	"log/slog"
	"testing"

	"github.com/spanlog/spanlog/levels"
	"github.com/spanlog/spanlog/levels/internal/callsite"
	callsitev2 "github.com/spanlog/spanlog/levels/internal/callsite.v2"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
)

const (
	debug = slog.LevelDebug
	info  = slog.LevelInfo
	warn  = slog.LevelWarn
	errl  = slog.LevelError
)

// TestEventLevel covers each directive form and each precedence rule, with
// spans of the real SDK through the storage processor.
func TestEventLevel(t *testing.T) {
	testPC, sitePC := here(), callsite.PC()
	checkout := span{"checkout", nil}
	for _, c := range []struct {
		name       string
		directives string
		spans      []span // nested, outermost first
		pc         uintptr
		want       slog.Level
	}{
		// The default.
		{"default", "warn", nil, testPC, warn},
		{"default in a span", "warn", []span{checkout}, testPC, warn},

		// TARGET=LEVEL: a package and those under it, on slash boundaries.
		{"package", "warn," + sitePkg + "=debug", nil, sitePC, debug},
		{"other package", "warn," + sitePkg + "=debug", nil, testPC, warn},
		{"package above", "warn,github.com/spanlog/spanlog/levels=debug", nil, sitePC, debug},
		{"prefix not on a slash", "warn,github.com/spanlog/spanlog/levels/internal/call=debug", nil, sitePC, warn},
		{"longest target wins", "warn,github.com/spanlog/spanlog=error," + sitePkg + "=debug", nil, sitePC, debug},
		{"longest target wins, in any order", sitePkg + "=debug,github.com/spanlog/spanlog=error", nil, sitePC, debug},
		{"shorter target where the longer does not match", "github.com/spanlog/spanlog=error," + sitePkg + "=debug", nil, testPC, errl},
		{"no PC, no package", "warn," + sitePkg + "=debug", nil, 0, warn},

		// [SPAN]=LEVEL, in the span and in spans under it.
		{"span", "warn,[checkout]=debug", []span{checkout}, testPC, debug},
		{"outside the span", "warn,[checkout]=debug", []span{{"other", nil}}, testPC, warn},
		{"under the span", "warn,[checkout]=debug", []span{checkout, {"load_cart", nil}, {"query", nil}}, testPC, debug},
		{"span without PC", "warn,[checkout]=debug", []span{checkout}, 0, debug},
		{"span off", "debug,[health]=off", []span{{"health", nil}}, testPC, levels.Off},

		// [SPAN{field=value}] and [{field=value}].
		{"span and field", "warn,[checkout{user.id=42}]=debug",
			[]span{{"checkout", []attribute.KeyValue{attribute.Int("user.id", 42)}}}, testPC, debug},
		{"span and other field value", "warn,[checkout{user.id=42}]=debug",
			[]span{{"checkout", []attribute.KeyValue{attribute.Int("user.id", 7)}}}, testPC, warn},
		{"field, string value", "warn,[{tenant=acme}]=debug",
			[]span{{"any", []attribute.KeyValue{attribute.String("tenant", "acme")}}}, testPC, debug},
		{"field, bool value", "warn,[{beta=true}]=debug",
			[]span{{"any", []attribute.KeyValue{attribute.Bool("beta", true)}}}, testPC, debug},
		{"field, float value", "warn,[{ratio=0.5}]=debug",
			[]span{{"any", []attribute.KeyValue{attribute.Float64("ratio", 0.5)}}}, testPC, debug},
		{"every field must match", "warn,[{a=1,b=2}]=debug",
			[]span{{"any", []attribute.KeyValue{attribute.Int("a", 1)}}}, testPC, warn},
		{"inherited field", "warn,[load_cart{tenant=acme}]=debug",
			[]span{{"checkout", []attribute.KeyValue{attribute.String("tenant", "acme")}}, {"load_cart", nil}}, testPC, debug},

		// TARGET[SPAN]=LEVEL: that package's lines, inside the span.
		{"package in span", "warn," + sitePkg + "[checkout]=debug", []span{checkout}, sitePC, debug},
		{"other package in span", "warn," + sitePkg + "[checkout]=debug", []span{checkout}, testPC, warn},
		{"package outside span", "warn," + sitePkg + "[checkout]=debug", nil, sitePC, warn},
		{"package in span, no PC", "warn," + sitePkg + "[checkout]=debug", []span{checkout}, 0, warn},

		// Rule 1: a span directive over a directive without [...].
		{"span over package", "debug," + sitePkg + "=debug,[checkout]=error", []span{checkout}, sitePC, errl},
		// Rule 2: the longest TARGET among span directives.
		{"package span over bare span", "warn,[checkout]=error," + sitePkg + "[checkout]=debug", []span{checkout}, sitePC, debug},
		{"bare span for other packages", "warn,[checkout]=error," + sitePkg + "[checkout]=debug", []span{checkout}, testPC, errl},
		{"longest target before nearest span", "warn," + sitePkg + "[outer]=debug,[inner]=error",
			[]span{{"outer", nil}, {"inner", nil}}, sitePC, debug},
		// Rule 3: the nearest span.
		{"inner span wins", "info,[checkout]=debug,[health]=error", []span{checkout, {"health", nil}}, testPC, errl},
		{"inner span wins, other nesting", "info,[checkout]=debug,[health]=error", []span{{"health", nil}, checkout}, testPC, debug},
		// An inherited field makes a field directive match the inner span
		// itself, so rules 4 and 5 decide there.
		{"inherited field matches the inner span too", "info,[{tenant=acme}]=debug,[db]=error",
			[]span{{"req", []attribute.KeyValue{attribute.String("tenant", "acme")}}, {"db", nil}}, testPC, debug},
		{"inner span with more conditions", "info,[{tenant=acme}]=debug,[db{tenant=acme}]=error",
			[]span{{"req", []attribute.KeyValue{attribute.String("tenant", "acme")}}, {"db", nil}}, testPC, errl},
		{"inner span over a field on the outer only", "info,[{tenant=acme}]=debug,[db]=error",
			[]span{{"req", []attribute.KeyValue{attribute.String("tenant", "acme")}}, {"db", []attribute.KeyValue{attribute.String("tenant", "other")}}}, testPC, errl},
		// Rule 4: more conditions.
		{"name and field over name", "info,[checkout]=debug,[checkout{user.id=42}]=error",
			[]span{{"checkout", []attribute.KeyValue{attribute.Int("user.id", 42)}}}, testPC, errl},
		{"two fields over one", "info,[{a=1}]=debug,[{a=1,b=2}]=error",
			[]span{{"s", []attribute.KeyValue{attribute.Int("a", 1), attribute.Int("b", 2)}}}, testPC, errl},
		// Rule 5: the lower level.
		{"lower level on a tie", "info,[checkout]=error,[{tenant=acme}]=debug",
			[]span{{"checkout", []attribute.KeyValue{attribute.String("tenant", "acme")}}}, testPC, debug},
		{"lower level on a tie, other order", "info,[{tenant=acme}]=debug,[checkout]=error",
			[]span{{"checkout", []attribute.KeyValue{attribute.String("tenant", "acme")}}}, testPC, debug},
	} {
		t.Run(c.name, func(t *testing.T) {
			sw := newSwitch(t, c.directives)
			tracer := newProvider(t, sw, nil).Tracer("test")
			ctx := startNested(t, context.Background(), tracer, c.spans...)
			if got := sw.EventLevel(c.pc, trace.SpanFromContext(ctx)); got != c.want {
				t.Errorf("EventLevel under %q = %v, want %v", c.directives, got, c.want)
			}
		})
	}
}

func TestEventLevelWithoutSpans(t *testing.T) {
	sw := newSwitch(t, "warn,[checkout]=debug,"+testPkg+"=error")
	pc := here()
	for name, span := range map[string]trace.Span{
		"nil span":           nil,
		"context without":    trace.SpanFromContext(context.Background()),
		"remote span":        trace.SpanFromContext(trace.ContextWithRemoteSpanContext(context.Background(), remoteSC())),
		"SDK span, no scope": trace.SpanFromContext(startNested(t, context.Background(), newProvider(t, sw, nil).Tracer("t"), span{"other", nil})),
	} {
		if got := sw.EventLevel(pc, span); got != errl {
			t.Errorf("%s: EventLevel = %v, want the package's %v", name, got, errl)
		}
		if got := sw.EventLevel(0, span); got != warn {
			t.Errorf("%s: EventLevel without PC = %v, want the default %v", name, got, warn)
		}
	}
}

func remoteSC() trace.SpanContext {
	return trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: trace.TraceID{1}, SpanID: trace.SpanID{2}, TraceFlags: trace.FlagsSampled, Remote: true,
	})
}

// TestEscapedPackagePath checks that a package whose last path element
// holds a dot is matched by its import path, not the linker's escape.
func TestEscapedPackagePath(t *testing.T) {
	sw := newSwitch(t, "warn,github.com/spanlog/spanlog/levels/internal/callsite.v2=debug")
	if got := sw.EventLevel(callsitev2.PC(), nil); got != debug {
		t.Errorf("EventLevel = %v, want %v", got, debug)
	}
}

func TestPackagePath(t *testing.T) {
	for fn, want := range map[string]string{
		"main.main":                        "main",
		"example.com/app/db.(*Conn).Query": "example.com/app/db",
		"example.com/app/db.Open.func1":    "example.com/app/db",
		"github.com/x/y.v2/pkg.F":          "github.com/x/y.v2/pkg",
		"":                                 "",
	} {
		if got := levels.PackagePath(fn); got != want {
			t.Errorf("PackagePath(%q) = %q, want %q", fn, got, want)
		}
	}
}

func TestFloor(t *testing.T) {
	for _, c := range []struct {
		directives string
		want       slog.Level
	}{
		{"warn", warn},
		{"warn,a=debug", debug},
		{"debug,a=error", debug},
		{"warn,[s]=debug-4", debug - 4},
		{"error,a=off,[s]=warn", warn},
		{"off", levels.Off},
		{"off,[s]=off", levels.Off},
		{"a=error", info}, // the Switch's default, INFO
	} {
		if got := newSwitch(t, c.directives).Floor(); got != c.want {
			t.Errorf("Floor under %q = %v, want %v", c.directives, got, c.want)
		}
	}
}

func TestDefaultLevelOfTheSwitch(t *testing.T) {
	var lv slog.LevelVar
	lv.Set(slog.LevelWarn)
	sw := newSwitch(t, "a=debug", levels.WithDefaultLevel(&lv))
	if got := sw.EventLevel(here(), nil); got != warn {
		t.Errorf("EventLevel = %v, want the LevelVar's %v", got, warn)
	}
	lv.Set(slog.LevelError)
	if got, floor := sw.EventLevel(here(), nil), sw.Floor(); got != errl || floor != debug {
		t.Errorf("after LevelVar.Set: EventLevel = %v, Floor = %v; want %v, %v", got, floor, errl, debug)
	}
	// A default in the directives wins over the Switch's.
	sw = newSwitch(t, "info,a=debug", levels.WithDefaultLevel(&lv))
	if got := sw.EventLevel(here(), nil); got != info {
		t.Errorf("EventLevel = %v, want the directives' default %v", got, info)
	}
	// A Switch without directives gives its default everywhere.
	sw = levels.NewSwitch(nil, levels.WithDefaultLevel(slog.LevelWarn))
	if got, floor := sw.EventLevel(here(), nil), sw.Floor(); got != warn || floor != warn {
		t.Errorf("no directives: EventLevel = %v, Floor = %v; want %v", got, floor, warn)
	}
}

func TestEnabledBeforeTheCallSiteIsKnown(t *testing.T) {
	acme := []attribute.KeyValue{attribute.String("tenant", "acme")}
	for _, c := range []struct {
		name       string
		directives string
		spans      []span
		level      slog.Level
		want       bool
	}{
		{"below the floor", "info,a=warn", nil, debug, false},
		{"at the default", "info,a=warn", nil, info, true},
		{"a package could enable it", "info,a=debug", nil, debug, true},
		{"only span directives, no span", "info,[checkout]=debug", nil, debug, false},
		{"only span directives, other span", "info,[checkout]=debug", []span{{"other", nil}}, debug, false},
		{"only span directives, in the span", "info,[checkout]=debug", []span{{"checkout", nil}}, debug, true},
		{"only span directives, under the span", "info,[checkout]=debug", []span{{"checkout", nil}, {"db", nil}}, debug, true},
		{"the span's directive is above the level", "info,[checkout]=warn,[{tenant=acme}]=debug", []span{{"checkout", nil}}, debug, false},
		{"a package-scoped span directive could enable it", "info,a[checkout]=debug", []span{{"checkout", nil}}, debug, true},
		{"field match", "info,[{tenant=acme}]=debug", []span{{"req", acme}}, debug, true},
		{"off everywhere", "off", nil, slog.LevelError, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			sw := newSwitch(t, c.directives)
			ctx := startNested(t, context.Background(), newProvider(t, sw, nil).Tracer("app"), c.spans...)
			if got := sw.Enabled(ctx, c.level); got != c.want {
				t.Errorf("Enabled(%v) under %q = %v, want %v", c.level, c.directives, got, c.want)
			}
		})
	}
	sw := newSwitch(t, "info,[checkout]=debug")
	//lint:ignore SA1012 a nil context must not panic
	if sw.Enabled(nil, debug) {
		t.Error("Enabled(nil ctx, debug) with span directives only")
	}
}
