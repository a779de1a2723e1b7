package main

import (
	"unicode"
	"unicode/utf8"
)

// appendSafe appends v for a terminal: every byte that could move the
// cursor, repaint the screen or reorder text is shown escaped instead. A
// control character, DEL, C1 control, line or paragraph separator, bidi
// control or other non-printing rune prints as \u00XX or \uXXXX, a byte of
// invalid UTF-8 as \xNN. Tabs stay, so indented program output reads as it
// was written.
func appendSafe(b, v []byte) []byte {
	for i := 0; i < len(v); {
		c := v[i]
		if c >= 0x20 && c < 0x7f || c == '\t' {
			b = append(b, c)
			i++
			continue
		}
		r, size := utf8.DecodeRune(v[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, '\\', 'x', hexDigits[c>>4], hexDigits[c&0xf])
		case !unicode.IsPrint(r):
			b = append(b, '\\', 'u')
			if r > 0xffff {
				b = append(b, hexDigits[r>>20&0xf], hexDigits[r>>16&0xf])
			}
			b = append(b, hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
		default:
			b = append(b, v[i:i+size]...)
		}
		i += size
	}
	return b
}

const hexDigits = "0123456789abcdef"

// appendUnquoted appends a raw logfmt value for reading: without its
// quotes, with \" and \\ shown as the characters they stand for. Every
// other escape stays as written, so that a newline in a message shows as
// \n and cannot break the line; the result goes through appendSafe.
func appendUnquoted(b, v []byte) []byte {
	if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
		return appendSafe(b, v)
	}
	v = v[1 : len(v)-1]
	start := 0
	for i := 0; i < len(v); i++ {
		if v[i] != '\\' || i+1 == len(v) {
			continue
		}
		if n := v[i+1]; n == '"' || n == '\\' {
			b = appendSafe(b, v[start:i])
			b = append(b, n)
			i++
			start = i + 1
		} else {
			i++ // keep the escape as written
		}
	}
	return appendSafe(b, v[start:])
}

// displayWidth is the number of runes appendSafe would print for v, a good
// enough column count for aligning names.
func displayWidth(b []byte) int { return utf8.RuneCount(b) }
