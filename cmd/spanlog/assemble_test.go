package main

import (
	"strings"
	"testing"
	"time"
)

// Past maxTraces held at once, the trace quiet the longest is printed as
// it is, so a flood of traces that never finish cannot grow memory.
func TestTooManyTracesEvictTheQuietest(t *testing.T) {
	var printed []*trace
	a := newAssembler(time.Second, time.Hour, false, func(*trace) {}, func(t *trace) { printed = append(printed, t) })
	a.maxTraces = 2
	for i := 1; i <= 3; i++ {
		var l lines
		l.open(time.Duration(i)*time.Millisecond, traceHex(i), spanHex(i), "", "open")
		line := []byte(strings.TrimSuffix(l.String(), "\n"))
		ps, _ := scanPairs(line, nil)
		r := classify(line, ps)
		a.add(line, &r)
	}
	if len(printed) != 1 || printed[0].id != mustTraceID(t, traceHex(1)) || printed[0].why != evicted {
		t.Fatalf("printed %d traces, want trace 1, evicted", len(printed))
	}
	if len(a.traces) != 2 {
		t.Errorf("holding %d traces, want 2", len(a.traces))
	}
}

func mustTraceID(t *testing.T, h string) traceID {
	t.Helper()
	var id traceID
	if !decodeID(id[:], []byte(h)) {
		t.Fatalf("bad id %q", h)
	}
	return id
}

// Past maxLinesPerTrace lines of one trace, new spans and events are
// counted, not kept, and the header says how many; the spans kept still
// close.
func TestLinesPerTraceAreCapped(t *testing.T) {
	var in lines
	tr := traceHex(1)
	in.open(0, tr, spanHex(1), "", "busy")
	for i := range maxLinesPerTrace + 4 {
		in.event(time.Duration(i)*time.Microsecond, "INFO", tr, spanHex(1), "tick")
	}
	in.close(time.Second, "INFO", tr, spanHex(1), "", "busy", 1000)
	got := trees(mustRun(t, in.String(), "tree"))
	if len(got) != 1 {
		t.Fatalf("got %d trees", len(got))
	}
	rows := strings.Split(got[0], "\n")
	if !strings.HasSuffix(rows[0], "(5 more lines not kept)") || !strings.HasPrefix(rows[1], "busy  1000.000 ms") {
		t.Errorf("header and root:\n%s\n%s", rows[0], rows[1])
	}
	if n := strings.Count(got[0], "INFO tick"); n != maxLinesPerTrace-1 {
		t.Errorf("%d events shown, want %d", n, maxLinesPerTrace-1)
	}
}
