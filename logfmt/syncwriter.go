package logfmt

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"

	"github.com/spanlog/spanlog/internal/goid"
)

// ErrNestedWrite is what SyncWriter.Write returns for a line written from
// inside the underlying writer's own Write, on the same goroutine: for
// example a writer that logs through slog.Default, or reports an error
// through otel.Handle, once spanlog's pipeline is installed. The line is
// dropped and counted (see SyncWriter.NestedDropped); waiting for the lock
// instead would wait forever.
var ErrNestedWrite = errors.New("logfmt: line dropped: written from inside the writer's own Write")

// SyncWriter serializes writes to an io.Writer. Every spanlog line is one
// Write, so a Handler and a SpanProcessor that share one SyncWriter never
// interleave within a line, whatever the underlying writer does with
// concurrent calls.
//
// It never deadlocks its caller on a writer that logs: a Write made, on the
// same goroutine, from inside the underlying writer's Write is dropped,
// counted and answered with ErrNestedWrite. A panic in the underlying
// writer is recovered and returned as an error. (A writer that waits for
// another goroutine that logs can still deadlock; a writer must not.)
//
// NewHandler and NewSpanProcessor wrap their writer in a SyncWriter unless
// it already is one: to share a writer between them, wrap it once and pass
// the same *SyncWriter to both (spanlog.New does this).
type SyncWriter struct {
	mu     sync.Mutex
	owner  atomic.Uintptr // goroutine holding mu (goid.Current), 0 when free
	nested atomic.Uint64
	w      io.Writer
}

// NewSyncWriter returns w itself when it is already a *SyncWriter, and a new
// SyncWriter around w otherwise.
func NewSyncWriter(w io.Writer) *SyncWriter {
	if sw, ok := w.(*SyncWriter); ok {
		return sw
	}
	return &SyncWriter{w: w}
}

// Write writes p to the underlying writer while holding the lock. It is safe
// for concurrent use and blocks while another goroutine's Write is in
// progress. Called again from inside the underlying writer's Write on the
// same goroutine, it writes nothing and returns 0, ErrNestedWrite.
func (s *SyncWriter) Write(p []byte) (n int, err error) {
	g := goid.Current()
	if g != 0 && s.owner.Load() == g { // 0: the goroutine is unknown
		s.nested.Add(1)
		return 0, ErrNestedWrite
	}
	s.mu.Lock()
	s.owner.Store(g)
	defer func() {
		if v := recover(); v != nil {
			n, err = 0, fmt.Errorf("logfmt: writer panicked: %v", v)
		}
		s.owner.Store(0)
		s.mu.Unlock()
	}()
	return s.w.Write(p)
}

// NestedDropped counts the lines dropped because they were written from
// inside the underlying writer's own Write. It is safe for concurrent use.
func (s *SyncWriter) NestedDropped() uint64 { return s.nested.Load() }
