package logfmttest

// Scrub returns a copy of b in which the values of the keys timestamp and
// latency_ms, which change from run to run, are replaced with the
// placeholders <timestamp> and <latency_ms>. It is ScrubKeys(b, "timestamp",
// "latency_ms"); see [ScrubKeys] for exactly what is replaced.
func Scrub(b []byte) []byte {
	return ScrubKeys(b, "timestamp", "latency_ms")
}

// ScrubKeys returns a copy of b in which the value of every key=value pair
// whose key is one of keys is replaced with the key's name in angle
// brackets: with key "timestamp", timestamp=2026-11-21T10:00:00.123456Z
// becomes timestamp=<timestamp>. b itself is never modified, and the result
// never shares memory with it.
//
// A key matches only as a whole word: it must start a line or follow a
// space, and be followed directly by '='. So with key "timestamp",
// xtimestamp=1, timestamp_ms=1 and "timestamp = 1" are left alone.
//
// The replaced value is either double-quoted or runs up to the next space,
// tab or line end. A quoted value is taken whole, up to its closing quote,
// skipping backslash escapes such as \" and \\; if the closing quote is
// missing, the value runs to the end of the line. An empty value (key= or
// key="") is left as is, so that a golden file still shows a value that is
// missing.
//
// A key inside a double-quoted string is not matched: in
// msg="timestamp=5", the message is left alone. Everything other than the
// replaced values, including lines that are not logfmt at all, is copied
// unchanged. Empty strings in keys are ignored.
func ScrubKeys(b []byte, keys ...string) []byte {
	out := make([]byte, 0, len(b))
	wordStart := true // at the start of a line or right after a space
	for i := 0; i < len(b); {
		if wordStart {
			if key, ok := matchKey(b[i:], keys); ok {
				start := i + len(key) + 1 // just past '='
				end := valueEnd(b, start)
				if v := b[start:end]; len(v) > 0 && string(v) != `""` {
					out = append(out, b[i:start]...)
					out = append(out, '<')
					out = append(out, key...)
					out = append(out, '>')
					i = end
					wordStart = false
					continue
				}
			}
		}
		switch c := b[i]; c {
		case '"':
			end := quotedEnd(b, i)
			out = append(out, b[i:end]...)
			i = end
			wordStart = false
			continue
		case ' ', '\n':
			wordStart = true
		default:
			wordStart = false
		}
		out = append(out, b[i])
		i++
	}
	return out
}

// matchKey reports which of keys b starts with, directly followed by '='.
func matchKey(b []byte, keys []string) (string, bool) {
	for _, k := range keys {
		if k != "" && len(b) > len(k) && b[len(k)] == '=' && string(b[:len(k)]) == k {
			return k, true
		}
	}
	return "", false
}

// valueEnd returns the index just past the value starting at b[start].
func valueEnd(b []byte, start int) int {
	if start < len(b) && b[start] == '"' {
		return quotedEnd(b, start)
	}
	i := start
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\r', '\n':
			return i
		}
		i++
	}
	return i
}

// quotedEnd returns the index just past the quoted string whose opening
// quote is b[start]: past its closing quote, or, if the string is not
// closed, at the end of its line.
func quotedEnd(b []byte, start int) int {
	i := start + 1
	for i < len(b) {
		switch b[i] {
		case '"':
			return i + 1
		case '\n', '\r':
			return i
		case '\\':
			if i+1 < len(b) && b[i+1] != '\n' && b[i+1] != '\r' {
				i++
			}
		}
		i++
	}
	return i
}
