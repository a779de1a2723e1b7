package levels_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/spanlog/spanlog/levels"
	"go.opentelemetry.io/otel/trace"
)

// TestConcurrentSafeQueriesWhileDirectivesChange runs queries, spans and
// log calls on several goroutines while another keeps replacing the
// directives (with and without span directives, permanently and with a
// ttl). Run with -race; every answer must be one some directives give.
func TestConcurrentSafeQueriesWhileDirectivesChange(t *testing.T) {
	sets := []string{
		"info,[checkout]=debug," + testPkg + "=warn",
		"error," + testPkg + "=error,[checkout]=error",
		"debug",
	}
	sw := newSwitch(t, sets[0], levels.WithClock(newFakeClock()), levels.WithMaxSpans(256))
	tracer := newProvider(t, sw, newSpanLevels(sw)).Tracer("app")
	log, _ := newLogger(sw)
	// A checkout span's event from this package: debug (its scope), warn
	// (a span started under other directives has none), error or debug.
	allowed := map[slog.Level]bool{debug: true, warn: true, errl: true}
	floors := map[slog.Level]bool{}
	for _, set := range sets {
		floors[newSwitch(t, set).Floor()] = true
	}

	const rounds = 1000 // per querying goroutine
	var queries, setter sync.WaitGroup
	done := make(chan struct{})
	setter.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-done:
				return
			default:
			}
			ttl := time.Duration(i%2) * time.Minute
			if _, err := sw.Set(sets[i%len(sets)], ttl); err != nil {
				t.Error(err)
				return
			}
		}
	})
	for range 4 {
		queries.Go(func() {
			for i := range rounds {
				ctx, s := tracer.Start(context.Background(), "checkout")
				_, child := tracer.Start(ctx, "load")
				pc := here()
				if got := sw.EventLevel(pc, trace.SpanFromContext(ctx)); !allowed[got] {
					t.Errorf("EventLevel = %v, which no directives give", got)
				}
				if got := sw.Floor(); !floors[got] {
					t.Errorf("Floor = %v, which no directives give", got)
				}
				log.DebugContext(ctx, "debug")
				log.InfoContext(ctx, "info", "i", i)
				child.End()
				s.End()
			}
		})
	}
	queries.Wait()
	close(done)
	setter.Wait()
}
