package logfmttest

import (
	"context"
	"sync"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

func TestIDGeneratorSequential(t *testing.T) {
	ctx := context.Background()
	g := NewIDGenerator()

	tid, sid := g.NewIDs(ctx)
	checkID(t, "first trace id", tid.String(), "00000000000000000000000000000001")
	checkID(t, "first span id", sid.String(), "0000000000000001")

	sid = g.NewSpanID(ctx, tid)
	checkID(t, "child span id", sid.String(), "0000000000000002")

	tid, sid = g.NewIDs(ctx)
	checkID(t, "second trace id", tid.String(), "00000000000000000000000000000002")
	checkID(t, "third span id", sid.String(), "0000000000000003")
}

func TestIDGeneratorZeroValue(t *testing.T) {
	var g IDGenerator
	tid, sid := g.NewIDs(context.Background())
	checkID(t, "trace id", tid.String(), "00000000000000000000000000000001")
	checkID(t, "span id", sid.String(), "0000000000000001")
}

func TestIDGeneratorWithTracerProvider(t *testing.T) {
	tp := sdktrace.NewTracerProvider(sdktrace.WithIDGenerator(NewIDGenerator()))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	tr := tp.Tracer("test")

	ctx, root := tr.Start(context.Background(), "root")
	_, child := tr.Start(ctx, "child")
	_, other := tr.Start(context.Background(), "other root")
	for _, s := range []trace.Span{child, root, other} {
		s.End()
	}

	for _, c := range []struct {
		name       string
		span       trace.Span
		trace, sid string
	}{
		{"root", root, "00000000000000000000000000000001", "0000000000000001"},
		{"child", child, "00000000000000000000000000000001", "0000000000000002"},
		{"other root", other, "00000000000000000000000000000002", "0000000000000003"},
	} {
		sc := c.span.SpanContext()
		checkID(t, c.name+" trace id", sc.TraceID().String(), c.trace)
		checkID(t, c.name+" span id", sc.SpanID().String(), c.sid)
	}
}

func TestIDGeneratorConcurrent(t *testing.T) {
	const goroutines, perGoroutine = 8, 500
	ctx := context.Background()
	g := NewIDGenerator()

	var (
		mu     sync.Mutex
		traces = make(map[trace.TraceID]bool)
		spans  = make(map[trace.SpanID]bool)
		wg     sync.WaitGroup
	)
	for range goroutines {
		wg.Go(func() {
			for range perGoroutine {
				tid, sid := g.NewIDs(ctx)
				sid2 := g.NewSpanID(ctx, tid)
				mu.Lock()
				if traces[tid] {
					t.Errorf("trace id %s handed out twice", tid)
				}
				for _, s := range []trace.SpanID{sid, sid2} {
					if spans[s] {
						t.Errorf("span id %s handed out twice", s)
					}
					spans[s] = true
				}
				traces[tid] = true
				mu.Unlock()
			}
		})
	}
	wg.Wait()

	if got, want := len(traces), goroutines*perGoroutine; got != want {
		t.Errorf("got %d distinct trace ids, want %d", got, want)
	}
	if got, want := len(spans), 2*goroutines*perGoroutine; got != want {
		t.Errorf("got %d distinct span ids, want %d", got, want)
	}
	// The ids are exactly 1..n: no gaps, nothing zero.
	tid, sid := g.NewIDs(ctx)
	checkID(t, "next trace id", tid.String(), "00000000000000000000000000000fa1")
	checkID(t, "next span id", sid.String(), "0000000000001f41")
}

func checkID(t *testing.T, what, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %s, want %s", what, got, want)
	}
}
