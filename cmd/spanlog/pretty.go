package main

import (
	"encoding/hex"
	"time"
)

// appendPretty appends one spanlog line for people to read:
//
//	17:27:26.199 INFO  cart loaded items=3 total="59.90 EUR"  span=07b416f4 trace=76db8d05 db.table=cart_items
//	17:27:26.199 INFO  ┌ load_cart  span=9ed993d8 parent=c1e9bb8f trace=76db8d05 user.id=42
//	17:27:26.199 ERROR └ charge_card 0.014 ms  span=5863e6f0 parent=c1e9bb8f trace=76db8d05 payment.provider=acme
//
// The time of day (UTC, as written) and the level come first, then the
// message, or ┌ and └ with the span's name for a span's start and end,
// then the record's own attributes with dim keys; ids cut to 8 hex
// digits, the stored fields and the source location follow, dimmed. r was
// read from line and ps by classify.
func appendPretty(b []byte, st style, line []byte, ps []pair, r *record) []byte {
	switch {
	case r.hasTime:
		b = time.UnixMicro(r.micros).UTC().AppendFormat(b, "15:04:05.000")
	case !r.timestamp.empty():
		b = appendSafe(b, r.timestamp.in(line))
	default:
		b = append(b, "            "...)
	}
	b = append(b, ' ')
	level := r.level.in(line)
	b = st.paintWith(b, st.level(level), appendSafe, level)
	for i := displayWidth(level); i < len("ERROR"); i++ {
		b = append(b, ' ')
	}
	b = append(b, ' ')

	if r.kind == spanLine {
		mark := "┌ "
		if r.closing {
			mark = "└ "
		}
		b = append(b, mark...)
		nameStyle := st.bold
		if r.failed {
			nameStyle = st.bold + st.red
		}
		b = st.paintWith(b, nameStyle, appendUnquoted, r.name.in(line))
		if r.closing && r.hasLatency {
			b = append(b, ' ')
			b = appendMillis(b, r.latency)
			b = append(b, " ms"...)
		}
		b = appendLinks(b, st, r.trace, r.links.in(line))
	} else {
		b = appendUnquoted(b, r.name.in(line))
		if !r.attrs.empty() {
			b = appendAttrs(b, st, r.attrs.in(line))
		}
	}

	// Dimmed: ids, stored fields, source.
	b = append(b, "  "...)
	b = append(b, st.dim...)
	if r.hasSpan {
		b = append(b, "span="...)
		b = hex.AppendEncode(b, r.span[:4])
		if r.hasParent {
			b = append(b, " parent="...)
			b = hex.AppendEncode(b, r.parent[:4])
		}
		b = append(b, " trace="...)
		b = hex.AppendEncode(b, r.trace[:4])
	}
	if r.fieldPair >= 0 {
		for _, q := range ps[r.fieldPair : r.fieldLast+1] {
			if isShownApart(q.key(line)) {
				continue
			}
			b = append(b, ' ')
			b = appendSafe(b, q.whole(line))
		}
	}
	for _, s := range []seg{r.target, r.location} {
		if !s.empty() {
			b = append(b, ' ')
			b = appendSafe(b, line[pairStartOf(line, s):s.end])
		}
	}
	b = append(b, st.reset...)
	b = trimTrailingSpace(b, st)
	if r.replayed {
		b = append(b, "  "...)
		b = st.paint(b, st.magenta, []byte("(replayed)"))
	}
	b = appendCut(b, st, r.truncated)
	return append(b, '\n')
}

// pairStartOf returns where the key of the pair whose value is s starts.
func pairStartOf(line []byte, s seg) int32 {
	i := s.start - 1 // the '='
	for i > 0 && line[i-1] > ' ' {
		i--
	}
	return i
}

// trimTrailingSpace drops the separator and empty dim run left when a line
// has nothing dimmed to show.
func trimTrailingSpace(b []byte, st style) []byte {
	empty := "  " + st.dim + st.reset
	if len(b) >= len(empty) && string(b[len(b)-len(empty):]) == empty {
		return b[:len(b)-len(empty)]
	}
	return b
}
