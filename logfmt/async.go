package logfmt

import (
	"io"
	"sync"
	"sync/atomic"

	"go.opentelemetry.io/otel"
)

// AsyncWriter takes writes without blocking and hands them to the
// underlying writer on a goroutine of its own, through a queue of bounded
// length. When the queue is full a write is dropped and counted, never
// waited for: a slow or stuck writer costs lines, not the host's latency.
// Each Write must be one whole line, as the Handler and SpanProcessor make
// them.
//
// Written plus Dropped equals the writes made, once Close has returned.
// Errors from the underlying writer are reported through otel.Handle, once
// per run of failures. An AsyncWriter is safe for concurrent use.
type AsyncWriter struct {
	w      io.Writer
	queue  chan []byte
	done   chan struct{}
	closed atomic.Bool
	mu     sync.RWMutex // writers hold it shared; Close holds it to close the queue

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
		if _, err := a.w.Write(line); err != nil {
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

// Close stops taking lines, writes those queued, and returns when done.
// Later calls return at once.
func (a *AsyncWriter) Close() error {
	a.mu.Lock()
	if !a.closed.Swap(true) {
		close(a.queue)
	}
	a.mu.Unlock()
	<-a.done
	return nil
}

// Written counts the lines the underlying writer took.
func (a *AsyncWriter) Written() uint64 { return a.written.Load() }

// Dropped counts the lines dropped because the queue was full or the
// writer closed.
func (a *AsyncWriter) Dropped() uint64 { return a.dropped.Load() }

// Failed counts the lines the underlying writer returned an error for.
func (a *AsyncWriter) Failed() uint64 { return a.failed.Load() }
