package logfmt

import (
	"io"
	"slices"
	"sync"

	"github.com/spanlog/spanlog/keys"
	"github.com/spanlog/spanlog/redact"
	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// line is the buffer one line is built in. Besides the bytes it keeps where
// each key=value pair of user data sits, so that a key written twice can
// be dropped (see dedupe) before the line is written.
type line struct {
	b     []byte
	pairs []pairPos
	fixed [48]pairPos // pairs' backing array for the common line

	// maybeDupFields is set when the stored fields may repeat a key among
	// themselves: the SDK keeps one value per attribute key, but renaming
	// a reserved key, cutting a long key or ReplaceAttr can make two alike.
	maybeDupFields bool

	// Scratch space of the attribute pipeline, kept with the buffer so a
	// line with groups allocates nothing.
	prefix groupPrefix // escaped dotted prefix of the groups open in a record
	groups []string    // names of the open groups, for ReplaceAttr
}

// class ranks the pairs of a line for de-duplication: when a key repeats,
// the pair of the higher class wins, and within a class the later one.
type class uint8

const (
	fieldClass   class = iota // a stored field of the span
	userClass                 // a record attribute, WithAttrs or span event attribute
	builtinClass              // level, msg, timestamp and source after ReplaceAttr
)

// pairPos locates one key=value pair in line.b: b[start] is the space before
// the key, the key is b[start+1:keyEnd], and the pair ends at end.
type pairPos struct {
	start, keyEnd, end int32
	sig                uint32 // key length, first and last byte: a cheap inequality test
	class              class
	drop               bool
}

// shift returns p moved by d bytes.
func (p pairPos) shift(d int32) pairPos {
	p.start, p.keyEnd, p.end = p.start+d, p.keyEnd+d, p.end+d
	return p
}

// pairedText is printed pairs kept apart from a line — a Handler's
// WithAttrs, a span's cached fields — with where each pair sits, so that
// they are copied into a line and still take part in de-duplication.
type pairedText struct {
	text  []byte
	pairs []pairPos // offsets into text
}

// textFrom returns, as a pairedText of their own, the line's bytes from
// start and its pairs from first on.
func (l *line) textFrom(start, first int) pairedText {
	t := pairedText{text: append([]byte(nil), l.b[start:]...), pairs: make([]pairPos, 0, len(l.pairs)-first)}
	for _, p := range l.pairs[first:] {
		t.pairs = append(t.pairs, p.shift(-int32(start)))
	}
	return t
}

// appendText copies t into the line.
func (l *line) appendText(t pairedText) {
	base := int32(len(l.b))
	l.b = append(l.b, t.text...)
	for _, p := range t.pairs {
		l.pairs = append(l.pairs, p.shift(base))
	}
}

// join returns t followed by u, in arrays of its own, so that siblings
// made from one t never write into a shared one.
func (t pairedText) join(u pairedText) pairedText {
	j := pairedText{text: append(slices.Clip(t.text), u.text...), pairs: slices.Clip(t.pairs)}
	for _, p := range u.pairs {
		j.pairs = append(j.pairs, p.shift(int32(len(t.text))))
	}
	return j
}

// maxPairOffset is the largest offset a pairPos holds. Pairs of a line
// longer than that, possible only with the caps turned off, are not
// recorded and so not de-duplicated.
const maxPairOffset = 1<<31 - 1

var linePool = sync.Pool{New: func() any {
	l := &line{b: make([]byte, 0, 1024), prefix: groupPrefix{escape: true}}
	l.pairs = l.fixed[:0]
	return l
}}

func getLine() *line { return linePool.Get().(*line) }

// maxPooledLine keeps a rare huge line from pinning its buffer in the pool
// for the life of the process.
const maxPooledLine = 64 << 10

func putLine(l *line) {
	if cap(l.b) > maxPooledLine || cap(l.prefix.text) > maxPooledLine {
		return
	}
	l.b = l.b[:0]
	l.pairs = l.fixed[:0]
	l.maybeDupFields = false
	l.prefix.text, l.prefix.marks = l.prefix.text[:0], l.prefix.marks[:0]
	clear(l.groups[:cap(l.groups)])
	l.groups = l.groups[:0]
	linePool.Put(l)
}

// addPair records the pair that starts at start and whose key ends at
// keyEnd; it ends at the end of the buffer.
func (l *line) addPair(start, keyEnd int, c class) {
	if len(l.b) > maxPairOffset {
		return
	}
	key := l.b[start+1 : keyEnd]
	var sig uint32
	if n := len(key); n > 0 {
		sig = uint32(n)<<16 | uint32(key[0])<<8 | uint32(key[n-1])
	}
	l.pairs = append(l.pairs, pairPos{start: int32(start), keyEnd: int32(keyEnd), end: int32(len(l.b)), sig: sig, class: c})
}

// appendTopKey appends " key=" for a key of class c that is not in a
// group: a reserved key gets keys.UserPrefix first. It returns where the
// pair starts and where its key ends.
func (l *line) appendTopKey(key string, c class, lim limits) (start, keyEnd int) {
	start = len(l.b)
	l.b = append(l.b, ' ')
	if keys.IsReserved(key) {
		l.b = append(l.b, keys.UserPrefix...)
		l.maybeDupFields = l.maybeDupFields || c == fieldClass
	}
	if len(key) > DefaultMaxValueBytes || lim.maxValue != 0 { // may be cut
		if len(key) > lim.maxKey() {
			l.maybeDupFields = l.maybeDupFields || c == fieldClass
		}
		key = lim.cap(key)
	}
	l.b = appendKey(l.b, key)
	keyEnd = len(l.b)
	l.b = append(l.b, '=')
	return start, keyEnd
}

// write writes the line's pairs, each of which starts with a space, as one
// line with a single Write.
func (l *line) write(w io.Writer) error {
	if len(l.b) == 0 {
		return nil
	}
	l.b = append(l.b, '\n')
	return writeWhole(w, l.b[1:])
}

// writeWhole writes p with one Write; a writer that takes part of p
// without saying why gets io.ErrShortWrite.
func writeWhole(w io.Writer, p []byte) error {
	n, err := w.Write(p)
	if err == nil && n < len(p) {
		err = io.ErrShortWrite
	}
	return err
}

// appendSpanContext appends span= and trace_id= for a span with a valid
// span context, then the span's stored fields. Nothing is appended outside a
// span.
func (l *line) appendSpanContext(span trace.Span, h *Handler) {
	sc := span.SpanContext()
	if !sc.IsValid() {
		return
	}
	l.b = appendIDs(l.b, sc)
	if h.opts.ReplaceAttr != nil {
		l.appendFields(spanFields(span), h.opts.ReplaceAttr, h.lim, false)
		return
	}
	h.fields.appendSpanFields(l, span, h.lim)
}

// appendFields appends stored fields, in their order, as pairs of
// fieldClass. With skipLatency the latency_ms field is left out: a close
// line prints it in a fixed place of its own. With rep set, each field goes
// through it as a slog.Attr with no groups.
func (l *line) appendFields(fields []attribute.KeyValue, rep replaceFunc, lim limits, skipLatency bool) {
	l.appendAttributes(fields, fieldClass, rep, lim, skipLatency)
}

// appendAttributes appends OpenTelemetry attributes as pairs of class c.
func (l *line) appendAttributes(attrs []attribute.KeyValue, c class, rep replaceFunc, lim limits, skipLatency bool) {
	if rep != nil {
		if c == fieldClass {
			l.maybeDupFields = true
		}
		for _, kv := range attrs {
			if skipLatency && kv.Key == keys.Latency {
				continue
			}
			walkAttr(l, rep, lim, slogAttr(kv), c)
		}
		return
	}
	for _, kv := range attrs {
		k := string(kv.Key)
		if skipLatency && k == keys.Latency {
			continue
		}
		start, keyEnd := l.appendTopKey(k, c, lim)
		if lim.secret(k) {
			l.b = append(l.b, redact.Placeholder...)
		} else {
			l.b = appendAttributeValue(l.b, kv.Value, lim)
		}
		l.addPair(start, keyEnd, c)
	}
}

// spanFields returns the attributes of an SDK span, in the order set, or
// nil for any other span.
func spanFields(span trace.Span) []attribute.KeyValue {
	if ro, ok := span.(sdktrace.ReadOnlySpan); ok {
		return ro.Attributes()
	}
	return nil
}
