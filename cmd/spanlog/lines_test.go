package main

import (
	"fmt"
	"strings"
	"time"
)

// t0 is the time test lines start at.
var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// lines builds spanlog lines for tests, with timestamps at an offset from
// base.
type lines struct{ b strings.Builder }

func (l *lines) String() string { return l.b.String() }

func ts(at time.Duration) string { return t0.Add(at).Format("2006-01-02T15:04:05.000000Z") }

// open writes a new_span line; parent may be "".
func (l *lines) open(at time.Duration, trace, span, parent, name string, extra ...string) {
	fmt.Fprintf(&l.b, "level=INFO span_name=%s span=%s%s span_event=new_span timestamp=%s trace_id=%s%s\n",
		name, span, parentPair(parent), ts(at), trace, joinExtra(extra))
}

// close writes a close_span line at the given level.
func (l *lines) close(at time.Duration, level, trace, span, parent, name string, latencyMS float64, extra ...string) {
	fmt.Fprintf(&l.b, "level=%s span_name=%s span=%s%s span_event=close_span timestamp=%s trace_id=%s latency_ms=%g%s\n",
		level, name, span, parentPair(parent), ts(at), trace, latencyMS, joinExtra(extra))
}

// event writes a log line inside a span.
func (l *lines) event(at time.Duration, level, trace, span, msg string, extra ...string) {
	fmt.Fprintf(&l.b, "level=%s msg=%q%s span=%s trace_id=%s timestamp=%s\n", level, msg, joinExtra(extra), span, trace, ts(at))
}

// raw writes a line as it is.
func (l *lines) raw(s string) { l.b.WriteString(s + "\n") }

func parentPair(parent string) string {
	if parent == "" {
		return ""
	}
	return " parent_span=" + parent
}

func joinExtra(extra []string) string {
	if len(extra) == 0 {
		return ""
	}
	return " " + strings.Join(extra, " ")
}

// traceHex and spanHex make ids from small numbers.
func traceHex(n int) string { return fmt.Sprintf("%032x", n) }
func spanHex(n int) string  { return fmt.Sprintf("%016x", n) }

// trees returns the trees in tree output: each from its "trace " header
// to the blank line after it.
func trees(out string) []string {
	var ts []string
	var cur []string
	for _, row := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(row, "trace "):
			cur = []string{row}
		case cur != nil && row == "":
			ts = append(ts, strings.Join(cur, "\n"))
			cur = nil
		case cur != nil:
			cur = append(cur, row)
		}
	}
	return ts
}
