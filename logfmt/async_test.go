package logfmt

import (
	"bytes"
	"errors"
	"log/slog"
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
	if got := aw.Written() + aw.Dropped(); got != goroutines*perG {
		t.Errorf("written %d + dropped %d = %d, want %d", aw.Written(), aw.Dropped(), got, goroutines*perG)
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
	restore := setErrorHandler(func(error) { mu.Lock(); reported++; mu.Unlock() })
	defer restore()
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
