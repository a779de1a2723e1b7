package main

import (
	"bytes"
	"unicode/utf8"
)

// pair is one key=value of a logfmt line, as offsets into the line, so that
// it stays valid when the line is copied. The value is raw: a quoted value
// keeps its quotes and escapes.
type pair struct {
	keyStart, keyEnd int32
	valStart, valEnd int32 // empty for a key alone (valStart == keyEnd) or key= (keyEnd+1)
}

func (p pair) key(line []byte) []byte { return line[p.keyStart:p.keyEnd] }
func (p pair) val(line []byte) []byte { return line[p.valStart:p.valEnd] }

// whole returns the pair as written: key, '=' and raw value.
func (p pair) whole(line []byte) []byte {
	if p.valEnd > p.keyEnd {
		return line[p.keyStart:p.valEnd]
	}
	return line[p.keyStart:p.keyEnd]
}

// scanPairs splits one line (without its newline) into its key=value pairs,
// appending them to ps[:0]. It accepts exactly the lines go-logfmt's Decoder
// accepts as one record and reports false for the others, leaving ps in an
// unspecified state. It never panics and does not allocate unless ps must
// grow.
//
// As in go-logfmt: bytes up to and including ' ' separate pairs; a key runs
// up to '=' or a separator and may not hold '"' or invalid UTF-8; a bare
// value may not hold '=' or '"'; a quoted value with a backslash must use
// only go-logfmt's escapes (\" \\ \/ \' \b \f \n \r \t \uXXXX) and no raw
// control character.
func scanPairs(line []byte, ps []pair) ([]pair, bool) {
	ps = ps[:0]
	if len(line) > maxLineBytes {
		return ps, false
	}
	i, n := 0, len(line)
	for {
		for i < n && line[i] <= ' ' {
			i++
		}
		if i == n {
			return ps, true
		}
		var p pair
		p.keyStart = int32(i)
		multibyte := false
	key:
		for ; i < n; i++ {
			switch c := line[i]; {
			case c == '=' || c <= ' ':
				break key
			case c == '"':
				return ps, false
			case c >= utf8.RuneSelf:
				multibyte = true
			}
		}
		p.keyEnd = int32(i)
		if p.keyEnd == p.keyStart {
			return ps, false // '=' with no key before it
		}
		if multibyte && bytes.ContainsRune(line[p.keyStart:p.keyEnd], utf8.RuneError) {
			return ps, false
		}
		p.valStart, p.valEnd = int32(i), int32(i)
		if i < n && line[i] == '=' {
			i++
			p.valStart, p.valEnd = int32(i), int32(i)
			switch {
			case i == n || line[i] <= ' ':
				// key= with an empty value
			case line[i] == '"':
				end, ok := quotedEnd(line, i)
				if !ok {
					return ps, false
				}
				p.valStart, p.valEnd = int32(i), int32(end)
				i = end
			default:
				start := i
				for ; i < n && line[i] > ' '; i++ {
					if c := line[i]; c == '=' || c == '"' {
						return ps, false
					}
				}
				p.valStart, p.valEnd = int32(start), int32(i)
			}
		}
		ps = append(ps, p)
	}
}

// quotedEnd returns the index just past the quoted value that opens at
// line[start], and whether it is one go-logfmt decodes.
func quotedEnd(line []byte, start int) (int, bool) {
	escaped, hasEscape := false, false
	for i := start + 1; i < len(line); i++ {
		switch c := line[i]; {
		case escaped:
			escaped = false
		case c == '\\':
			escaped, hasEscape = true, true
		case c == '"':
			if hasEscape && !validEscapes(line[start+1:i]) {
				return 0, false
			}
			return i + 1, true
		}
	}
	return 0, false // unterminated
}

// validEscapes reports whether s, the inside of a quoted value holding a
// backslash, unquotes in go-logfmt: known escapes only, four hex digits
// after \u, and no raw quote or control byte.
func validEscapes(s []byte) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\':
			i++
			if i == len(s) {
				return false
			}
			switch s[i] {
			case '"', '\\', '/', '\'', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+5 > len(s) {
					return false
				}
				for _, h := range s[i+1 : i+5] {
					if !isHex(h) {
						return false
					}
				}
				i += 4
			default:
				return false
			}
		case c == '"' || c < ' ':
			return false
		}
	}
	return true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
