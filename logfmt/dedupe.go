package logfmt

import "bytes"

// dedupe drops every pair whose key another pair of the line also has,
// keeping the one that wins: the higher class (a builtin over a record
// attribute over a stored field), and within a class the later pair. The
// bytes between pairs (level, span, trace_id, ...) are kept as they are.
//
// Keys are compared as printed, so two attributes that print alike count
// as one key. Stored fields are compared with one another only when they
// may repeat (maybeDupFields): the SDK keeps one value per key.
//
// A line without repeats, the common case, costs one probe of a 256-bit
// set per pair; only a pair whose signature was seen before is compared
// with the earlier pairs.
func (l *line) dedupe() {
	ps := l.pairs
	if len(ps) < 2 {
		return
	}
	var seen [4]uint64
	dropped := false
	for i := range ps {
		p := &ps[i]
		h := (p.sig * 0x9E3779B1) >> 24
		if seen[h>>6]&(1<<(h&63)) == 0 {
			seen[h>>6] |= 1 << (h & 63)
			continue
		}
		for j := range i {
			q := &ps[j]
			if q.drop || q.sig != p.sig || !l.comparable(p, q) ||
				!bytes.Equal(l.b[p.start+1:p.keyEnd], l.b[q.start+1:q.keyEnd]) {
				continue
			}
			dropped = true
			if q.class > p.class { // p is later: it wins unless q ranks higher
				p.drop = true
				break
			}
			q.drop = true
		}
	}
	if dropped {
		l.compact()
	}
}

// comparable reports whether p and q may hold the same key: any two pairs
// may, but two stored fields only when maybeDupFields says so.
func (l *line) comparable(p, q *pairPos) bool {
	return p.class != fieldClass || q.class != fieldClass || l.maybeDupFields
}

// compact removes the dropped pairs from the buffer, moving the rest down.
func (l *line) compact() {
	w, r := 0, 0
	for _, p := range l.pairs {
		if !p.drop {
			continue
		}
		w += copy(l.b[w:], l.b[r:p.start])
		r = int(p.end)
	}
	w += copy(l.b[w:], l.b[r:])
	l.b = l.b[:w]
	l.pairs = l.pairs[:0] // their offsets no longer hold
}
