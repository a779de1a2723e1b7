package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// Lines of many concurrent requests, shuffled together as a busy server
// writes them, come out as one whole tree per request, holding only its
// own spans and events, each once.
func TestInterleavedTracesComeOutWhole(t *testing.T) {
	const requests = 40
	type step struct {
		at   time.Duration
		line func(l *lines)
	}
	var steps []step
	rng := rand.New(rand.NewPCG(1, 2))
	for r := 1; r <= requests; r++ {
		trace, root, child := traceHex(r), spanHex(r*10), spanHex(r*10+1)
		start := time.Duration(rng.IntN(2000)) * time.Microsecond
		name := fmt.Sprintf("req%02d", r)
		steps = append(steps,
			step{start, func(l *lines) { l.open(start, trace, root, "", name) }},
			step{start + 1*time.Microsecond, func(l *lines) { l.open(start+time.Microsecond, trace, child, root, name+".db") }},
			step{start + 2*time.Microsecond, func(l *lines) {
				l.event(start+2*time.Microsecond, "INFO", trace, child, name+" queried")
			}},
			step{start + 300*time.Microsecond, func(l *lines) {
				l.close(start+300*time.Microsecond, "INFO", trace, child, root, name+".db", 0.299)
			}},
			step{start + 400*time.Microsecond, func(l *lines) {
				l.close(start+400*time.Microsecond, "INFO", trace, root, "", name, 0.4)
			}},
		)
	}
	// Sort by time: lines of different requests interleave.
	for i := range steps {
		for j := i + 1; j < len(steps); j++ {
			if steps[j].at < steps[i].at {
				steps[i], steps[j] = steps[j], steps[i]
			}
		}
	}
	var in lines
	for _, s := range steps {
		s.line(&in)
	}

	out := mustRun(t, in.String(), "tree")
	got := trees(out)
	if len(got) != requests {
		t.Fatalf("got %d trees, want %d:\n%s", len(got), requests, out)
	}
	seen := map[string]bool{}
	for _, tree := range got {
		rows := strings.Split(tree, "\n")
		if len(rows) != 4 {
			t.Fatalf("tree has %d rows, want header, root, child, event:\n%s", len(rows), tree)
		}
		name := strings.Fields(rows[1])[0]
		if seen[name] {
			t.Fatalf("%s printed twice", name)
		}
		seen[name] = true
		var r int
		fmt.Sscanf(name, "req%d", &r)
		if !strings.HasPrefix(rows[0], "trace "+traceHex(r)) ||
			!strings.Contains(rows[2], "└─ "+name+".db ") ||
			!strings.HasSuffix(rows[3], "INFO "+name+" queried") {
			t.Errorf("tree of %s mixes in other requests:\n%s", name, tree)
		}
	}
}

// A span that arrives after its trace was printed (work done after the
// response, later than --linger) makes a second tree of that trace, marked
// as continued; nothing is printed twice.
func TestLateSpanPrintsAsContinuation(t *testing.T) {
	tr, other := traceHex(1), traceHex(2)
	var in lines
	in.open(0, tr, spanHex(1), "", "request")
	in.close(time.Millisecond, "INFO", tr, spanHex(1), "", "request", 1)
	in.open(3*time.Second, other, spanHex(9), "", "other") // moves the clock past --linger
	in.close(3*time.Second+time.Millisecond, "INFO", other, spanHex(9), "", "other", 1)
	in.open(4*time.Second, tr, spanHex(2), spanHex(1), "after_response")
	in.close(4*time.Second+time.Millisecond, "INFO", tr, spanHex(2), spanHex(1), "after_response", 1)

	got := trees(mustRun(t, in.String(), "tree"))
	if len(got) != 3 {
		t.Fatalf("got %d trees, want 3:\n%s", len(got), strings.Join(got, "\n\n"))
	}
	first, last := got[0], got[2]
	if strings.Contains(first, "continued") || !strings.Contains(first, "request") || strings.Contains(first, "after_response") {
		t.Errorf("first tree:\n%s", first)
	}
	if !strings.Contains(last, "(continued") || !strings.Contains(last, "after_response") ||
		!strings.Contains(last, "parent "+spanHex(1)[:8]) || strings.Contains(last, "request ") {
		t.Errorf("continuation:\n%s", last)
	}

	// Within --linger, the same lines make one tree.
	got = trees(mustRun(t, in.String(), "tree", "--linger", "10s"))
	if len(got) != 2 || !strings.Contains(got[0], "└─ after_response") {
		t.Errorf("with --linger 10s:\n%s", strings.Join(got, "\n\n"))
	}
}

// A trace whose root never closes is printed, marked incomplete, once it
// has been quiet for --evict-after in the input's time, without waiting
// for the end of the input; one still open at the end is printed then.
func TestOpenTracesAreEvicted(t *testing.T) {
	var in lines
	in.open(0, traceHex(1), spanHex(1), "", "hung")
	in.event(time.Millisecond, "INFO", traceHex(1), spanHex(1), "waiting")
	in.open(2*time.Minute, traceHex(2), spanHex(2), "", "later")
	in.raw("marker: after the clock passed the timeout")

	out := mustRun(t, in.String(), "tree", "--evict-after", "1m")
	hung := strings.Index(out, "hung")
	marker := strings.Index(out, "marker")
	if hung < 0 || marker < 0 || hung > marker {
		t.Fatalf("the hung trace is not printed before later output:\n%s", out)
	}
	got := trees(out)
	if len(got) != 2 {
		t.Fatalf("got %d trees, want 2:\n%s", len(got), out)
	}
	if !strings.Contains(got[0], "(incomplete: 1 span still open after 1m0s without a line)") ||
		!strings.Contains(got[0], "hung  open") || !strings.Contains(got[0], "└─ INFO waiting") {
		t.Errorf("evicted tree:\n%s", got[0])
	}
	if !strings.Contains(got[1], "(incomplete: 1 span still open at the end of the input)") {
		t.Errorf("tree open at the end:\n%s", got[1])
	}
}

// --trace (a prefix, as shown in links), --errors and --slow select trees;
// with any of them, lines outside the selected traces are not printed.
func TestTreeFilters(t *testing.T) {
	fastOK, slowOK, failing := strings.Repeat("ab", 16), strings.Repeat("cd", 16), strings.Repeat("ef", 16)
	var in lines
	in.raw("not a spanlog line")
	in.open(0, fastOK, spanHex(1), "", "fast_ok")
	in.close(time.Millisecond, "INFO", fastOK, spanHex(1), "", "fast_ok", 1)
	in.open(0, slowOK, spanHex(2), "", "slow_ok")
	in.close(500*time.Millisecond, "INFO", slowOK, spanHex(2), "", "slow_ok", 500)
	in.open(0, failing, spanHex(3), "", "fast_failing")
	in.event(time.Millisecond, "ERROR", failing, spanHex(3), "boom")
	in.close(2*time.Millisecond, "INFO", failing, spanHex(3), "", "fast_failing", 2)

	for _, tc := range []struct {
		args []string
		want []string
	}{
		{nil, []string{"fast_ok", "slow_ok", "fast_failing"}},
		{[]string{"--errors"}, []string{"fast_failing"}},
		{[]string{"--slow", "100ms"}, []string{"slow_ok"}},
		{[]string{"--trace", slowOK[:8]}, []string{"slow_ok"}},
		{[]string{"--trace", strings.ToUpper(failing)}, []string{"fast_failing"}},
		{[]string{"--errors", "--slow", "100ms"}, nil},
	} {
		out := mustRun(t, in.String(), append([]string{"tree"}, tc.args...)...)
		var names []string
		for _, tree := range trees(out) {
			names = append(names, strings.Fields(strings.Split(tree, "\n")[1])[0])
		}
		if strings.Join(names, ",") != strings.Join(tc.want, ",") {
			t.Errorf("tree %v printed %v, want %v:\n%s", tc.args, names, tc.want, out)
		}
		if len(tc.args) > 0 && strings.Contains(out, "not a spanlog line") {
			t.Errorf("tree %v passed a foreign line through", tc.args)
		}
	}
}

// Spans whose parent_span points in a circle (hostile or broken input) are
// each printed once, never looping.
func TestParentCycleTerminates(t *testing.T) {
	var in lines
	tr := traceHex(1)
	in.close(time.Millisecond, "INFO", tr, spanHex(1), spanHex(3), "a", 1)
	in.close(2*time.Millisecond, "INFO", tr, spanHex(2), spanHex(1), "b", 1)
	in.close(3*time.Millisecond, "INFO", tr, spanHex(3), spanHex(2), "c", 1)
	in.close(4*time.Millisecond, "INFO", tr, spanHex(4), spanHex(4), "self", 1)
	got := trees(mustRun(t, in.String(), "tree"))
	if len(got) != 1 {
		t.Fatalf("got %d trees", len(got))
	}
	for _, name := range []string{"a ", "b ", "c ", "self "} {
		if n := strings.Count(got[0], name); n != 1 {
			t.Errorf("%q shows %d times:\n%s", name, n, got[0])
		}
	}
}

// A chain of spans deeper than maxIndent stops indenting and says its
// depth, so a hostile input cannot make rows grow without end.
func TestDeepTreesStopIndenting(t *testing.T) {
	var in lines
	tr := traceHex(1)
	const depth = 100
	for i := 1; i <= depth; i++ {
		parent := ""
		if i > 1 {
			parent = spanHex(i - 1)
		}
		in.close(time.Duration(depth-i)*time.Microsecond, "INFO", tr, spanHex(i), parent, fmt.Sprintf("s%d", i), 1)
	}
	out := mustRun(t, in.String(), "tree")
	longest := 0
	for _, row := range strings.Split(out, "\n") {
		longest = max(longest, len(row))
	}
	if longest > 3*maxIndent*len("│  ")+200 {
		t.Errorf("a row is %d bytes long", longest)
	}
	if !strings.Contains(out, "[depth 99] s100") {
		t.Errorf("the deepest row does not say its depth:\n%s", out)
	}
}
