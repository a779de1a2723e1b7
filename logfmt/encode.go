package logfmt

import (
	"strconv"
	"time"
	"unicode"
	"unicode/utf8"

	"go.opentelemetry.io/otel/attribute"
)

// badKey replaces an empty key, as slog does for a key it cannot use.
const badKey = "!BADKEY"

// timeLayout is the layout of every timestamp spanlog prints: RFC 3339 in
// UTC with microseconds, always the same width.
const timeLayout = "2006-01-02T15:04:05.000000Z07:00"

const hexDigits = "0123456789abcdef"

// plainValueByte marks the ASCII bytes that may appear in an unquoted value:
// printable, not space, and none of = " \ (the quote and backslash would make
// a go-logfmt decoder read escapes or fail).
var plainValueByte = func() (t [utf8.RuneSelf]bool) {
	for c := '!'; c <= '~'; c++ {
		t[c] = c != '=' && c != '"' && c != '\\'
	}
	return t
}()

// appendKey appends k as a logfmt key. Keys are never quoted, so every byte
// that a logfmt decoder would read as the end of the key, and every rune that
// is not printable, is written as a \uXXXX escape; a backslash is doubled so
// that the escaping stays unambiguous, and invalid UTF-8 becomes \ufffd. An
// empty key is written as !BADKEY.
func appendKey(b []byte, k string) []byte {
	if k == "" {
		return append(b, badKey...)
	}
	for i := 0; i < len(k); {
		c := k[i]
		if c < utf8.RuneSelf {
			switch {
			case plainValueByte[c]:
				b = append(b, c)
			case c == '\\':
				b = append(b, '\\', '\\')
			default:
				b = appendEscapedRune(b, rune(c))
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(k[i:])
		// go-logfmt rejects a key holding U+FFFD, so it is always escaped.
		if r == utf8.RuneError || !unicode.IsPrint(r) {
			b = appendEscapedRune(b, r)
		} else {
			b = append(b, k[i:i+size]...)
		}
		i += size
	}
	return b
}

// needsQuoting reports whether s cannot be written as a bare value.
func needsQuoting(s string) bool {
	if s == "" {
		return true
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if !plainValueByte[c] {
				return true
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || !unicode.IsPrint(r) {
			return true
		}
		i += size
	}
	return false
}

// appendString appends s as a logfmt value: bare when it can be, otherwise
// quoted, with quotes, backslashes and every non-printable rune escaped in
// the JSON-like dialect go-logfmt decodes, and invalid UTF-8 replaced by
// U+FFFD. The result never contains a raw control byte.
func appendString(b []byte, s string) []byte {
	if !needsQuoting(s) {
		return append(b, s...)
	}
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < ' ' || c == utf8.RuneSelf-1:
				b = appendEscapedRune(b, rune(c))
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = utf8.AppendRune(b, utf8.RuneError)
		case !unicode.IsPrint(r):
			b = appendEscapedRune(b, r)
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

// appendEscapedRune appends r as \uXXXX, or as a UTF-16 surrogate pair of
// such escapes when r is outside the Basic Multilingual Plane.
func appendEscapedRune(b []byte, r rune) []byte {
	if r > 0xFFFF {
		r -= 0x10000
		b = appendU4(b, 0xD800+(r>>10)&0x3FF)
		return appendU4(b, 0xDC00+r&0x3FF)
	}
	return appendU4(b, r)
}

func appendU4(b []byte, r rune) []byte {
	return append(b, '\\', 'u',
		hexDigits[r>>12&0xF], hexDigits[r>>8&0xF], hexDigits[r>>4&0xF], hexDigits[r&0xF])
}

// appendTime appends t in timeLayout, in UTC.
func appendTime(b []byte, t time.Time) []byte {
	return t.UTC().AppendFormat(b, timeLayout)
}

// appendFloat appends f in the shortest form that reads back exactly.
func appendFloat(b []byte, f float64) []byte {
	return strconv.AppendFloat(b, f, 'g', -1, 64)
}

// appendMillis appends a latency in milliseconds without an exponent.
func appendMillis(b []byte, ms float64) []byte {
	return strconv.AppendFloat(b, ms, 'f', -1, 64)
}

// appendAttributeValue appends an OpenTelemetry attribute value. Scalars are
// written directly; slices and other kinds use the SDK's Emit form.
func appendAttributeValue(b []byte, v attribute.Value) []byte {
	switch v.Type() {
	case attribute.BOOL:
		return strconv.AppendBool(b, v.AsBool())
	case attribute.INT64:
		return strconv.AppendInt(b, v.AsInt64(), 10)
	case attribute.FLOAT64:
		return appendFloat(b, v.AsFloat64())
	case attribute.STRING:
		return appendString(b, v.AsString())
	default:
		return appendString(b, v.Emit())
	}
}
