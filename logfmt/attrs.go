package logfmt

import (
	"log/slog"

	"github.com/spanlog/spanlog/redact"
	"go.opentelemetry.io/otel/attribute"
)

// The attribute pipeline. Every sink spanlog copies attributes to — a
// line, a span event, an OTLP log record — takes each attribute through
// the same steps, here:
//
//	resolve → ReplaceAttr → redact → reserved-key rule → de-duplicate → cap → escape
//
// walkAttr does the first three and flattens groups into dotted keys; the
// sink renames reserved keys, caps and, for lines, escapes (line.leaf and
// flatSink.leaf); each sink de-duplicates once the record is complete
// (line.dedupe and dedupeFlat).

type replaceFunc = func(groups []string, a slog.Attr) slog.Attr

// attrSink receives the leaves of an attribute, with the groups they sit
// in opened and closed around them.
type attrSink interface {
	openGroup(name string, lim limits)
	closeGroup()
	leaf(key string, v slog.Value, c class, lim limits)
	// groupNames is the stack of open group names ReplaceAttr is given.
	groupNames() *[]string
}

// maxGroupDepth bounds how deep groups nest before the rest of an
// attribute prints as an error: a ReplaceAttr that always returns a group
// would otherwise recurse for ever.
const maxGroupDepth = 10_000

var redactedValue = slog.StringValue(redact.Placeholder)

// walkAttr takes a through the pipeline into s as leaves of class c.
// Groups flatten into dotted keys; empty attrs and empty groups give
// nothing, as slog specifies. A group under a secret key is redacted whole.
func walkAttr(s attrSink, rep replaceFunc, lim limits, a slog.Attr, c class) {
	walkDepth(s, rep, lim, a, c, 0)
}

func walkDepth(s attrSink, rep replaceFunc, lim limits, a slog.Attr, c class, depth int) {
	a.Value = resolve(a.Value)
	if rep != nil && a.Value.Kind() != slog.KindGroup {
		a = rep(*s.groupNames(), a)
		a.Value = resolve(a.Value)
	}
	if isEmptyAttr(a) {
		return
	}
	if a.Value.Kind() != slog.KindGroup {
		if lim.secret(a.Key) {
			a.Value = redactedValue
		}
		s.leaf(a.Key, a.Value, c, lim)
		return
	}
	if a.Key != "" && lim.secret(a.Key) {
		s.leaf(a.Key, redactedValue, c, lim)
		return
	}
	members := a.Value.Group()
	if len(members) == 0 {
		return
	}
	if depth >= maxGroupDepth {
		s.leaf(a.Key, slog.StringValue("!ERROR: groups nested too deep"), c, lim)
		return
	}
	if a.Key != "" {
		s.openGroup(a.Key, lim)
		if rep != nil {
			names := s.groupNames()
			*names = append(*names, a.Key)
			defer func() { *names = (*names)[:len(*names)-1] }()
		}
		defer s.closeGroup()
	}
	for _, m := range members {
		walkDepth(s, rep, lim, m, c, depth+1)
	}
}

// isEmptyAttr reports whether a is the zero Attr, which slog says to
// ignore: an empty key and a nil value.
func isEmptyAttr(a slog.Attr) bool {
	return a.Key == "" && a.Value.Kind() == slog.KindAny && a.Value.Any() == nil
}

// slogAttr converts an OpenTelemetry attribute to the slog.Attr of the same
// key and value; slices and other kinds become their String text.
func slogAttr(kv attribute.KeyValue) slog.Attr {
	k := string(kv.Key)
	switch kv.Value.Type() {
	case attribute.BOOL:
		return slog.Bool(k, kv.Value.AsBool())
	case attribute.INT64:
		return slog.Int64(k, kv.Value.AsInt64())
	case attribute.FLOAT64:
		return slog.Float64(k, kv.Value.AsFloat64())
	case attribute.STRING:
		return slog.String(k, kv.Value.AsString())
	default:
		return slog.String(k, kv.Value.String())
	}
}

// The line is a sink: it writes each leaf as " key=value".

// attr takes a through the pipeline into the line. It is walkAttr with a
// shortcut for the common attribute, a scalar logged with no ReplaceAttr,
// for which resolving and flattening have nothing to do.
func (l *line) attr(rep replaceFunc, lim limits, a slog.Attr, c class) {
	if rep != nil {
		walkAttr(l, rep, lim, a, c)
		return
	}
	switch a.Value.Kind() {
	case slog.KindGroup, slog.KindLogValuer, slog.KindAny:
		walkAttr(l, rep, lim, a, c)
		return
	}
	if lim.secret(a.Key) {
		a.Value = redactedValue
	}
	l.leaf(a.Key, a.Value, c, lim)
}

func (l *line) groupNames() *[]string { return &l.groups }

// groupPrefix is the dotted key prefix of the groups open while
// attributes are walked, with its length before each.
type groupPrefix struct {
	text   []byte
	marks  []int
	escape bool // write names as a line's keys are written
}

func (p *groupPrefix) open(name string, lim limits) {
	p.marks = append(p.marks, len(p.text))
	p.text = extendPrefix(p.text, name, lim, p.escape)
}

func (p *groupPrefix) close() {
	p.text = p.text[:p.marks[len(p.marks)-1]]
	p.marks = p.marks[:len(p.marks)-1]
}

// extendPrefix returns prefix followed by name, capped (and escaped when
// asked), and a dot. The prefix stops growing once it is as long as the
// key cap: deeper keys would be cut anyway, and a deep nest of long names
// must not make every key as long as the whole nest.
func extendPrefix(prefix []byte, name string, lim limits, escape bool) []byte {
	if len(prefix) >= lim.maxKey() {
		return prefix
	}
	if escape {
		prefix = appendKey(prefix, lim.cap(name))
	} else {
		prefix = append(prefix, lim.cap(name)...)
	}
	return append(prefix, '.')
}

func (l *line) openGroup(name string, lim limits) { l.prefix.open(name, lim) }
func (l *line) closeGroup()                       { l.prefix.close() }

func (l *line) leaf(key string, v slog.Value, c class, lim limits) {
	var start, keyEnd int
	if len(l.prefix.text) == 0 {
		start, keyEnd = l.appendTopKey(key, c, lim)
	} else {
		start = len(l.b)
		l.b = append(l.b, ' ')
		l.b = append(l.b, l.prefix.text...)
		l.b = appendKey(l.b, lim.cap(key))
		keyEnd = len(l.b)
		l.b = append(l.b, '=')
	}
	l.b = appendSlogValue(l.b, v, lim)
	l.addPair(start, keyEnd, c)
}
