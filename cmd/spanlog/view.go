package main

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"time"
)

// filter selects what is printed: with any of its parts set, only the
// matching traces (tree) or lines (pretty), and nothing else.
type filter struct {
	tracePrefix []byte        // --trace: lower-case hex, a prefix of the trace id
	errors      bool          // --errors: traces with a line at ERROR
	slow        time.Duration // --slow: traces at least this long
}

func (f filter) active() bool { return len(f.tracePrefix) > 0 || f.errors || f.slow > 0 }

func (f filter) traceMatches(r *record) bool {
	if len(f.tracePrefix) == 0 {
		return true
	}
	if !r.hasTrace {
		return false
	}
	var h [32]byte
	hex.Encode(h[:], r.trace[:])
	return bytes.HasPrefix(h[:], f.tracePrefix)
}

// viewer turns input lines into output: trees or pretty lines. Its methods
// are not safe for concurrent use.
type viewer struct {
	out    *bufio.Writer
	st     style
	filter filter
	pairs  []pair
	buf    []byte

	// tree mode only
	asm     *assembler
	printer *treePrinter
	order   *orderedOutput

	err error // the first write error
}

func newPrettyViewer(out *bufio.Writer, st style, f filter) *viewer {
	return &viewer{out: out, st: st, filter: f}
}

func newTreeViewer(out *bufio.Writer, st style, f filter, fields bool, linger, evictAfter time.Duration) *viewer {
	v := &viewer{out: out, st: st, filter: f, printer: &treePrinter{st: st, fields: fields, evictAfter: evictAfter}}
	v.order = &orderedOutput{linger: linger.Microseconds(), write: v.write}
	v.asm = newAssembler(linger, evictAfter, fields, v.beginTrace, v.printTrace)
	return v
}

// line takes one input line, without its line ending.
func (v *viewer) line(line []byte) {
	ps, ok := scanPairs(line, v.pairs)
	v.pairs = ps
	var r record
	if ok {
		r = classify(line, ps)
	}
	switch {
	case r.kind == otherLine:
		if !v.filter.active() {
			v.buf = appendSafe(v.buf[:0], line)
			v.buf = append(v.buf, '\n')
			v.emit(v.buf)
		}
	case !v.filter.traceMatches(&r):
	case v.asm != nil && r.hasTrace:
		v.asm.add(line, &r)
		v.order.drain(v.asm.now)
	case v.asm != nil && v.filter.active():
		// an event outside any trace matches no trace filter
	default:
		v.buf = appendPretty(v.buf[:0], v.st, line, ps, &r)
		v.emit(v.buf)
	}
}

// emit writes output that is no trace's: in tree mode behind the trees of
// traces that started before it.
func (v *viewer) emit(b []byte) {
	if v.order == nil {
		v.write(b)
		return
	}
	v.order.line(b, v.asm.now)
	v.order.drain(v.asm.now)
}

// idle moves a tree's clock on while a followed input is quiet: to the
// input's time when its last line came, plus how long ago that was.
func (v *viewer) idle(inputNow int64, quiet time.Duration) {
	if v.asm != nil {
		v.asm.advance(inputNow + quiet.Microseconds())
		v.order.drain(v.asm.now)
	}
}

// now is the tree's clock, in µs of the input's time.
func (v *viewer) now() int64 {
	if v.asm == nil {
		return 0
	}
	return v.asm.now
}

// end prints what is still held at the end of the input.
func (v *viewer) end() {
	if v.asm != nil {
		v.asm.end()
		v.order.drain(v.asm.now)
	}
}

func (v *viewer) beginTrace(t *trace) { v.order.begin(t, v.asm.now) }

// printTrace renders a finished trace, unless the filter leaves it out.
func (v *viewer) printTrace(t *trace) {
	s := shapeOf(t)
	v.buf = v.buf[:0]
	if v.filter.errors && !t.failed ||
		v.filter.slow > 0 && s.durationMillis() < float64(v.filter.slow)/float64(time.Millisecond) {
		v.order.done(t, nil)
		return
	}
	v.buf = v.printer.appendTrace(v.buf, s)
	v.buf = append(v.buf, '\n')
	v.order.done(t, v.buf)
}

// flush writes out what is buffered, keeping the first error.
func (v *viewer) flush() {
	if v.err == nil {
		v.err = v.out.Flush()
	}
}

func (v *viewer) write(b []byte) {
	if v.err != nil {
		return
	}
	_, v.err = v.out.Write(b)
}
