package main

import (
	"slices"
	"time"
)

// Limits that keep memory bounded whatever the input.
const (
	// maxOpenTraces is how many traces are held at once; past it the one
	// quiet the longest is printed as it is.
	maxOpenTraces = 100_000
	// maxLinesPerTrace is how many lines of one trace are kept; past it new
	// spans and events are counted, not kept, though the spans already kept
	// still close.
	maxLinesPerTrace = 10_000
	// recentTraces is how many printed trace ids are remembered, so that a
	// line arriving for one of them is shown as a continuation.
	recentTraces = 4096
)

// spanNode is one span of a trace being assembled.
type spanNode struct {
	id     spanID
	line   []byte // the kept part of its latest line: the close line once closed
	rec    record
	opened bool // new_span seen
	closed bool // close_span seen
	start  int64
	end    int64 // the close line's timestamp, or 0
	seq    int
}

// eventNode is one event line of a trace.
type eventNode struct {
	line []byte
	rec  record
	at   int64 // its timestamp, or the clock when it arrived
	seq  int
}

// why says why a trace is printed.
type why uint8

const (
	settled why = iota // every span closed, and the trace was quiet for the linger time
	evicted            // spans still open after the eviction timeout, or too many traces held
	ended              // spans still open when the input ended
)

// trace is a trace being assembled: everything its lines said so far.
type trace struct {
	id        traceID
	spans     map[spanID]*spanNode
	events    []*eventNode
	open      int  // spans opened and not closed
	failed    bool // some line of it is at ERROR
	continued bool // a part of it was printed before
	firstSeq  int
	lastSeen  int64 // the clock when its last line arrived
	kept      int   // lines kept
	dropped   int   // lines not kept: past maxLinesPerTrace
	why       why

	out        *outItem // its place in the output, until printed
	list       *traceList
	prev, next *trace
}

// assembler groups spanlog lines into traces and hands each trace to done
// once it is finished: when every span it opened has closed and no line of
// it arrived for linger, or when it was quiet for evictAfter with spans
// still open, or at the end of the input.
//
// Time is the input's own: the latest timestamp seen, moved on by advance
// while a followed input is quiet. The same input gives the same output
// however fast it is read. An assembler is not safe for concurrent use.
type assembler struct {
	linger, evictAfter int64 // µs
	keepFields         bool  // keep whole lines, for -fields
	begin, done        func(*trace)
	maxTraces          int // maxOpenTraces; smaller in tests

	traces        map[traceID]*trace
	settled, open traceList // ordered by lastSeen
	recent        recentSet
	now           int64 // µs since the Unix epoch
	seq           int
}

// newAssembler returns an assembler that calls begin when a trace starts
// and done when it is finished.
func newAssembler(linger, evictAfter time.Duration, keepFields bool, begin, done func(*trace)) *assembler {
	return &assembler{
		linger:     linger.Microseconds(),
		evictAfter: evictAfter.Microseconds(),
		keepFields: keepFields,
		begin:      begin,
		done:       done,
		traces:     make(map[traceID]*trace),
		recent:     newRecentSet(recentTraces),
		maxTraces:  maxOpenTraces,
	}
}

// add takes one span or event line with a trace id; r was read from line
// by classify. line is copied if kept.
func (a *assembler) add(line []byte, r *record) {
	if r.hasTime && r.micros > a.now {
		a.now = r.micros
	}
	a.seq++
	t := a.traces[r.trace]
	if t == nil {
		if len(a.traces) >= a.maxTraces {
			a.evictOldest()
		}
		t = &trace{id: r.trace, spans: make(map[spanID]*spanNode), firstSeq: a.seq, continued: a.recent.has(r.trace)}
		a.traces[r.trace] = t
		a.begin(t)
	}
	t.failed = t.failed || r.failed
	if r.kind == spanLine {
		a.addSpan(t, line, r)
	} else {
		a.addEvent(t, line, r)
	}
	t.lastSeen = a.now
	if t.open == 0 {
		a.settled.pushBack(t)
	} else {
		a.open.pushBack(t)
	}
	a.advance(a.now)
}

func (a *assembler) addSpan(t *trace, line []byte, r *record) {
	n := t.spans[r.span]
	if n == nil {
		if t.kept >= maxLinesPerTrace {
			t.dropped++
			return
		}
		t.kept++
		n = &spanNode{id: r.span, seq: a.seq, start: a.now}
		t.spans[r.span] = n
	}
	switch {
	case !r.closing && !n.opened && !n.closed:
		n.opened = true
		t.open++
		n.line, n.rec = a.keep(line, r)
		if r.hasTime {
			n.start = r.micros
		}
	case r.closing && !n.closed:
		if n.opened {
			t.open--
		} else if r.hasTime {
			n.start = r.micros - int64(r.latency*1000)
		}
		n.closed = true
		n.line, n.rec = a.keep(line, r)
		if r.hasTime {
			n.end = r.micros
		}
	}
}

func (a *assembler) addEvent(t *trace, line []byte, r *record) {
	if t.kept >= maxLinesPerTrace {
		t.dropped++
		return
	}
	t.kept++
	at := a.now
	if r.hasTime {
		at = r.micros
	}
	kept, rec := a.keep(line, r)
	t.events = append(t.events, &eventNode{line: kept, rec: rec, at: at, seq: a.seq})
}

// keep copies what the output needs of line, and returns the copy with r
// fitted to it: all of the line with -fields, else the line up to its
// stored fields, which are most of a line.
func (a *assembler) keep(line []byte, r *record) ([]byte, record) {
	rec := *r
	if !a.keepFields && !rec.fields.empty() {
		cut := rec.fields.start
		rec.clip(cut)
		line = line[:cut]
	}
	return slices.Clone(line), rec
}

// advance moves the clock to now, if that is later, and prints the traces
// that are finished by then.
func (a *assembler) advance(now int64) {
	if now > a.now {
		a.now = now
	}
	for t := a.settled.front(); t != nil && a.now-t.lastSeen >= a.linger; t = a.settled.front() {
		a.finish(t, settled)
	}
	for t := a.open.front(); t != nil && a.now-t.lastSeen >= a.evictAfter; t = a.open.front() {
		a.finish(t, evicted)
	}
}

// evictOldest prints the trace that has been quiet the longest.
func (a *assembler) evictOldest() {
	s, o := a.settled.front(), a.open.front()
	switch {
	case s != nil && (o == nil || s.lastSeen <= o.lastSeen):
		a.finish(s, settled)
	case o != nil:
		a.finish(o, evicted)
	}
}

// end prints every trace still held, in the order they first appeared.
func (a *assembler) end() {
	rest := make([]*trace, 0, len(a.traces))
	for _, t := range a.traces {
		rest = append(rest, t)
	}
	slices.SortFunc(rest, func(x, y *trace) int { return x.firstSeq - y.firstSeq })
	for _, t := range rest {
		if t.open == 0 {
			a.finish(t, settled)
		} else {
			a.finish(t, ended)
		}
	}
}

func (a *assembler) finish(t *trace, w why) {
	t.list.remove(t)
	delete(a.traces, t.id)
	a.recent.add(t.id)
	t.why = w
	a.done(t)
}

// traceList is a list of traces linked through their prev and next
// fields; a trace is in at most one list.
type traceList struct{ head, tail *trace }

func (l *traceList) front() *trace { return l.head }

// pushBack moves t to the back of l, out of any list it was in.
func (l *traceList) pushBack(t *trace) {
	if t.list == l && l.tail == t {
		return
	}
	t.list.remove(t)
	t.list, t.prev = l, l.tail
	if l.tail != nil {
		l.tail.next = t
	} else {
		l.head = t
	}
	l.tail = t
}

// remove takes t out of l; on a nil list it does nothing.
func (l *traceList) remove(t *trace) {
	if l == nil {
		return
	}
	if t.prev != nil {
		t.prev.next = t.next
	} else {
		l.head = t.next
	}
	if t.next != nil {
		t.next.prev = t.prev
	} else {
		l.tail = t.prev
	}
	t.list, t.prev, t.next = nil, nil, nil
}

// recentSet remembers the last n trace ids added to it.
type recentSet struct {
	ids  map[traceID]struct{}
	ring []traceID
	next int
}

func newRecentSet(n int) recentSet {
	return recentSet{ids: make(map[traceID]struct{}, n), ring: make([]traceID, 0, n)}
}

func (s *recentSet) has(id traceID) bool { _, ok := s.ids[id]; return ok }

func (s *recentSet) add(id traceID) {
	if s.has(id) {
		return
	}
	if len(s.ring) < cap(s.ring) {
		s.ring = append(s.ring, id)
	} else {
		delete(s.ids, s.ring[s.next])
		s.ring[s.next] = id
		s.next = (s.next + 1) % len(s.ring)
	}
	s.ids[id] = struct{}{}
}
