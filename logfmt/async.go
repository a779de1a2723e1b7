package logfmt

import (
	"context"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel"
)

// AsyncCloseTimeout is how long Close waits for the queued lines to be
// written before it gives up on them.
const AsyncCloseTimeout = 5 * time.Second

// AsyncWriter takes writes without blocking and hands them to the
// underlying writer on a goroutine of its own, through a queue of bounded
// length. When the queue is full a write is dropped and counted, never
// waited for: a slow or stuck writer costs lines, not the host's latency.
// Each Write must be one whole line, as the Handler and SpanProcessor make
// them.
//
// Every line Write is given ends up counted exactly once: Written (the
// underlying writer took all of it), Failed (it returned an error, took
// only part of the line, or panicked; the panic is recovered) or Dropped
// (the queue was full, the writer was closed, or Shutdown gave up on it).
// Once Shutdown or Close has returned nil, Written + Failed + Dropped
// equals the number of Write calls. Failures are reported through
// otel.Handle, once per run of failures. An AsyncWriter is safe for
// concurrent use.
type AsyncWriter struct {
	w       io.Writer
	queue   chan []byte
	done    chan struct{}
	closed  atomic.Bool
	abandon atomic.Bool  // Shutdown gave up: drop what is queued
	mu      sync.RWMutex // writers hold it shared; Shutdown holds it to close the queue

	written atomic.Uint64
	dropped atomic.Uint64
	failed  atomic.Uint64
	failing bool // touched by the writing goroutine only
}

// NewAsyncWriter starts an AsyncWriter in front of w holding up to queue
// lines (at least 1).
func NewAsyncWriter(w io.Writer, queue int) *AsyncWriter {
	a := &AsyncWriter{w: w, queue: make(chan []byte, max(queue, 1)), done: make(chan struct{})}
	go a.drain()
	return a
}

// Write queues a copy of p and returns len(p), nil, or drops p when the
// queue is full or the writer is closed. It never blocks on the underlying
// writer.
func (a *AsyncWriter) Write(p []byte) (int, error) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	if a.closed.Load() {
		a.dropped.Add(1)
		return len(p), nil
	}
	select {
	case a.queue <- append([]byte(nil), p...):
	default:
		a.dropped.Add(1)
	}
	return len(p), nil
}

func (a *AsyncWriter) drain() {
	defer close(a.done)
	for line := range a.queue {
		if a.abandon.Load() {
			a.dropped.Add(1)
			continue
		}
		if err := a.writeLine(line); err != nil {
			a.failed.Add(1)
			if !a.failing {
				a.failing = true
				otel.Handle(err)
			}
			continue
		}
		a.failing = false
		a.written.Add(1)
	}
}

// writeLine writes one line to the underlying writer. A short write
// without an error is io.ErrShortWrite, and a panic is an error.
func (a *AsyncWriter) writeLine(line []byte) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("logfmt: async writer: underlying writer panicked: %v", v)
		}
	}()
	return writeWhole(a.w, line)
}

// Shutdown stops taking lines and writes those queued, returning when done
// or when ctx is done. In that case, the lines still queued are dropped
// (counted as such once the writer returns from the line it is on) and
// ctx's error is returned: a stuck underlying writer holds up neither
// Shutdown nor its caller. Later calls wait again for the same lines.
func (a *AsyncWriter) Shutdown(ctx context.Context) error {
	a.mu.Lock()
	if !a.closed.Swap(true) {
		close(a.queue)
	}
	a.mu.Unlock()
	select {
	case <-a.done:
		return nil
	case <-ctx.Done():
		a.abandon.Store(true)
		return ctx.Err()
	}
}

// Close is Shutdown with a deadline AsyncCloseTimeout from now.
func (a *AsyncWriter) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), AsyncCloseTimeout)
	defer cancel()
	return a.Shutdown(ctx)
}

// Written counts the lines the underlying writer took whole.
func (a *AsyncWriter) Written() uint64 { return a.written.Load() }

// Dropped counts the lines dropped because the queue was full, the writer
// was closed, or Shutdown gave up before they were written.
func (a *AsyncWriter) Dropped() uint64 { return a.dropped.Load() }

// Failed counts the lines the underlying writer failed: an error, a short
// write or a panic.
func (a *AsyncWriter) Failed() uint64 { return a.failed.Load() }
