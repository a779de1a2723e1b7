package logfmt

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel"
)

// writerFunc turns a func into an io.Writer.
type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// noDeadlock runs f and fails the test if it has not returned after a long
// while: a safety net that turns a deadlock into a failure, not a measure.
func noDeadlock(t *testing.T, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("deadlock: the write never returned")
	}
}

// A writer that logs through the same handler (as one logging through
// slog.Default after spanlog's Install does) gets its nested line dropped
// and counted; the outer line is written.
func TestSyncWriterNestedWriteIsDroppedNotDeadlocked(t *testing.T) {
	var out bytes.Buffer
	var log *slog.Logger
	sw := NewSyncWriter(writerFunc(func(p []byte) (int, error) {
		log.Warn("the writer itself logs")
		return out.Write(p)
	}))
	log = slog.New(NewHandler(sw, nil))
	noDeadlock(t, func() { log.Info("outer") })
	if got := out.String(); !strings.Contains(got, "msg=outer") || strings.Contains(got, "itself") {
		t.Errorf("wrote %q, want the outer line only", got)
	}
	if sw.NestedDropped() != 1 {
		t.Errorf("NestedDropped = %d, want 1", sw.NestedDropped())
	}
}

// The span printer reports a failed write through otel.Handle; an error
// handler logging to the same writer from inside Write must not deadlock.
func TestSyncWriterNestedErrorHandlerDoesNotDeadlock(t *testing.T) {
	var out bytes.Buffer
	sw := NewSyncWriter(writerFunc(func(p []byte) (int, error) {
		otel.Handle(errors.New("disk nearly full"))
		return out.Write(p)
	}))
	log := slog.New(NewHandler(sw, nil))
	setErrorHandler(t, func(err error) { log.Error("otel", "err", err) })
	noDeadlock(t, func() { log.Info("outer") })
	if sw.NestedDropped() != 1 || !strings.Contains(out.String(), "msg=outer") {
		t.Errorf("NestedDropped %d, out %q", sw.NestedDropped(), out.String())
	}
}

// Other goroutines still wait their turn: only the same goroutine's nested
// write is dropped.
func TestSyncWriterConcurrentWritesAllLand(t *testing.T) {
	var mu sync.Mutex
	var lines int
	sw := NewSyncWriter(writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		lines++
		mu.Unlock()
		return len(p), nil
	}))
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 1000 {
				if _, err := sw.Write([]byte("x\n")); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if lines != 8000 || sw.NestedDropped() != 0 {
		t.Errorf("%d lines, %d nested, want 8000 and 0", lines, sw.NestedDropped())
	}
}

func TestSyncWriterRecoversWriterPanic(t *testing.T) {
	calls := 0
	sw := NewSyncWriter(writerFunc(func(p []byte) (int, error) {
		calls++
		if calls == 1 {
			panic("broken writer")
		}
		return len(p), nil
	}))
	log := NewHandler(sw, nil)
	if err := log.Handle(t.Context(), slog.NewRecord(time.Now(), slog.LevelInfo, "one", 0)); err == nil || !strings.Contains(err.Error(), "broken writer") {
		t.Errorf("Handle = %v, want the panic as an error", err)
	}
	noDeadlock(t, func() { // a lock left held would hang this write
		if _, err := sw.Write([]byte("two\n")); err != nil {
			t.Errorf("write after the panic: %v", err)
		}
	})
}

// mutexWriter is the plain locked writer SyncWriter's re-entry detection
// and panic recovery are measured against.
type mutexWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (m *mutexWriter) Write(p []byte) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.w.Write(p)
}

func BenchmarkSyncWriter(b *testing.B) {
	line := []byte("level=INFO msg=hello\n")
	for _, c := range []struct {
		name string
		w    io.Writer
	}{
		{"impl=mutex", &mutexWriter{w: io.Discard}},
		{"impl=SyncWriter", NewSyncWriter(io.Discard)},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = c.w.Write(line)
			}
		})
	}
}
