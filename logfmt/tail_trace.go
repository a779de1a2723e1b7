package logfmt

import (
	"sync"
	"sync/atomic"
	"time"
)

// heldTrace holds the lines of one local root span's records.
type heldTrace struct {
	root    spanKey
	started time.Time // by the buffer's clock, for WithMaxTraceAge

	// Guarded by the TailBuffer's mu.
	spans      []spanKey // the tracked spans under this root, the root first
	fixed      [4]spanKey
	prev, next *heldTrace

	failed atomic.Bool // a span under the root failed, or an error was logged

	mu         sync.Mutex
	done       bool       // the root ended or was evicted: nothing more is held
	held       *heldLines // nil until the first record is held; its buf is counted in the buffer's used
	overLimit  int        // records dropped over WithRecordsPerTrace
	overMemory int        // records not held for WithHeldBytes
}

// heldLines are lines back to back in one buffer, oldest first. Dropping
// the oldest only moves first; the space is reclaimed once the dropped
// lines are as many as those kept.
type heldLines struct {
	buf   []byte
	ends  []int // where each line ends in buf
	first int   // index in ends of the oldest line kept
}

// start returns where the oldest line kept starts in buf.
func (h *heldLines) start() int {
	if h.first == 0 {
		return 0
	}
	return h.ends[h.first-1]
}

func (h *heldLines) len() int {
	if h == nil {
		return 0
	}
	return len(h.ends) - h.first
}

// line returns the i-th line kept, oldest first.
func (h *heldLines) line(i int) []byte {
	start := h.start()
	if i > 0 {
		start = h.ends[h.first+i-1]
	}
	return h.buf[start:h.ends[h.first+i]]
}

// dropOldest forgets the oldest line kept.
func (h *heldLines) dropOldest() { h.first++ }

// compact moves the lines kept to the front of buf, once the dropped ones
// are as many, and returns how many bytes it freed.
func (h *heldLines) compact() int {
	if h.first == 0 || h.first < h.len() {
		return 0
	}
	freed := h.start()
	h.buf = h.buf[:copy(h.buf, h.buf[freed:])]
	n := copy(h.ends, h.ends[h.first:])
	h.ends = h.ends[:n]
	for i := range h.ends {
		h.ends[i] -= freed
	}
	h.first = 0
	return freed
}

func (h *heldLines) add(line []byte) {
	h.buf = append(h.buf, line...)
	h.ends = append(h.ends, len(h.buf))
}

// heldPool recycles the buffers of traces that have ended, so holding a
// record costs a copy and, in the steady state, no allocation.
var heldPool = sync.Pool{New: func() any { return new(heldLines) }}

// maxPooledHeld keeps the buffer of one huge trace out of the pool.
const maxPooledHeld = 256 << 10

func putHeld(h *heldLines) {
	if h == nil || cap(h.buf) > maxPooledHeld || cap(h.ends) > maxPooledHeld/8 {
		return
	}
	*h = heldLines{buf: h.buf[:0], ends: h.ends[:0]}
	heldPool.Put(h)
}

// hold copies line, a line's pairs as Handler builds them, into t, dropping the oldest
// line when t holds max already. Nothing is held once t is done.
func (t *heldTrace) hold(b *TailBuffer, line []byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.done {
		return
	}
	if t.held == nil {
		t.held = heldPool.Get().(*heldLines)
	}
	if t.held.len() >= b.maxRecords {
		t.held.dropOldest()
		t.overLimit++
	}
	if freed := t.held.compact(); freed > 0 {
		b.release(freed)
	}
	if !b.reserve(len(line)) {
		t.overMemory++
		return
	}
	t.held.add(line)
}

// outcome is what a trace held when it was closed.
type outcome struct {
	lines      *heldLines // nil when nothing was held; give it back with putHeld
	overLimit  int
	overMemory int
}

func (o outcome) dropped() int { return o.overLimit + o.overMemory }

// close marks t done and takes what it held; the bytes are released. It
// returns false when t was closed already.
func (t *heldTrace) close(b *TailBuffer) (outcome, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.done {
		return outcome{}, false
	}
	t.done = true
	if t.held != nil {
		b.release(len(t.held.buf))
	}
	o := outcome{lines: t.held, overLimit: t.overLimit, overMemory: t.overMemory}
	t.held = nil
	return o, true
}
