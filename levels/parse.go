package levels

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on what Parse accepts, so that directives from a request or the
// environment cannot make the filter costly.
const (
	maxTextBytes  = 64 << 10 // length of the whole text
	maxDirectives = 256      // directives in one text
	maxScopes     = 64       // distinct targets among span directives
)

// SyntaxError is the error Parse returns for malformed directives.
type SyntaxError struct {
	// Directive is the directive as written, cut to 80 bytes; empty when
	// the text as a whole is at fault (it is empty or too long).
	Directive string
	// Offset is the 0-based byte offset, in the whole text, of the first
	// byte at fault.
	Offset int
	// Reason says what is wrong there.
	Reason string
}

func (e *SyntaxError) Error() string {
	if e.Directive == "" {
		return fmt.Sprintf("levels: at offset %d: %s", e.Offset, e.Reason)
	}
	return fmt.Sprintf("levels: directive %q at offset %d: %s", e.Directive, e.Offset, e.Reason)
}

// Parse reads comma-separated directives:
//
//	LEVEL                          the default level
//	TARGET=LEVEL                   a package and the packages under it
//	TARGET[SPAN]=LEVEL             that package, inside spans named SPAN
//	[SPAN]=LEVEL                   inside spans named SPAN
//	[SPAN{KEY=VALUE,...}]=LEVEL    inside spans named SPAN with those fields
//	[{KEY=VALUE,...}]=LEVEL        inside spans with those fields
//
// LEVEL is debug, info, warn or error in any case, optionally with an
// offset as slog writes one (info+2, debug-4), or off. A TARGET, SPAN, KEY
// or VALUE holding a space, a comma or one of []{}=" is written as a Go
// quoted string. Spaces may surround directives, not sit inside them.
//
// Malformed text gives a *SyntaxError naming the directive and the byte
// offset. When a selector appears twice, the later directive wins.
func Parse(text string) (*Filter, error) {
	if len(text) > maxTextBytes {
		return nil, &SyntaxError{Offset: maxTextBytes, Reason: fmt.Sprintf("directives are longer than %d bytes", maxTextBytes)}
	}
	p := parser{text: text}
	var list []parsed
	p.skipSpace()
	if p.eof() {
		return nil, &SyntaxError{Offset: p.pos, Reason: "no directives; write a level such as info"}
	}
	for {
		p.start = p.pos
		if len(list) == maxDirectives {
			return nil, p.fail(p.pos, fmt.Sprintf("more than %d directives", maxDirectives))
		}
		d, err := p.directive()
		if err != nil {
			return nil, err
		}
		list = append(list, parsed{d, p.start})
		p.skipSpace()
		if p.eof() {
			break
		}
		if p.peek() != ',' {
			return nil, p.fail(p.pos, "unexpected "+quoteRune(p.text[p.pos:])+"; separate directives with commas")
		}
		p.pos++
		p.skipSpace()
		if p.eof() || p.peek() == ',' {
			p.start = p.pos
			return nil, p.fail(p.pos, "empty directive")
		}
	}
	return build(text, list)
}

// parsed is a directive and the offset it starts at.
type parsed struct {
	d     directive
	start int
}

type parser struct {
	text  string
	pos   int
	start int // where the directive being read starts
}

func (p *parser) eof() bool  { return p.pos >= len(p.text) }
func (p *parser) peek() byte { return p.text[p.pos] }

func (p *parser) skipSpace() {
	for !p.eof() {
		switch p.peek() {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

// fail returns a SyntaxError at offset for the directive being read.
func (p *parser) fail(offset int, reason string) *SyntaxError {
	return &SyntaxError{Directive: directiveAt(p.text, p.start), Offset: offset, Reason: reason}
}

// directive reads one directive.
func (p *parser) directive() (directive, error) {
	if p.peek() == '[' {
		return p.scoped("")
	}
	tokStart := p.pos
	tok, quoted, err := p.token("level or package")
	if err != nil {
		return directive{}, err
	}
	if tok == "" && !quoted {
		if p.peek() == '=' {
			return directive{}, p.fail(tokStart, "missing package before =")
		}
		return directive{}, p.fail(tokStart, "unexpected "+quoteRune(p.text[p.pos:])+"; want a level, a package or [")
	}
	if !p.eof() {
		switch p.peek() {
		case ']', '{', '}':
			return directive{}, p.fail(p.pos, "unexpected "+quoteRune(p.text[p.pos:])+"; want =LEVEL or [")
		}
	}
	if p.eof() || p.peek() != '=' && p.peek() != '[' {
		if quoted {
			return directive{}, p.fail(tokStart, "a quoted package needs =LEVEL after it")
		}
		return p.levelFrom(tok, tokStart, directive{isDefault: true})
	}
	if err := p.checkTarget(tok, tokStart); err != nil {
		return directive{}, err
	}
	if p.peek() == '[' {
		return p.scoped(tok)
	}
	p.pos++ // '='
	return p.level(directive{target: tok})
}

// scoped reads the [SPAN{fields}]=LEVEL part of a span directive.
func (p *parser) scoped(target string) (directive, error) {
	open := p.pos
	p.pos++ // '['
	d := directive{target: target, scoped: true}
	if p.eof() {
		return d, p.fail(p.pos, "missing ] to close [")
	}
	switch p.peek() {
	case ']':
		return d, p.fail(open, "empty []; name a span or give {KEY=VALUE}")
	case '{':
	default:
		nameStart := p.pos
		name, _, err := p.token("span name")
		if err != nil {
			return d, err
		}
		if name == "" {
			return d, p.fail(nameStart, "empty span name")
		}
		d.span = name
	}
	if !p.eof() && p.peek() == '{' {
		fields, err := p.fields()
		if err != nil {
			return d, err
		}
		d.fields = fields
	}
	if err := p.expect(']', "] to close ["); err != nil {
		return d, err
	}
	if err := p.expect('=', "=LEVEL after ]"); err != nil {
		return d, err
	}
	return p.level(d)
}

// fields reads {KEY=VALUE,...}, sorted by key.
func (p *parser) fields() ([]field, error) {
	open := p.pos
	p.pos++ // '{'
	if !p.eof() && p.peek() == '}' {
		return nil, p.fail(open, "empty {}; give at least one KEY=VALUE")
	}
	var fields []field
	for {
		keyStart := p.pos
		key, _, err := p.token("field key")
		if err != nil {
			return nil, err
		}
		if key == "" {
			return nil, p.fail(keyStart, "empty field key")
		}
		for _, f := range fields {
			if f.key == key {
				return nil, p.fail(keyStart, "field "+strconv.Quote(key)+" given twice")
			}
		}
		if err := p.expect('=', "=VALUE after field key"); err != nil {
			return nil, err
		}
		value, _, err := p.token("field value")
		if err != nil {
			return nil, err
		}
		fields = append(fields, field{key: key, value: value})
		if p.eof() {
			return nil, p.fail(p.pos, "missing } to close {")
		}
		if p.peek() == '}' {
			p.pos++
			sortFields(fields)
			return fields, nil
		}
		if err := p.expect(',', ", or } after field value"); err != nil {
			return nil, err
		}
	}
}

// level reads the LEVEL that ends a directive.
func (p *parser) level(d directive) (directive, error) {
	start := p.pos
	tok, quoted, err := p.token("level")
	if err != nil {
		return d, err
	}
	if quoted || tok == "" {
		return d, p.fail(start, "missing level after =")
	}
	return p.levelFrom(tok, start, d)
}

func (p *parser) levelFrom(tok string, start int, d directive) (directive, error) {
	level, off, reason := parseLevel(tok)
	if reason != "" {
		return d, p.fail(start+off, reason)
	}
	d.level = level
	return d, nil
}

func (p *parser) expect(c byte, what string) error {
	if p.eof() {
		return p.fail(p.pos, "missing "+what)
	}
	if p.peek() != c {
		reason := "unexpected " + quoteRune(p.text[p.pos:]) + "; want " + what
		if r, _ := utf8.DecodeRuneInString(p.text[p.pos:]); unicode.IsSpace(r) {
			reason += "; quote names that hold spaces"
		}
		return p.fail(p.pos, reason)
	}
	p.pos++
	return nil
}

// token reads a bare or a quoted name. A bare name is a run of printable,
// non-space runes other than []{},="\; it may be empty.
func (p *parser) token(what string) (string, bool, error) {
	if !p.eof() && p.peek() == '"' {
		q, err := strconv.QuotedPrefix(p.text[p.pos:])
		if err != nil {
			return "", true, p.fail(p.pos, "malformed quoted "+what+"; quote as in Go: \"a b\"")
		}
		s, _ := strconv.Unquote(q)
		p.pos += len(q)
		return s, true, nil
	}
	start := p.pos
	for !p.eof() {
		r, size := utf8.DecodeRuneInString(p.text[p.pos:])
		if isSyntax(r) {
			break
		}
		if !isBare(r, size) {
			return "", false, p.fail(p.pos, "unexpected "+quoteRune(p.text[p.pos:])+" in "+what+"; quote names that hold spaces or special characters")
		}
		p.pos += size
	}
	return p.text[start:p.pos], false, nil
}

// checkTarget rejects targets that no package path or scope name written
// with slashes could match exactly: empty path segments.
func (p *parser) checkTarget(target string, start int) error {
	switch {
	case target == "":
		return p.fail(start, "empty package")
	case strings.HasPrefix(target, "/"), strings.HasSuffix(target, "/"):
		return p.fail(start, "package "+strconv.Quote(target)+" starts or ends with /")
	case strings.Contains(target, "//"):
		return p.fail(start+strings.Index(target, "//"), "package "+strconv.Quote(target)+" has an empty path segment")
	}
	return nil
}

// isSyntax reports whether r ends a bare name: one of the grammar's
// punctuation bytes, or a space that may end a directive.
func isSyntax(r rune) bool {
	switch r {
	case '[', ']', '{', '}', ',', '=', ' ', '\t', '\n', '\r':
		return true
	}
	return false
}

// isBare reports whether r may appear in a bare name.
func isBare(r rune, size int) bool {
	if r == utf8.RuneError && size == 1 {
		return false
	}
	return r != '"' && r != '\\' && r != ' ' && unicode.IsPrint(r)
}

// needsQuotes reports whether s must be quoted to read back as itself.
func needsQuotes(s string) bool {
	if s == "" {
		return true
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if isSyntax(r) || !isBare(r, size) {
			return true
		}
		i += size
	}
	return false
}

// quoteRune quotes the first rune of s, for error messages.
func quoteRune(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError && size == 1 {
		return fmt.Sprintf("byte %#x", s[0])
	}
	return strconv.QuoteRune(r)
}

// directiveAt returns the directive that starts at offset start: up to the
// next comma outside quotes, brackets and braces, cut to 80 bytes.
func directiveAt(text string, start int) string {
	depth, end := 0, len(text)
	for i := start; i < len(text); i++ {
		switch c := text[i]; {
		case c == '"':
			if q, err := strconv.QuotedPrefix(text[i:]); err == nil {
				i += len(q) - 1
			}
		case c == '[' || c == '{':
			depth++
		case c == ']' || c == '}':
			depth--
		case c == ',' && depth <= 0:
			end = i
		}
		if end != len(text) {
			break
		}
	}
	d := strings.TrimRight(text[start:end], " \t\r\n")
	if len(d) > 80 {
		d = strings.ToValidUTF8(d[:80], "") + "…"
	}
	return d
}
