package logfmt

import (
	"io"
	"sync"
)

// SyncWriter serializes writes to an io.Writer. Every spanlog line is one
// Write, so a Handler and a SpanProcessor that share one SyncWriter never
// interleave within a line, whatever the underlying writer does with
// concurrent calls.
//
// NewHandler and NewSpanProcessor wrap their writer in a SyncWriter unless
// it already is one: to share a writer between them, wrap it once and pass
// the same *SyncWriter to both (spanlog.New does this).
type SyncWriter struct {
	mu sync.Mutex
	w  io.Writer
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
// for concurrent use and blocks while another Write is in progress.
func (s *SyncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
