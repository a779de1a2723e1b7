package logfmt

import (
	"encoding/binary"
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
	plain := plainPrefix(k)
	if plain == len(k) && plain > 0 {
		return append(b, k...) // the common key, inlined
	}
	return appendEscapedKey(b, k, plain)
}

// appendEscapedKey appends k, whose first plain bytes need no escape.
func appendEscapedKey(b []byte, k string, plain int) []byte {
	if k == "" {
		return append(b, badKey...)
	}
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

// bareFrom reports whether s[i:] holds only plain bytes and printable
// multi-byte runes, so that s can be written bare.
func bareFrom(s string, i int) bool {
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if !plainValueByte[c] {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || !unicode.IsPrint(r) {
			return false
		}
		i += size
	}
	return true
}

// quotedAsIs marks the bytes that go between quotes as they are: printable
// ASCII but the quote and the backslash.
var quotedAsIs = func() (t [256]bool) {
	for c := ' '; c <= '~'; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// appendString appends s as a logfmt value: bare when it can be, otherwise
// quoted, with quotes, backslashes and every non-printable rune escaped in
// the JSON-like dialect go-logfmt decodes, and invalid UTF-8 replaced by
// U+FFFD. The result never contains a raw control byte.
func appendString(b []byte, s string) []byte {
	plain := plainPrefix(s) // scanned once: bare or not, it goes in as is
	if plain == len(s) && plain > 0 {
		return append(b, s...) // the common value
	}
	return appendQuotable(b, s, plain)
}

// appendQuotable appends s, whose first plain bytes are plain, bare or
// quoted as appendString says.
func appendQuotable(b []byte, s string, plain int) []byte {
	if s != "" && bareFrom(s, plain) {
		return append(b, s...)
	}
	b = append(b, '"')
	b = append(b, s[:plain]...)
	for i := plain; i < len(s); {
		run := i // copy runs of bytes that need no escape in one go
		for run < len(s) && quotedAsIs[s[run]] {
			run++
		}
		b = append(b, s[i:run]...)
		if i = run; i == len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default: // other controls and DEL
				b = appendEscapedRune(b, rune(c))
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
// a log line's cost, and the calendar part of a timestamp changes once a
// minute, so its text comes from lastMinute. Years outside 0–9999 fall
// back to AppendFormat.
func appendTime(b []byte, t time.Time) []byte {
	unix := t.Unix()
	minute := unix / 60
	sec := unix - minute*60
	if sec < 0 { // before 1970, the division rounds up
		minute, sec = minute-1, sec+60
	}
	var text [minuteTextLen]byte
	if !lastMinute.load(minute, &text) {
		u := t.UTC()
		year, month, day := u.Date()
		if year < 0 || year > 9999 {
			return u.AppendFormat(b, timeLayout)
		}
		hour, min, _ := u.Clock()
		text = [minuteTextLen]byte{
			twoDigits[year/100*2], twoDigits[year/100*2+1], twoDigits[year%100*2], twoDigits[year%100*2+1], '-',
			twoDigits[month*2], twoDigits[month*2+1], '-',
			twoDigits[day*2], twoDigits[day*2+1], 'T',
			twoDigits[hour*2], twoDigits[hour*2+1], ':',
			twoDigits[min*2], twoDigits[min*2+1], ':'}
		lastMinute.store(minute, &text)
	}
	micro := t.Nanosecond() / 1000
	b = append(b, text[:]...)
	return append(b,
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

// minuteTextLen is the length of a minute's text, "2006-01-02T15:04:".
const minuteTextLen = 17

// lastMinute holds the text of the minute formatted last: lines come many
// to a minute.
var lastMinute minuteCache

// minuteCache is a one-entry cache of a minute's text, read and written
// without a lock: a reader takes the words between two loads of seq and
// uses them only if seq did not move and was even (no write under way).
// A writer that finds another writing leaves the cache alone.
type minuteCache struct {
	seq    atomic.Uint64
	minute atomic.Int64 // minutes since 1970
	words  [3]atomic.Uint64
}

func (c *minuteCache) load(minute int64, text *[minuteTextLen]byte) bool {
	seq := c.seq.Load()
	if seq == 0 || seq&1 != 0 || c.minute.Load() != minute {
		return false
	}
	var buf [24]byte
	for i := range c.words {
		binary.LittleEndian.PutUint64(buf[8*i:], c.words[i].Load())
	}
	if c.seq.Load() != seq {
		return false
	}
	copy(text[:], buf[:])
	return true
}

func (c *minuteCache) store(minute int64, text *[minuteTextLen]byte) {
	seq := c.seq.Load()
	if seq&1 != 0 || !c.seq.CompareAndSwap(seq, seq+1) {
		return
	}
	var buf [24]byte
	copy(buf[:], text[:])
	c.minute.Store(minute)
	for i := range c.words {
		c.words[i].Store(binary.LittleEndian.Uint64(buf[8*i:]))
	}
	c.seq.Store(seq + 2)
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
