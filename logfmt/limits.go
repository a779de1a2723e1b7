package logfmt

import (
	"strconv"
	"unicode/utf8"

	"github.com/spanlog/spanlog/redact"
)

// DefaultMaxValueBytes caps a value, message or key unless an option says
// otherwise: 16 KiB.
const DefaultMaxValueBytes = 16 << 10

// maxLineBytes caps a whole line while values are capped: go-logfmt's
// Decoder reads lines of up to 64 KiB, and every line must decode.
const maxLineBytes = 60 << 10

// limits are what a Handler or SpanProcessor does to values before
// encoding them: cap their length and hide secrets.
type limits struct {
	maxValue int // bytes; 0 means DefaultMaxValueBytes, negative no cap
	redact   *redact.Keys
}

// cap returns s cut to the value limit at a rune boundary, with a visible
// marker saying how much was cut: "…[truncated N bytes]". The common case,
// a short value, is one comparison, inlined.
func (l limits) cap(s string) string {
	if len(s) <= DefaultMaxValueBytes && l.maxValue == 0 {
		return s
	}
	return l.cut(s)
}

func (l limits) cut(s string) string {
	if len(s) <= l.maxKey() {
		return s
	}
	cut := l.maxKey()
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…[truncated " + strconv.Itoa(len(s)-cut) + " bytes]"
}

// maxKey is the length past which cap cuts a value, a key, a group name
// or a key prefix: the value cap, or no limit when the cap is off.
func (l limits) maxKey() int {
	switch {
	case l.maxValue == 0:
		return DefaultMaxValueBytes
	case l.maxValue < 0:
		return int(^uint(0) >> 1)
	default:
		return l.maxValue
	}
}

// secret reports whether the value of key must be hidden.
func (l limits) secret(key string) bool { return l.redact != nil && l.redact.Match(key) }

// capLine cuts a line of pairs (each starting with a space) that is longer
// than maxLineBytes at the last pair boundary that fits, and says how many
// bytes went: " line_truncated=N". Quoted values are never split. The
// common case, a short line, is inlined.
func (l limits) capLine(b []byte) []byte {
	if len(b) <= maxLineBytes || l.maxValue < 0 {
		return b
	}
	return cutLine(b)
}

func cutLine(b []byte) []byte {
	const room = len(" line_truncated=") + 20
	cut, inQuote, escaped := 0, false, false
	for i, c := range b[:maxLineBytes-room] {
		switch {
		case escaped:
			escaped = false
		case c == '\\' && inQuote:
			escaped = true
		case c == '"':
			inQuote = !inQuote
		case c == ' ' && !inQuote:
			cut = i
		}
	}
	dropped := len(b) - cut
	b = append(b[:cut], " line_truncated="...)
	return strconv.AppendInt(b, int64(dropped), 10)
}
