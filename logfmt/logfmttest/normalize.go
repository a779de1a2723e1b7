package logfmttest

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strings"

	gologfmt "github.com/go-logfmt/logfmt"
)

// SortBySpanName makes the output of concurrent code comparable across
// runs: it stably sorts lines by the name of the span they belong to (a
// span line by its span_name, an event line by the span_name of its span),
// lines outside any span first. When each span name is handled by one
// goroutine at a time, as in a pipeline of goroutines joined by channels,
// the result is the same from run to run. Lines that do not decode as
// logfmt keep their place among the lines outside spans.
func SortBySpanName(b []byte) []byte {
	lines := bytes.SplitAfter(b, []byte("\n"))
	if len(lines[len(lines)-1]) == 0 {
		lines = lines[:len(lines)-1]
	}
	names := map[string]string{} // span id → span name
	for _, l := range lines {
		if kv := decode(l); kv["span_name"] != "" {
			names[kv["span"]] = kv["span_name"]
		}
	}
	type keyed struct {
		key  string
		line []byte
	}
	sorted := make([]keyed, len(lines))
	for i, l := range lines {
		sorted[i] = keyed{names[decode(l)["span"]], l}
	}
	slices.SortStableFunc(sorted, func(x, y keyed) int { return strings.Compare(x.key, y.key) })
	var out bytes.Buffer
	for _, k := range sorted {
		out.Write(k.line)
	}
	return out.Bytes()
}

// decode returns the first value of each key of one logfmt line, or nil
// when it does not decode.
func decode(line []byte) map[string]string {
	dec := gologfmt.NewDecoder(bytes.NewReader(line))
	if !dec.ScanRecord() {
		return nil
	}
	kv := map[string]string{}
	for dec.ScanKeyval() {
		if _, seen := kv[string(dec.Key())]; !seen {
			kv[string(dec.Key())] = string(dec.Value())
		}
	}
	if dec.Err() != nil {
		return nil
	}
	return kv
}

var (
	idValue = regexp.MustCompile(`(^|[ \n])(span|parent_span|trace_id|links)=([0-9a-f,\-]+)`)
	hexID   = regexp.MustCompile(`[0-9a-f]{32}|[0-9a-f]{16}`)
)

// RenumberIDs replaces the trace and span ids in the span, parent_span,
// trace_id and links values with T1, T2, … and S1, S2, … in order of first
// appearance, so that output whose ids are random, or assigned in a racy
// order, can still be compared. Use it after SortBySpanName.
func RenumberIDs(b []byte) []byte {
	labels := map[string]string{}
	var traces, spans int
	label := func(id []byte) []byte {
		if l, ok := labels[string(id)]; ok {
			return []byte(l)
		}
		var l string
		if len(id) == 32 {
			traces++
			l = fmt.Sprintf("T%d", traces)
		} else {
			spans++
			l = fmt.Sprintf("S%d", spans)
		}
		labels[string(id)] = l
		return []byte(l)
	}
	return idValue.ReplaceAllFunc(b, func(m []byte) []byte {
		eq := bytes.IndexByte(m, '=')
		return append(append([]byte(nil), m[:eq+1]...), hexID.ReplaceAllFunc(m[eq+1:], label)...)
	})
}
