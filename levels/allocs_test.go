//go:build !race

package levels_test

import (
	"context"
	"log/slog"
	"testing"

	"github.com/spanlog/spanlog/levels/internal/callsite"
	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// TestQueriesDoNotAllocate checks the queries a handler and a span
// printer make, once a call site has been seen, with directives of every
// kind in force.
func TestQueriesDoNotAllocate(t *testing.T) {
	sw := newSwitch(t, "info,"+sitePkg+"=debug,"+testPkg+"[checkout]=warn,[{tenant=acme}]=error")
	tracer := newProvider(t, sw, nil).Tracer("github.com/acme/app")
	ctx := startNested(t, context.Background(), tracer,
		span{"checkout", []attribute.KeyValue{attribute.String("tenant", "acme")}}, span{"load", nil})
	s := trace.SpanFromContext(ctx)
	ro := s.(sdktrace.ReadOnlySpan)
	testPC, sitePC := here(), callsite.PC()
	// A debug record from this package in that span passes the floor
	// (debug) and is dropped by Handle: its span directive says warn.
	log, buf := newLogger(sw)
	for name, query := range map[string]func(){
		"Floor":                 func() { _ = sw.Floor() },
		"Enabled":               func() { _ = sw.Enabled(ctx, slog.LevelDebug-4) },
		"EventLevel, no span":   func() { _ = sw.EventLevel(testPC, nil) },
		"EventLevel, span":      func() { _ = sw.EventLevel(testPC, s) },
		"EventLevel, site":      func() { _ = sw.EventLevel(sitePC, s) },
		"EventLevel, no PC":     func() { _ = sw.EventLevel(0, s) },
		"SpanLevel":             func() { _ = sw.SpanLevel(ro) },
		"disabled debug record": func() { log.LogAttrs(ctx, slog.LevelDebug, "dropped", slog.Int("n", 1)) },
	} {
		query() // the first call at a PC resolves it
		if n := testing.AllocsPerRun(100, query); n != 0 {
			t.Errorf("%s allocates %v times per call", name, n)
		}
	}
	if buf.Len() != 0 {
		t.Errorf("the debug record was written: %q", buf)
	}
}
