package levels

import (
	"encoding/binary"
	"log/slog"
	"math/bits"
	"strconv"

	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// spanScope is what the span directives decide inside one span: for each
// scope (a distinct target of the span directives, by index in
// Filter.scopes) whose bit is set, the level of its winning directive.
// It is immutable; a span whose own name and fields match no directive
// shares its parent's.
type spanScope struct {
	set    uint64
	levels []slog.Level
	min    slog.Level // the lowest of levels in set
}

// level returns the level of the most specific scope among mask that is
// set, and false when none is.
func (s *spanScope) level(mask uint64) (slog.Level, bool) {
	hit := s.set & mask
	if hit == 0 {
		return 0, false
	}
	return s.levels[bits.TrailingZeros64(hit)], true
}

// spanKey identifies a span in a spanTable: its trace and span ids as
// words, which compare faster than the arrays.
type spanKey struct{ traceHi, traceLo, span uint64 }

func keyOf(sc *trace.SpanContext) (spanKey, uint64) {
	tid, sid := sc.TraceID(), sc.SpanID()
	k := spanKey{
		traceHi: binary.LittleEndian.Uint64(tid[:8]),
		traceLo: binary.LittleEndian.Uint64(tid[8:]),
		span:    binary.LittleEndian.Uint64(sid[:]),
	}
	return k, mix(k.span ^ k.traceLo)
}

// spanTable holds the scopes of live spans started under one Filter.
type spanTable struct {
	filter *Filter
	t      *table[spanKey, *spanScope]
}

// DefaultMaxSpans is how many live spans a Switch remembers a span scope
// for, unless WithMaxSpans says otherwise.
const DefaultMaxSpans = 16384

func newSpanTable(f *Filter, maxSpans int) *spanTable {
	buckets := 1
	for buckets*ways < maxSpans {
		buckets <<= 1
	}
	return &spanTable{filter: f, t: newTable[spanKey, *spanScope](buckets)}
}

// scopeOf returns the scope of the span with context sc, if it has one.
func (st *spanTable) scopeOf(sc trace.SpanContext) (*spanScope, bool) {
	if !sc.IsValid() {
		return nil, false
	}
	k, h := keyOf(&sc)
	return st.t.get(k, h)
}

// start works out the scope of s, which starts under the span in parent,
// and remembers it until end.
func (st *spanTable) start(parent trace.Span, s sdktrace.ReadWriteSpan) {
	var inherited *spanScope
	if parent != nil {
		if psc := parent.SpanContext(); psc.IsValid() && !psc.IsRemote() && psc.SpanID() == s.Parent().SpanID() {
			inherited, _ = st.scopeOf(psc)
		}
	}
	scope := st.filter.scopeFor(s, inherited)
	if scope == nil {
		return
	}
	sc := s.SpanContext()
	k, h := keyOf(&sc)
	st.t.put(k, h, scope)
}

// end forgets the scope of the span with context sc.
func (st *spanTable) end(sc trace.SpanContext) {
	if sc.IsValid() {
		k, h := keyOf(&sc)
		st.t.delete(k, h)
	}
}

// scopeFor returns the scope inside s: for each scope, the winning
// directive among those s itself matches (more conditions first, then
// the lower level), else the one inherited from s's parent. It returns
// inherited itself when s matches nothing.
func (f *Filter) scopeFor(s sdktrace.ReadOnlySpan, inherited *spanScope) *spanScope {
	var (
		own   uint64
		rank  [maxScopes]int
		level [maxScopes]slog.Level
	)
	name := s.Name()
	var attrs []attribute.KeyValue
	for i := range f.scoped {
		d := &f.scoped[i]
		if d.span != "" && d.span != name {
			continue
		}
		if len(d.fields) > 0 {
			if attrs == nil {
				attrs = s.Attributes()
			}
			if !hasFields(attrs, d.fields) {
				continue
			}
		}
		g, n := f.scopeOf[i], d.conditions()
		if own&(1<<g) == 0 || n > rank[g] || n == rank[g] && d.level < level[g] {
			own |= 1 << g
			rank[g], level[g] = n, d.level
		}
	}
	if own == 0 {
		return inherited
	}
	scope := &spanScope{set: own, levels: make([]slog.Level, len(f.scopes)), min: Off}
	if inherited != nil {
		scope.set |= inherited.set
		copy(scope.levels, inherited.levels)
	}
	for g := range f.scopes {
		if own&(1<<g) != 0 {
			scope.levels[g] = level[g]
		}
		if scope.set&(1<<g) != 0 {
			scope.min = min(scope.min, scope.levels[g])
		}
	}
	return scope
}

// hasFields reports whether attrs hold every field, each with a value
// whose text (attribute.Value.String) is the field's value.
func hasFields(attrs []attribute.KeyValue, fields []field) bool {
	for _, fl := range fields {
		found := false
		for _, kv := range attrs {
			if string(kv.Key) == fl.key && valueIs(kv.Value, fl.value) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// valueIs reports whether v's text is text, allocating only for slices
// and maps.
func valueIs(v attribute.Value, text string) bool {
	switch v.Type() {
	case attribute.STRING:
		return v.AsString() == text
	case attribute.INT64:
		var buf [24]byte
		return string(strconv.AppendInt(buf[:0], v.AsInt64(), 10)) == text
	case attribute.BOOL:
		return strconv.FormatBool(v.AsBool()) == text
	default:
		return v.String() == text
	}
}
