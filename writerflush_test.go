package spanlog_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spanlog/spanlog"
	"github.com/spanlog/spanlog/logfmt"
)

// Shutdown drains an AsyncWriter it was given, then closes it.
func TestShutdownDrainsAsyncWriter(t *testing.T) {
	hermeticEnv(t)
	out := &lockedBuffer{}
	aw := logfmt.NewAsyncWriter(out, 1000)
	p, err := spanlog.New(context.Background(), spanlog.WithWriter(aw))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 100 {
		p.Logger().Info("line", "i", i)
	}
	if err := p.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out.String(), "\n"); n != 100 || aw.Written() != 100 {
		t.Errorf("%d lines out, %d written, want 100 both: Shutdown did not drain the queue", n, aw.Written())
	}
	p.Logger().Info("after shutdown")
	if aw.Dropped() != 1 {
		t.Errorf("a line after Shutdown was not dropped by the closed writer (dropped %d)", aw.Dropped())
	}
}

// A stuck writer does not hold Shutdown past its budget.
func TestShutdownBoundsStuckAsyncWriter(t *testing.T) {
	hermeticEnv(t)
	gate := make(chan struct{})
	defer close(gate)
	aw := logfmt.NewAsyncWriter(writerFunc(func(p []byte) (int, error) { <-gate; return len(p), nil }), 10)
	p, err := spanlog.New(context.Background(), spanlog.WithWriter(aw), spanlog.WithShutdownTimeout(spanlog.DefaultShutdownTimeout/20))
	if err != nil {
		t.Fatal(err)
	}
	p.Logger().Info("stuck")
	p.Logger().Info("queued")
	if err := p.Shutdown(context.Background()); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Shutdown = %v, want the budget's deadline", err)
	}
}

// An *os.File is synced, never closed; a bufio.Writer is flushed.
func TestShutdownFlushesFilesAndBuffers(t *testing.T) {
	hermeticEnv(t)
	f, err := os.Create(filepath.Join(t.TempDir(), "log"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var under bytes.Buffer
	buffered := bufio.NewWriter(&under)
	for _, w := range []interface{ Write([]byte) (int, error) }{f, buffered} {
		p, err := spanlog.New(context.Background(), spanlog.WithWriter(w))
		if err != nil {
			t.Fatal(err)
		}
		p.Logger().Info("hello")
		if err := p.Shutdown(context.Background()); err != nil {
			t.Errorf("Shutdown = %v", err)
		}
	}
	if _, err := f.WriteString("still open\n"); err != nil {
		t.Errorf("Shutdown closed the file: %v", err)
	}
	if !strings.Contains(under.String(), "msg=hello") {
		t.Errorf("bufio.Writer not flushed: %q", under.String())
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
