package levels

import (
	"cmp"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
)

// Filter is a parsed, immutable set of directives. It is safe for
// concurrent use. A Switch puts one in force.
type Filter struct {
	def    slog.Level
	hasDef bool
	// targets are the TARGET=LEVEL directives, sorted by target. Of the
	// targets that match one path, the longest sorts last.
	targets []directive
	// scoped are the span directives, in canonical order.
	scoped []directive
	// scopes are the distinct targets of the span directives, longest
	// first ("" for none); scopeOf[i] is the index of scoped[i]'s target.
	scopes  []string
	scopeOf []int
	// unscoped is scopeMask(""): the scope of span directives without a
	// target, if any.
	unscoped uint64
	// byPath tells whether a line's target can change its level.
	byPath bool
	// floor is the lowest level of any directive but the default; Off
	// when there are none. staticFloor is that of the TARGET=LEVEL
	// directives alone.
	floor, staticFloor slog.Level
}

type directive struct {
	isDefault bool
	target    string
	scoped    bool
	span      string  // "" when the selector names no span
	fields    []field // sorted by key
	level     slog.Level
}

type field struct{ key, value string }

func sortFields(fields []field) {
	slices.SortFunc(fields, func(a, b field) int { return strings.Compare(a.key, b.key) })
}

// conditions counts what a span directive asks of a span: its name and
// each field.
func (d *directive) conditions() int {
	n := len(d.fields)
	if d.span != "" {
		n++
	}
	return n
}

// noDirectives returns a Filter without directives: the Switch's default
// level applies everywhere.
func noDirectives() *Filter { return &Filter{floor: Off, staticFloor: Off} }

// build makes a Filter of parsed directives: the later of two with the
// same selector wins.
func build(text string, list []parsed) (*Filter, error) {
	f := noDirectives()
	index := map[string]int{}
	var kept []directive
	for _, p := range list {
		d := p.d
		if d.isDefault {
			f.def, f.hasDef = d.level, true
			continue
		}
		key := d.selector()
		if i, ok := index[key]; ok {
			kept[i].level = d.level
			continue
		}
		if d.scoped && !slices.Contains(f.scopes, d.target) {
			if len(f.scopes) == maxScopes {
				return nil, &SyntaxError{Directive: directiveAt(text, p.start), Offset: p.start,
					Reason: fmt.Sprintf("span directives name more than %d different packages", maxScopes)}
			}
			f.scopes = append(f.scopes, d.target)
		}
		index[key] = len(kept)
		kept = append(kept, d)
	}
	for _, d := range kept {
		f.floor = min(f.floor, d.level)
		if d.scoped {
			f.scoped = append(f.scoped, d)
		} else {
			f.targets = append(f.targets, d)
			f.staticFloor = min(f.staticFloor, d.level)
		}
	}
	slices.SortFunc(f.targets, func(a, b directive) int { return strings.Compare(a.target, b.target) })
	slices.SortFunc(f.scoped, func(a, b directive) int { return strings.Compare(a.selector(), b.selector()) })
	slices.SortFunc(f.scopes, func(a, b string) int {
		return cmp.Or(cmp.Compare(len(b), len(a)), strings.Compare(a, b))
	})
	for _, d := range f.scoped {
		f.scopeOf = append(f.scopeOf, slices.Index(f.scopes, d.target))
	}
	f.unscoped = f.scopeMask("")
	f.byPath = len(f.targets) > 0 || len(f.scopes) > 0 && f.scopes[0] != ""
	return f, nil
}

// String returns the directives in canonical form: the default level
// first, if one was given, then the TARGET=LEVEL directives by target, then
// the span directives, each field list sorted by key, names quoted only
// where needed. Parse reads it back to an equal Filter.
func (f *Filter) String() string {
	var parts []string
	if f.hasDef {
		parts = append(parts, formatLevel(f.def))
	}
	for _, d := range f.targets {
		parts = append(parts, d.selector()+"="+formatLevel(d.level))
	}
	for _, d := range f.scoped {
		parts = append(parts, d.selector()+"="+formatLevel(d.level))
	}
	return strings.Join(parts, ",")
}

// Default returns the default level the directives name, and false when
// they name none (the Switch's default level applies then).
func (f *Filter) Default() (slog.Level, bool) { return f.def, f.hasDef }

// selector is the canonical text of d without its level.
func (d *directive) selector() string {
	var b strings.Builder
	if d.target != "" {
		b.WriteString(quoteName(d.target))
	}
	if !d.scoped {
		return b.String()
	}
	b.WriteByte('[')
	if d.span != "" {
		b.WriteString(quoteName(d.span))
	}
	if len(d.fields) > 0 {
		b.WriteByte('{')
		for i, fl := range d.fields {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(quoteName(fl.key))
			b.WriteByte('=')
			b.WriteString(quoteName(fl.value))
		}
		b.WriteByte('}')
	}
	b.WriteByte(']')
	return b.String()
}

func quoteName(s string) string {
	if needsQuotes(s) {
		return strconv.Quote(s)
	}
	return s
}

// matchTarget reports whether target names path or a package under it:
// target is path, or a prefix of it that ends at a slash.
func matchTarget(target, path string) bool {
	return strings.HasPrefix(path, target) && (len(path) == len(target) || target == "" || path[len(target)] == '/')
}

// static returns the level of the longest TARGET=LEVEL directive matching
// path, and false when none does.
func (f *Filter) static(path string) (slog.Level, bool) {
	if path == "" {
		return 0, false
	}
	for i := len(f.targets) - 1; i >= 0; i-- {
		if matchTarget(f.targets[i].target, path) {
			return f.targets[i].level, true
		}
	}
	return 0, false
}

// scopeMask returns the scopes whose target matches path, as bits by
// index in f.scopes. A path of "" (unknown) matches only the scope without
// a target.
func (f *Filter) scopeMask(path string) uint64 {
	var mask uint64
	for i, t := range f.scopes {
		if t == "" || path != "" && matchTarget(t, path) {
			mask |= 1 << i
		}
	}
	return mask
}
