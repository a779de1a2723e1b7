package logfmt

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
)

// slowWriter takes lines one at a time, only when the test lets it.
type slowWriter struct {
	mu    sync.Mutex
	gate  chan struct{}
	lines [][]byte
}

func (w *slowWriter) Write(p []byte) (int, error) {
	<-w.gate
	w.mu.Lock()
	defer w.mu.Unlock()
	w.lines = append(w.lines, append([]byte(nil), p...))
	return len(p), nil
}

func TestAsyncWriterAccountsForEveryLine(t *testing.T) {
	slow := &slowWriter{gate: make(chan struct{})}
	aw := NewAsyncWriter(slow, 8)
	log := slog.New(NewHandler(aw, nil))
	const goroutines, perG = 4, 500
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range perG {
				log.Info("line", "g", g, "i", i)
			}
		})
	}
	wg.Wait() // every Write returned while the writer was stuck: none blocked
	close(slow.gate)
	if err := aw.Close(); err != nil {
		t.Fatal(err)
	}
	if aw.Dropped() == 0 {
		t.Error("nothing dropped although the writer was stuck and the queue holds 8")
	}
	if got := aw.Written() + aw.Failed() + aw.Dropped(); got != goroutines*perG || aw.Failed() != 0 {
		t.Errorf("written %d + failed %d + dropped %d = %d, want %d, none failed", aw.Written(), aw.Failed(), aw.Dropped(), got, goroutines*perG)
	}
	if uint64(len(slow.lines)) != aw.Written() {
		t.Errorf("writer got %d lines, Written says %d", len(slow.lines), aw.Written())
	}
	decodeLines(t, bytes.Join(slow.lines, nil))
	_ = aw.Close() // idempotent
	if n, _ := aw.Write([]byte("late\n")); n != 5 || aw.Dropped() == 0 {
		t.Error("a write after Close was not counted as dropped")
	}
}

func TestAsyncWriterReportsFailuresOncePerRun(t *testing.T) {
	var mu sync.Mutex
	var reported int
	setErrorHandler(t, func(error) { mu.Lock(); reported++; mu.Unlock() })
	w := &countingWriter{err: errors.New("disk full")}
	aw := NewAsyncWriter(w, 100)
	for range 10 {
		_, _ = aw.Write([]byte("x\n"))
	}
	_ = aw.Close()
	if aw.Failed() != 10 || reported != 1 {
		t.Errorf("failed %d, reported %d; want 10 and 1", aw.Failed(), reported)
	}
}

// scriptedWriter answers each Write with the next step: "ok", "err",
// "short" (takes half, no error) or "panic"; then "ok" for the rest.
type scriptedWriter struct {
	steps []string
	lines [][]byte
}

func (w *scriptedWriter) Write(p []byte) (int, error) {
	step := "ok"
	if len(w.steps) > 0 {
		step, w.steps = w.steps[0], w.steps[1:]
	}
	switch step {
	case "err":
		return 0, errors.New("disk full")
	case "short":
		return len(p) / 2, nil
	case "panic":
		panic("writer broke")
	}
	w.lines = append(w.lines, append([]byte(nil), p...))
	return len(p), nil
}

// Every line is counted once: written whole, failed (error, short write,
// panic) or dropped; a panicking writer does not take the process down.
func TestAsyncWriterCountsEveryOutcome(t *testing.T) {
	var mu sync.Mutex
	var reported []error
	setErrorHandler(t, func(err error) { mu.Lock(); reported = append(reported, err); mu.Unlock() })
	w := &scriptedWriter{steps: []string{"ok", "err", "short", "ok", "panic", "ok"}}
	aw := NewAsyncWriter(w, 100)
	for range 6 {
		_, _ = aw.Write([]byte("line\n"))
	}
	if err := aw.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if aw.Written() != 3 || aw.Failed() != 3 || aw.Dropped() != 0 {
		t.Errorf("written %d failed %d dropped %d, want 3, 3, 0", aw.Written(), aw.Failed(), aw.Dropped())
	}
	if len(w.lines) != 3 {
		t.Errorf("underlying writer took %d whole lines, want 3", len(w.lines))
	}
	mu.Lock()
	defer mu.Unlock()
	// Two runs of failures: err+short, then panic.
	if len(reported) != 2 || !strings.Contains(reported[1].Error(), "writer broke") {
		t.Errorf("reported %v, want one error per run of failures, the panic among them", reported)
	}
}

// Shutdown gives up on a stuck writer when its ctx ends; what was queued
// is dropped, and the counts add up once the writer comes back.
func TestAsyncWriterShutdownGivesUpOnStuckWriter(t *testing.T) {
	stuck := &slowWriter{gate: make(chan struct{})}
	aw := NewAsyncWriter(stuck, 8)
	for range 5 {
		_, _ = aw.Write([]byte("line\n"))
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // the budget is spent: do not wait for the writer
	if err := aw.Shutdown(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Shutdown = %v, want ctx's error", err)
	}
	close(stuck.gate) // the writer comes back
	if err := aw.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := aw.Written() + aw.Failed() + aw.Dropped(); got != 5 || aw.Dropped() == 0 {
		t.Errorf("written %d failed %d dropped %d, want 5 in all, some dropped", aw.Written(), aw.Failed(), aw.Dropped())
	}
}
