package spanlog_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/spanlog/spanlog"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// hermeticEnv clears the variables that would add OTLP exporters to New.
func hermeticEnv(t *testing.T) {
	t.Helper()
	for _, k := range []string{
		"OTEL_EXPORTER_OTLP_ENDPOINT",
		"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
		"OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
	} {
		t.Setenv(k, "")
	}
}

// lineCounter counts the lines and the writes it is given, keeping none.
type lineCounter struct {
	mu      sync.Mutex
	lines   int
	writes  int
	partial int // writes not ending in a newline
}

func (c *lineCounter) Write(p []byte) (int, error) {
	n := bytes.Count(p, []byte{'\n'})
	c.mu.Lock()
	c.lines += n
	c.writes++
	if len(p) == 0 || p[len(p)-1] != '\n' {
		c.partial++
	}
	c.mu.Unlock()
	return len(p), nil
}

// TestConcurrentSpansEveryLineWritten runs 8 goroutines of 10,000 spans
// each, with one log line inside every span, and checks no line is lost or
// split: new_span, the log line and close_span, each in one Write.
func TestConcurrentSpansEveryLineWritten(t *testing.T) {
	const (
		goroutines = 8
		perG       = 10_000
	)
	hermeticEnv(t)
	var out lineCounter
	p, err := spanlog.New(context.Background(), spanlog.WithWriter(&out))
	if err != nil {
		t.Fatal(err)
	}
	tracer := p.TracerProvider().Tracer("concurrency")
	log := p.Logger()

	start := time.Now()
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range perG {
				ctx, span := tracer.Start(context.Background(), "op")
				log.InfoContext(ctx, "inside", "g", g, "i", i)
				span.End()
			}
		})
	}
	wg.Wait()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := p.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	t.Logf("%d spans in %v", goroutines*perG, time.Since(start))

	out.mu.Lock()
	defer out.mu.Unlock()
	if want := goroutines * perG * 3; out.lines != want {
		t.Errorf("%d lines, want %d", out.lines, want)
	}
	if out.writes != out.lines || out.partial != 0 {
		t.Errorf("%d writes for %d lines, %d not ending a line; want one whole line per write",
			out.writes, out.lines, out.partial)
	}
}

// watchedExporter wraps the in-memory exporter to see when spans arrive
// relative to its Shutdown, which clears the in-memory spans.
type watchedExporter struct {
	inner *tracetest.InMemoryExporter

	mu                  sync.Mutex
	exported            int
	shutdowns           int
	exportAfterShutdown int
}

func (e *watchedExporter) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	e.mu.Lock()
	e.exported += len(spans)
	if e.shutdowns > 0 {
		e.exportAfterShutdown++
	}
	e.mu.Unlock()
	return e.inner.ExportSpans(ctx, spans)
}

func (e *watchedExporter) Shutdown(ctx context.Context) error {
	e.mu.Lock()
	e.shutdowns++
	e.mu.Unlock()
	return e.inner.Shutdown(ctx)
}

func (e *watchedExporter) counts() (exported, shutdowns, afterShutdown int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.exported, e.shutdowns, e.exportAfterShutdown
}

// TestFlushAndShutdownWhileSpansEnd calls ForceFlush in a loop and
// Shutdown twice at once while goroutines keep starting and ending spans,
// including spans started before Shutdown and ended after it. Nothing may
// panic or deadlock, Shutdown returns nil or its context's error, and the
// exporter gets nothing once shut down.
func TestFlushAndShutdownWhileSpansEnd(t *testing.T) {
	const (
		workers    = 4
		warmUp     = 200 // spans each worker ends before Shutdown starts
		afterwards = 100 // spans each worker runs after Shutdown returned
	)
	hermeticEnv(t)
	exp := &watchedExporter{inner: tracetest.NewInMemoryExporter()}
	p, err := spanlog.New(context.Background(), spanlog.WithWriter(io.Discard), spanlog.WithSpanExporter(exp))
	if err != nil {
		t.Fatal(err)
	}
	tracer := p.TracerProvider().Tracer("concurrency")
	log := p.Logger()

	var (
		shutdownErrs  [2]error
		exportedAtEnd int
	)
	done := make(chan struct{})
	go func() {
		defer close(done)
		stop := make(chan struct{})
		var ready, workersDone sync.WaitGroup
		ready.Add(workers)
		for range workers {
			workersDone.Go(func() {
				_, held := tracer.Start(context.Background(), "held")
				defer held.End() // after Shutdown
				span := func() {
					ctx, s := tracer.Start(context.Background(), "op")
					log.InfoContext(ctx, "inside")
					s.End()
				}
				for i := 0; ; i++ {
					if i == warmUp {
						ready.Done()
					}
					if i >= warmUp {
						select {
						case <-stop:
							for range afterwards {
								span()
							}
							return
						default:
						}
					}
					span()
				}
			})
		}
		flusherDone := make(chan struct{})
		go func() {
			defer close(flusherDone)
			for {
				select {
				case <-stop:
					return
				default:
				}
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				_ = p.ForceFlush(ctx) // may fail once shut down; must not panic or hang
				cancel()
			}
		}()

		ready.Wait()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		var shutdowns sync.WaitGroup
		for i := range shutdownErrs {
			shutdowns.Go(func() { shutdownErrs[i] = p.Shutdown(ctx) })
		}
		shutdowns.Wait()
		exportedAtEnd, _, _ = exp.counts()
		close(stop)
		workersDone.Wait()
		<-flusherDone
	}()

	select {
	case <-done:
	case <-time.After(30 * time.Second):
		buf := make([]byte, 1<<20)
		t.Fatalf("deadlock: not done after 30s; goroutines:\n%s", buf[:runtime.Stack(buf, true)])
	}

	for i, err := range shutdownErrs {
		if err != nil && !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) {
			t.Errorf("Shutdown call %d: %v, want nil or the context's error", i, err)
		}
	}
	if shutdownErrs[0] != shutdownErrs[1] {
		t.Errorf("concurrent Shutdown calls returned %v and %v, want the same result", shutdownErrs[0], shutdownErrs[1])
	}
	exported, shutdowns, after := exp.counts()
	if shutdowns != 1 {
		t.Errorf("exporter shut down %d times, want 1", shutdowns)
	}
	if after != 0 {
		t.Errorf("%d exports after the exporter's Shutdown", after)
	}
	if exported != exportedAtEnd {
		t.Errorf("%d spans exported after Shutdown returned", exported-exportedAtEnd)
	}
	if exported == 0 {
		t.Error("no span exported: Shutdown flushed nothing")
	}
	if err := p.Shutdown(context.Background()); err != shutdownErrs[0] {
		t.Errorf("Shutdown again = %v, want the first result %v", err, shutdownErrs[0])
	}
}
