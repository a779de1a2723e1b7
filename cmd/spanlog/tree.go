package main

import (
	"bytes"
	"cmp"
	"encoding/hex"
	"slices"
	"strconv"
	"time"

	"github.com/spanlog/spanlog/keys"
)

// child is a span or an event under a span, placed by its time.
type child struct {
	span  *spanNode
	event *eventNode
	at    int64
	seq   int
}

// shape is a finished trace arranged as trees: its local roots, and the
// children of each span in time order.
type shape struct {
	t     *trace
	roots []*spanNode
	kids  map[spanID][]child
}

// shapeOf arranges t. A span is a local root when it has no parent_span,
// or its parent is not among the trace's spans (a remote parent, or a part
// printed before); an event whose span has no line of its own hangs under
// a placeholder root for that span. Spans caught in a parent cycle become
// roots too, so that every span is shown exactly once.
func shapeOf(t *trace) *shape {
	s := &shape{t: t, kids: make(map[spanID][]child)}
	for _, n := range t.spans {
		p := n.rec.parent
		if n.rec.hasParent && p != n.id && t.spans[p] != nil {
			s.kids[p] = append(s.kids[p], child{span: n, at: n.start, seq: n.seq})
		} else {
			s.roots = append(s.roots, n)
		}
	}
	var placeholders map[spanID]*spanNode
	for _, e := range t.events {
		id := e.rec.span
		if t.spans[id] == nil && placeholders[id] == nil {
			if placeholders == nil {
				placeholders = make(map[spanID]*spanNode)
			}
			n := &spanNode{id: id, start: e.at, seq: e.seq}
			placeholders[id] = n
			s.roots = append(s.roots, n)
		}
		s.kids[id] = append(s.kids[id], child{event: e, at: e.at, seq: e.seq})
	}
	for id, k := range s.kids {
		slices.SortFunc(k, func(x, y child) int { return cmp.Or(cmp.Compare(x.at, y.at), x.seq-y.seq) })
		s.kids[id] = k
	}
	byStart := func(x, y *spanNode) int { return cmp.Or(cmp.Compare(x.start, y.start), x.seq-y.seq) }
	slices.SortFunc(s.roots, byStart)

	// Spans in a parent cycle are reachable from no root: promote the
	// earliest of them until every span is reachable.
	seen := make(map[spanID]bool, len(t.spans))
	var mark func(n *spanNode)
	mark = func(n *spanNode) {
		seen[n.id] = true
		for _, c := range s.kids[n.id] {
			if c.span != nil && !seen[c.span.id] {
				mark(c.span)
			}
		}
	}
	for _, r := range s.roots {
		mark(r)
	}
	if len(seen) < len(t.spans)+len(placeholders) {
		var stranded []*spanNode
		for _, n := range t.spans {
			if !seen[n.id] {
				stranded = append(stranded, n)
			}
		}
		slices.SortFunc(stranded, byStart)
		for _, n := range stranded {
			if seen[n.id] {
				continue
			}
			// Cut the edge into n, which closes the cycle, and make n a root.
			p := n.rec.parent
			s.kids[p] = slices.DeleteFunc(s.kids[p], func(c child) bool { return c.span == n })
			s.roots = append(s.roots, n)
			mark(n)
		}
	}
	return s
}

// durationMillis is the trace's length: the longest of its local roots'
// bases (latency, or the time to the last span's end when work goes on
// after the root), or for a root still open, the time from its start to
// the trace's last line.
func (s *shape) durationMillis() float64 {
	var d float64
	for _, r := range s.roots {
		if ms, _, ok := s.base(r); ok {
			d = max(d, ms)
		} else if !r.closed && r.line != nil {
			d = max(d, float64(s.t.lastSeen-r.start)/1000)
		}
	}
	return d
}

// base is what the shares under root are of: root's latency, or when
// spans under it end after it does (work handed on), the time from its
// start to the last of those ends. ok is false when there is none.
func (s *shape) base(root *spanNode) (ms float64, outlived, ok bool) {
	if !root.closed || !root.rec.hasLatency {
		return 0, false, false
	}
	if last := s.lastEnd(root); root.end != 0 && root.start != 0 && last > root.end {
		return float64(last-root.start) / 1000, true, true
	}
	return root.rec.latency, false, root.rec.latency > 0
}

// lastEnd is the latest close timestamp of n and the spans under it.
func (s *shape) lastEnd(n *spanNode) int64 {
	end := n.end
	for _, c := range s.kids[n.id] {
		if c.span != nil {
			end = max(end, s.lastEnd(c.span))
		}
	}
	return end
}

// Tree glyphs.
const (
	branchMid  = "├─ "
	branchLast = "└─ "
	pipe       = "│  "
	gap        = "   "
	fieldsPipe = "│ "
	fieldsGap  = "  "
	// maxIndent is the depth past which rows are no longer indented
	// further; deeper rows say their depth instead.
	maxIndent = 32
)

// row is one line of a printed tree.
type row struct {
	indent  string
	span    *spanNode // a span row, or with fields set its fields row
	event   *eventNode
	fields  bool
	root    *spanNode
	depth   int
	hasKids bool // for a fields row: the span has rows under it
	width   int  // for a span row: from the indent to before the latency
}

// treePrinter writes finished traces as trees.
type treePrinter struct {
	st         style
	fields     bool          // -fields: show stored fields not inherited from the parent
	evictAfter time.Duration // for the header of evicted traces
	rows       []row
	bases      map[*spanNode]base
	scratch    []byte // for measuring text before it is written
}

// base is what the shares of a tree's spans are of; see shape.base.
type base struct {
	ms           float64
	outlived, ok bool
}

// appendTrace appends the tree of s.
func (p *treePrinter) appendTrace(b []byte, s *shape) []byte {
	p.rows = p.rows[:0]
	if p.bases == nil {
		p.bases = make(map[*spanNode]base)
	}
	clear(p.bases)
	for _, r := range s.roots {
		ms, outlived, ok := s.base(r)
		p.bases[r] = base{ms, outlived, ok}
		p.walk(s, r, r, "", 0)
	}
	b = p.appendHeader(b, s)

	// The latency column starts past the longest span name.
	col, latWidth := 0, 0
	for i := range p.rows {
		r := &p.rows[i]
		if r.span == nil || r.fields {
			continue
		}
		r.width = displayWidth([]byte(r.indent)) + p.nameWidth(*r)
		col = max(col, r.width)
		if r.span.closed && r.span.rec.hasLatency {
			p.scratch = appendMillis(p.scratch[:0], r.span.rec.latency)
			latWidth = max(latWidth, len(p.scratch))
		}
	}
	col += 2
	for _, r := range p.rows {
		switch {
		case r.fields:
			b = p.appendFields(b, s, r)
		case r.span != nil:
			b = p.appendSpan(b, s, r, col, latWidth)
		default:
			b = p.appendEvent(b, r)
		}
	}
	return b
}

// walk lists the rows of n and everything under it.
func (p *treePrinter) walk(s *shape, n, root *spanNode, indent string, depth int) {
	p.rows = append(p.rows, row{indent: indent, span: n, root: root, depth: depth})
	kids := s.kids[n.id]
	childIndent := continuation(indent)
	mid, last := childIndent+branchMid, childIndent+branchLast
	if p.fields && n.line != nil && !n.rec.fields.empty() {
		p.rows = append(p.rows, row{indent: childIndent, span: n, fields: true, hasKids: len(kids) > 0})
	}
	for i, c := range kids {
		ind := mid
		if i == len(kids)-1 {
			ind = last
		}
		if depth >= maxIndent {
			ind = indent // too deep to indent further: the depth is written out
		}
		if c.span != nil {
			p.walk(s, c.span, root, ind, depth+1)
		} else {
			p.rows = append(p.rows, row{indent: ind, event: c.event, depth: depth + 1})
		}
	}
}

// continuation turns the indent of a row into the indent under it: a
// branch becomes a pipe, a last branch a gap.
func continuation(indent string) string {
	switch {
	case len(indent) >= len(branchMid) && indent[len(indent)-len(branchMid):] == branchMid:
		return indent[:len(indent)-len(branchMid)] + pipe
	case len(indent) >= len(branchLast) && indent[len(indent)-len(branchLast):] == branchLast:
		return indent[:len(indent)-len(branchLast)] + gap
	}
	return indent
}

func (p *treePrinter) appendHeader(b []byte, s *shape) []byte {
	st := p.st
	b = append(b, st.bold...)
	b = append(b, "trace "...)
	b = hex.AppendEncode(b, s.t.id[:])
	b = append(b, st.reset...)
	if start := earliest(s); start != 0 {
		b = append(b, "  "...)
		b = st.paint(b, st.dim, time.UnixMicro(start).UTC().AppendFormat(nil, "2006-01-02T15:04:05.000000Z"))
	}
	if s.t.continued {
		b = append(b, "  "...)
		b = st.paint(b, st.yellow, []byte("(continued: an earlier part was printed above)"))
	}
	if s.t.open > 0 {
		what := " still open after " + p.evictAfter.String() + " without a line)"
		if s.t.why == ended {
			what = " still open at the end of the input)"
		}
		b = append(b, "  "...)
		b = st.paint(b, st.yellow, []byte("(incomplete: "+plural(s.t.open, "span")+what))
	}
	if s.t.dropped > 0 {
		b = append(b, "  "...)
		b = st.paint(b, st.yellow, []byte("("+plural(s.t.dropped, "more line")+" not kept)"))
	}
	return append(b, '\n')
}

func earliest(s *shape) int64 {
	var start int64
	for _, r := range s.roots {
		if r.start != 0 && (start == 0 || r.start < start) {
			start = r.start
		}
	}
	return start
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// nameWidth is the width of a span row from its name to before the
// latency column.
func (p *treePrinter) nameWidth(r row) int {
	n := r.span
	if n.line == nil {
		return len("span ") + 2*len(n.id)
	}
	p.scratch = appendUnquoted(p.scratch[:0], n.rec.name.in(n.line))
	w := displayWidth(p.scratch)
	if n.rec.failed {
		w += len(" ERROR")
	}
	if r.depth > maxIndent {
		w += len(depthNote(r.depth))
	}
	return w
}

func depthNote(depth int) string { return "[depth " + strconv.Itoa(depth) + "] " }

func (p *treePrinter) appendSpan(b []byte, s *shape, r row, col, latWidth int) []byte {
	st, n := p.st, r.span
	b = st.paint(b, st.dim, []byte(r.indent))
	if r.depth > maxIndent {
		b = st.paint(b, st.dim, []byte(depthNote(r.depth)))
	}
	if n.line == nil { // events of a span whose own lines are not in the input
		b = append(b, st.dim...)
		b = append(b, "span "...)
		b = hex.AppendEncode(b, n.id[:])
		b = append(b, st.reset...)
		b = append(b, "  "...)
		b = st.paint(b, st.yellow, []byte("(no span line)"))
		return append(b, '\n')
	}
	nameStyle := st.bold
	if n.rec.failed {
		nameStyle = st.bold + st.red
	}
	b = st.paintWith(b, nameStyle, appendUnquoted, n.rec.name.in(n.line))
	if n.rec.failed {
		b = append(b, ' ')
		b = st.paint(b, st.red, []byte("ERROR"))
	}
	for w := r.width; w < col; w++ {
		b = append(b, ' ')
	}
	switch {
	case n.closed && n.rec.hasLatency:
		p.scratch = appendMillis(p.scratch[:0], n.rec.latency)
		for i := len(p.scratch); i < latWidth; i++ {
			b = append(b, ' ')
		}
		b = append(b, p.scratch...)
		b = append(b, " ms"...)
		if base := p.bases[r.root]; base.ok {
			b = append(b, "  "...)
			p.scratch = appendShare(p.scratch[:0], n.rec.latency/base.ms)
			b = st.paint(b, st.dim, p.scratch)
			if n == r.root && base.outlived {
				b = append(b, "  "...)
				b = st.paint(b, st.dim, []byte("(work goes on after it: shares are of "+string(appendMillis(nil, base.ms))+" ms, to the last span end)"))
			}
		}
	case n.closed:
		b = st.paint(b, st.yellow, []byte("closed, no latency_ms"))
	default:
		b = st.paint(b, st.yellow, []byte("open"))
	}
	b = appendLinks(b, st, s.t.id, n.rec.links.in(n.line))
	if n == r.root && n.rec.hasParent {
		b = append(b, "  "...)
		b = append(b, st.dim...)
		b = append(b, "parent "...)
		b = hex.AppendEncode(b, n.rec.parent[:4])
		b = append(b, st.reset...)
	}
	b = appendCut(b, st, n.rec.truncated)
	return append(b, '\n')
}

// appendLinks shows links=<trace>-<span>,... as references: "→ trace
// 1a2b3c4d" for another trace, "→ span 5e6f7a8b" within this one.
func appendLinks(b []byte, st style, self traceID, links []byte) []byte {
	for len(links) > 0 {
		item := links
		if i := bytes.IndexByte(links, ','); i >= 0 {
			item, links = links[:i], links[i+1:]
		} else {
			links = nil
		}
		var tid traceID
		var sid spanID
		b = append(b, "  "...)
		b = append(b, st.magenta...)
		switch {
		case len(item) == 49 && item[32] == '-' && decodeID(tid[:], item[:32]) && decodeID(sid[:], item[33:]):
			if tid == self {
				b = append(b, "→ span "...)
				b = hex.AppendEncode(b, sid[:4])
			} else {
				b = append(b, "→ trace "...)
				b = hex.AppendEncode(b, tid[:4])
			}
		default:
			b = append(b, "→ "...)
			b = appendSafe(b, item)
		}
		b = append(b, st.reset...)
	}
	return b
}

// appendCut marks a line that spanlog cut for length.
func appendCut(b []byte, st style, cut int64) []byte {
	if cut == 0 {
		return b
	}
	b = append(b, "  "...)
	return st.paint(b, st.yellow, []byte("(line cut: "+strconv.FormatInt(cut, 10)+" bytes not written)"))
}

func (p *treePrinter) appendEvent(b []byte, r row) []byte {
	st, e := p.st, r.event
	b = st.paint(b, st.dim, []byte(r.indent))
	if r.depth > maxIndent {
		b = st.paint(b, st.dim, []byte(depthNote(r.depth)))
	}
	level := e.rec.level.in(e.line)
	b = st.paintWith(b, st.level(level), appendSafe, level)
	b = append(b, ' ')
	b = appendUnquoted(b, e.rec.name.in(e.line))
	b = appendAttrs(b, st, e.rec.attrs.in(e.line))
	if e.rec.replayed {
		b = append(b, "  "...)
		b = st.paint(b, st.magenta, []byte("(replayed)"))
	}
	b = appendCut(b, st, e.rec.truncated)
	return append(b, '\n')
}

// appendAttrs appends the pairs of a stretch of a line, each after a
// space, with dim keys; replayed and line_truncated, shown apart, are left
// out.
func appendAttrs(b []byte, st style, attrs []byte) []byte {
	var buf [32]pair
	ps, _ := scanPairs(attrs, buf[:0])
	for _, q := range ps {
		k := q.key(attrs)
		if isShownApart(k) {
			continue
		}
		b = append(b, ' ')
		b = append(b, st.dim...)
		b = appendSafe(b, k)
		if q.valEnd > q.keyEnd {
			b = append(b, '=')
		}
		b = append(b, st.reset...)
		b = appendSafe(b, q.val(attrs))
	}
	return b
}

// isShownApart reports whether key is one whose pair is not listed among
// fields, because the output shows it its own way.
func isShownApart(key []byte) bool {
	switch string(key) {
	case keys.Replayed, keys.LineTruncated, keys.Latency:
		return true
	}
	return false
}

// appendFields shows a span's stored fields, dimmed, leaving out those its
// parent span has with the same value: they were inherited and show on
// the parent.
func (p *treePrinter) appendFields(b []byte, s *shape, r row) []byte {
	st, n := p.st, r.span
	fields := n.rec.fields.in(n.line)
	var inherited map[string]string
	if parent := s.t.spans[n.rec.parent]; n.rec.hasParent && parent != nil && parent.line != nil {
		pf := parent.rec.fields.in(parent.line)
		ps, _ := scanPairs(pf, nil)
		inherited = make(map[string]string, len(ps))
		for _, q := range ps {
			inherited[string(q.key(pf))] = string(q.val(pf))
		}
	}
	ps, _ := scanPairs(fields, nil)
	var shown []byte
	for _, q := range ps {
		k, v := q.key(fields), q.val(fields)
		if isShownApart(k) {
			continue
		}
		if pv, ok := inherited[string(k)]; ok && pv == string(v) {
			continue
		}
		if len(shown) > 0 {
			shown = append(shown, ' ')
		}
		shown = appendSafe(shown, q.whole(fields))
	}
	if len(shown) == 0 {
		return b
	}
	b = append(b, st.dim...)
	b = append(b, r.indent...)
	if r.hasKids {
		b = append(b, fieldsPipe...)
	} else {
		b = append(b, fieldsGap...)
	}
	b = append(b, shown...)
	b = append(b, st.reset...)
	return append(b, '\n')
}

// appendMillis appends a latency in ms with three decimals, as written.
func appendMillis(b []byte, ms float64) []byte { return strconv.AppendFloat(b, ms, 'f', 3, 64) }

// appendShare appends a share of the root as a percentage, right-aligned
// in six columns.
func appendShare(b []byte, f float64) []byte {
	start := len(b)
	b = strconv.AppendFloat(b, f*100, 'f', 1, 64)
	b = append(b, '%')
	if pad := 6 - (len(b) - start); pad > 0 {
		b = append(b, "      "[:pad]...)
		copy(b[start+pad:], b[start:len(b)-pad])
		copy(b[start:start+pad], "      ")
	}
	return b
}
