package logfmt

import (
	"strconv"
	"sync/atomic"
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

// plainValueByte marks the bytes that may appear in an unquoted value as
// they are: printable ASCII but space and = " \ (the quote and backslash
// would make a go-logfmt decoder read escapes or fail). Bytes of multi-byte
// runes are false: they need a closer look.
var plainValueByte = func() (t [256]bool) {
	for c := '!'; c <= '~'; c++ {
		t[c] = c != '=' && c != '"' && c != '\\'
	}
	return t
}()

// appendKey appends k as a logfmt key. Keys are never quoted, so every byte
// that a logfmt decoder would read as the end of the key, and every rune that
// is not printable, is written as a \uXXXX escape; a backslash is doubled so
// that the escaping stays unambiguous, and each byte of invalid UTF-8 is
// written \xNN. Distinct keys therefore print distinct. An empty key is
// written as !BADKEY.
func appendKey(b []byte, k string) []byte {
	if k == "" {
		return append(b, badKey...)
	}
	// The common key is all plain bytes: copy it in one go.
	plain := plainPrefix(k)
	b = append(b, k[:plain]...)
	for i := plain; i < len(k); {
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
		switch {
		case r == utf8.RuneError && size == 1:
			// An invalid byte is written \xNN, so "a\xfe" and "a\xff"
			// stay two keys, and neither reads as a real U+FFFD.
			b = append(b, '\\', 'x', hexDigits[c>>4], hexDigits[c&0xF])
		case r == utf8.RuneError || !unicode.IsPrint(r):
			// go-logfmt rejects a key holding U+FFFD, so it is escaped.
			b = appendEscapedRune(b, r)
		default:
			b = append(b, k[i:i+size]...)
		}
		i += size
	}
	return b
}

// plainPrefix returns the length of the longest prefix of s made of plain
// bytes.
func plainPrefix(s string) int {
	for i := 0; i < len(s); i++ {
		if !plainValueByte[s[i]] {
			return i
		}
	}
	return len(s)
}

// needsQuoting reports whether s cannot be written as a bare value.
func needsQuoting(s string) bool {
	if s == "" {
		return true
	}
	for i := plainPrefix(s); i < len(s); {
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

// appendTime appends t in timeLayout, in UTC. It is written out by hand:
// time.AppendFormat interprets its layout on every call, which was 40% of
// a log line's cost. Years outside 0–9999 fall back to AppendFormat.
func appendTime(b []byte, t time.Time) []byte {
	t = t.UTC()
	d, ok := dateOf(t)
	if !ok {
		return t.AppendFormat(b, timeLayout)
	}
	micro := t.Nanosecond() / 1000
	sec := t.Unix() % 60
	if sec < 0 { // before 1970, the remainder is negative
		sec += 60
	}
	return append(b,
		twoDigits[d.year/100*2], twoDigits[d.year/100*2+1], twoDigits[d.year%100*2], twoDigits[d.year%100*2+1], '-',
		twoDigits[d.month*2], twoDigits[d.month*2+1], '-',
		twoDigits[d.day*2], twoDigits[d.day*2+1], 'T',
		twoDigits[d.hour*2], twoDigits[d.hour*2+1], ':',
		twoDigits[d.minute*2], twoDigits[d.minute*2+1], ':',
		twoDigits[sec*2], twoDigits[sec*2+1], '.',
		twoDigits[micro/10000*2], twoDigits[micro/10000*2+1],
		twoDigits[micro/100%100*2], twoDigits[micro/100%100*2+1],
		twoDigits[micro%100*2], twoDigits[micro%100*2+1], 'Z')
}

// twoDigits holds "00" to "99", two bytes each.
const twoDigits = "00010203040506070809" +
	"10111213141516171819" +
	"20212223242526272829" +
	"30313233343536373839" +
	"40414243444546474849" +
	"50515253545556575859" +
	"60616263646566676869" +
	"70717273747576777879" +
	"80818283848586878889" +
	"90919293949596979899"

// civil is a UTC minute broken into its calendar fields.
type civil struct{ year, month, day, hour, minute int }

// lastMinute caches the calendar fields of the minute formatted last,
// packed with the minute's number into one word: lines come many to a
// minute, and working the fields out of a time is most of formatting it.
var lastMinute atomic.Uint64

// dateOf returns t's calendar fields down to the minute, or false for
// years outside 0–9999.
func dateOf(t time.Time) (civil, bool) {
	unix := t.Unix()
	minute := unix / 60
	if unix >= 0 && minute < 1<<25 { // 1970 to 2033 fit the cache's key
		if w := lastMinute.Load(); w != 0 && int64(w>>34) == minute {
			return unpackCivil(w), true
		}
	}
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		return civil{}, false
	}
	hour, min, _ := t.Clock()
	c := civil{year, int(month), day, hour, min}
	if unix >= 0 && minute < 1<<25 {
		lastMinute.Store(uint64(minute)<<34 | packCivil(c))
	}
	return c, true
}

// packCivil packs the fields in 34 bits: year 14, month 4, day 5, hour 5,
// minute 6.
func packCivil(c civil) uint64 {
	return uint64(c.year)<<20 | uint64(c.month)<<16 | uint64(c.day)<<11 | uint64(c.hour)<<6 | uint64(c.minute)
}

func unpackCivil(w uint64) civil {
	return civil{
		year:   int(w >> 20 & (1<<14 - 1)),
		month:  int(w >> 16 & 0xF),
		day:    int(w >> 11 & 0x1F),
		hour:   int(w >> 6 & 0x1F),
		minute: int(w & 0x3F),
	}
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
// written directly; slices and other kinds use the SDK's String form.
func appendAttributeValue(b []byte, v attribute.Value, lim limits) []byte {
	switch v.Type() {
	case attribute.BOOL:
		return strconv.AppendBool(b, v.AsBool())
	case attribute.INT64:
		return strconv.AppendInt(b, v.AsInt64(), 10)
	case attribute.FLOAT64:
		return appendFloat(b, v.AsFloat64())
	case attribute.STRING:
		return appendString(b, lim.cap(v.AsString()))
	default:
		return appendString(b, lim.cap(v.String()))
	}
}
