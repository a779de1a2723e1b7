package main

import (
	"bytes"
	"encoding/hex"
	"strconv"

	"github.com/spanlog/spanlog/keys"
)

type (
	traceID [16]byte
	spanID  [8]byte
)

// kind says what a line is.
type kind uint8

const (
	otherLine kind = iota // not a spanlog line: passed through
	spanLine              // span_event=new_span or close_span
	eventLine             // a log record: level=... msg=...
)

// seg is a stretch of a line, as offsets, so that it survives copying the
// line. The zero seg is empty.
type seg struct{ start, end int32 }

func (s seg) in(line []byte) []byte { return line[s.start:s.end] }
func (s seg) empty() bool           { return s.end <= s.start }

// record is what one spanlog line says, as read by classify. Byte values
// are segs of the line, raw as written (quoted values keep their quotes).
type record struct {
	kind  kind
	level seg
	// name is span_name on a span line, msg on an event line.
	name seg

	span, parent         spanID
	hasSpan, hasParent   bool
	trace                traceID
	hasTrace             bool
	closing              bool // span_event=close_span
	latency              float64
	hasLatency           bool
	links                seg
	timestamp            seg
	micros               int64 // timestamp in µs since the Unix epoch
	hasTime              bool
	truncated            int64 // line_truncated: bytes cut from the line's end
	replayed             bool  // replayed=true: a record written late
	failed               bool  // level is ERROR or above
	attrs, fields        seg   // an event's own attributes; stored fields
	fieldPair, fieldLast int   // index range of fields in the pairs
	idsPair              int   // index of span= on an event line, -1 if none
	target, location     seg
}

// classify reads the pairs of one line. A spanlog line starts with level=;
// a span line then carries span_name, span, span_event (new_span or
// close_span) and trace_id with well-formed ids; an event line has msg
// second. Anything else is otherLine.
//
// The keys spanlog writes at the start of a line (level, msg, span_name,
// span, parent_span, span_event, timestamp and trace_id on span lines,
// latency_ms, links) count at their first appearance; those it writes at
// the end (timestamp on event lines, target, location, line_truncated,
// replayed) at their last. A reserved key seen again elsewhere is shown as
// an ordinary field.
func classify(line []byte, ps []pair) record {
	var r record
	r.idsPair = -1
	if len(ps) < 2 || string(ps[0].key(line)) != keys.Level || ps[0].valEnd == ps[0].valStart {
		return r
	}
	r.level = seg{ps[0].valStart, ps[0].valEnd}
	r.failed = isErrorLevel(r.level.in(line))
	if string(ps[1].key(line)) == keys.Msg {
		classifyEvent(&r, line, ps)
	} else {
		classifySpan(&r, line, ps)
	}
	return r
}

func classifySpan(r *record, line []byte, ps []pair) {
	var seen struct{ name, span, parent, event, ts, trace, latency, links bool }
	r.fieldPair, r.fieldLast = -1, -1
	for i := 1; i < len(ps); i++ {
		p := ps[i]
		v := p.val(line)
		vs := seg{p.valStart, p.valEnd}
		taken := true
		switch k := string(p.key(line)); {
		case k == keys.SpanName && !seen.name:
			seen.name, r.name = true, vs
		case k == keys.Span && !seen.span:
			seen.span, r.hasSpan = true, decodeID(r.span[:], v)
		case k == keys.ParentSpan && !seen.parent:
			seen.parent, r.hasParent = true, decodeID(r.parent[:], v)
		case k == keys.SpanEvent && !seen.event:
			seen.event = true
			switch string(v) {
			case "new_span":
			case "close_span":
				r.closing = true
			default:
				return
			}
		case k == keys.Timestamp && !seen.ts:
			seen.ts, r.timestamp = true, vs
		case k == keys.TraceID && !seen.trace:
			seen.trace, r.hasTrace = true, decodeID(r.trace[:], v)
		case k == keys.Latency && !seen.latency:
			seen.latency = true
			r.latency, r.hasLatency = parseMillis(v)
		case k == keys.Links && !seen.links:
			seen.links, r.links = true, vs
		case k == keys.LineTruncated:
			r.truncated = parseCount(v)
		case k == keys.Replayed:
			r.replayed = string(v) == "true"
		default:
			taken = false
		}
		if !taken {
			if r.fieldPair < 0 {
				r.fieldPair = i
			}
			r.fieldLast = i
		}
	}
	if !seen.event || !seen.name || !r.hasSpan || !r.hasTrace || seen.parent && !r.hasParent {
		return
	}
	r.kind = spanLine
	r.micros, r.hasTime = parseTimestamp(r.timestamp.in(line))
	if r.fieldPair >= 0 {
		r.fields = seg{ps[r.fieldPair].keyStart, pairEnd(ps[r.fieldLast])}
	}
}

func classifyEvent(r *record, line []byte, ps []pair) {
	r.kind = eventLine
	r.name = seg{ps[1].valStart, ps[1].valEnd}
	// replayed and line_truncated may sit anywhere on the line.
	for _, p := range ps[2:] {
		switch string(p.key(line)) {
		case keys.Replayed:
			r.replayed = r.replayed || string(p.val(line)) == "true"
		case keys.LineTruncated:
			r.truncated = parseCount(p.val(line))
		}
	}
	// span= and trace_id= are written side by side; the first such pair
	// with well-formed ids ends the record's own attributes.
	for i := 2; i+1 < len(ps); i++ {
		if string(ps[i].key(line)) == keys.Span && string(ps[i+1].key(line)) == keys.TraceID &&
			decodeID(r.span[:], ps[i].val(line)) && decodeID(r.trace[:], ps[i+1].val(line)) {
			r.hasSpan, r.hasTrace, r.idsPair = true, true, i
			break
		}
	}
	// The trailing keys, taken from the end while they are reserved.
	end := len(ps)
	for end > 2 && (r.idsPair < 0 || end > r.idsPair+2) {
		p := ps[end-1]
		vs := seg{p.valStart, p.valEnd}
		switch string(p.key(line)) {
		case keys.Timestamp:
			if r.timestamp.empty() {
				r.timestamp = vs
			}
		case keys.Target:
			r.target = vs
		case keys.Location:
			r.location = vs
		case keys.LineTruncated, keys.Replayed:
		default:
			goto done
		}
		end--
	}
done:
	attrsEnd := end // pairs 2 to attrsEnd are the record's own attributes
	r.fieldPair, r.fieldLast = -1, -1
	if r.idsPair >= 0 {
		attrsEnd = r.idsPair
		if end > r.idsPair+2 {
			r.fieldPair, r.fieldLast = r.idsPair+2, end-1
			r.fields = seg{ps[r.fieldPair].keyStart, pairEnd(ps[r.fieldLast])}
		}
	}
	if attrsEnd > 2 {
		r.attrs = seg{ps[2].keyStart, pairEnd(ps[attrsEnd-1])}
	}
	r.micros, r.hasTime = parseTimestamp(r.timestamp.in(line))
}

// clip empties every seg of r that does not lie within line[:end], for a
// record whose line is kept only up to end. Pair indexes are left alone:
// only pretty, which keeps no line, reads them.
func (r *record) clip(end int32) {
	for _, s := range []*seg{&r.level, &r.name, &r.links, &r.timestamp, &r.attrs, &r.fields, &r.target, &r.location} {
		if s.end > end {
			*s = seg{}
		}
	}
}

func pairEnd(p pair) int32 { return max(p.keyEnd, p.valEnd) }

// decodeID decodes a hex id of exactly len(dst) bytes.
func decodeID(dst, hexID []byte) bool {
	if len(hexID) != 2*len(dst) {
		return false
	}
	_, err := hex.Decode(dst, hexID)
	return err == nil
}

// parseMillis reads a latency_ms value: a finite, non-negative number.
func parseMillis(v []byte) (float64, bool) {
	f, err := strconv.ParseFloat(string(v), 64)
	if err != nil || f < 0 || f != f || f > 1e15 {
		return 0, false
	}
	return f, true
}

// parseCount reads line_truncated's byte count; a value that is not a
// positive number still marks the line as cut.
func parseCount(v []byte) int64 {
	n, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil || n < 1 {
		return 1
	}
	return n
}

// isErrorLevel reports whether a level value is ERROR or above, as slog
// writes them: ERROR, ERROR+4.
func isErrorLevel(level []byte) bool { return bytes.HasPrefix(level, []byte("ERROR")) }
