package logfmt

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

func TestAppendString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"", `""`},
		{"two words", `"two words"`},
		{"a=b", `"a=b"`},
		{`say "hi"`, `"say \"hi\""`},
		{`trailing\`, `"trailing\\"`},
		{"line\nbreak", `"line\nbreak"`},
		{"cr\rlf", `"cr\rlf"`},
		{"tab\t", `"tab\t"`},
		{"nul\x00", `"nul\u0000"`},
		{"esc\x1b[31mred", `"esc\u001b[31mred"`},
		{"del\x7f", `"del\u007f"`},
		{"csi\u009b", `"csi\u009b"`},
		{"nel\u0085", `"nel\u0085"`},
		{"ls\u2028ps\u2029", `"ls\u2028ps\u2029"`},
		{"rlo\u202etxt", `"rlo\u202etxt"`},
		{"bad\xffutf8", "\"bad\uFFFDutf8\""},
		{"café", "café"},
		{"日本語", "日本語"},
		{"null", "null"},
		{"tag\U000E0001", `"tag\udb40\udc01"`},
	}
	for _, tt := range tests {
		if got := string(appendString(nil, tt.in)); got != tt.want {
			t.Errorf("appendString(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestAppendKey(t *testing.T) {
	tests := []struct{ in, want string }{
		{"http.method", "http.method"},
		{"", "!BADKEY"},
		{"a b", `a\u0020b`},
		{"a=b", `a\u003db`},
		{`a"b`, `a\u0022b`},
		{`a\b`, `a\\b`},
		{"a\nb", `a\u000ab`},
		{"bad\xff", `bad\xff`},
		{"bad\xc3", `bad\xc3`},
		{"\ufffd", `\ufffd`},
		{"ключ", "ключ"},
	}
	for _, tt := range tests {
		if got := string(appendKey(nil, tt.in)); got != tt.want {
			t.Errorf("appendKey(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

// Distinct keys must stay distinct once written: go-logfmt's own encoder
// strips bad bytes and so merges "a b" and "a=b" into "ab".
func TestAppendKeyKeepsKeysDistinct(t *testing.T) {
	keys := []string{"a\xfe", "a\xff", "a\ufffd", `a\xff`, "ab", "a b", "a=b", `a"b`, `a\b`, `a\u0020b`, `a\\u0020b`, "a\nb", "!BADKEY", ""}
	seen := map[string]string{}
	for _, k := range keys {
		got := string(appendKey(nil, k))
		if prev, dup := seen[got]; dup && k != "" && prev != "" {
			t.Errorf("keys %q and %q both print as %s", prev, k, got)
		}
		seen[got] = k
	}
}

// expectedKey is an independent statement of the key rule, used to check
// decoded keys: runes a decoder would stop at, and non-printing runes,
// become \uXXXX (UTF-16 pairs above U+FFFF), a backslash is doubled, and an
// invalid byte is \xNN.
func expectedKey(k string) string {
	if k == "" {
		return badKey
	}
	var sb strings.Builder
	for i, r := range k { // ranging turns each invalid byte into U+FFFD
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(k[i:], "\ufffd"):
			fmt.Fprintf(&sb, `\x%02x`, k[i])
		case r == '\\':
			sb.WriteString(`\\`)
		case r > ' ' && r < utf8.RuneSelf-1 && r != '=' && r != '"':
			sb.WriteRune(r)
		case r >= utf8.RuneSelf && r != utf8.RuneError && unicode.IsPrint(r):
			sb.WriteRune(r)
		default:
			sb.Write(appendEscapedRune(nil, r))
		}
	}
	return sb.String()
}

// expectedValue is the value a decoder reads back: the original with each
// invalid UTF-8 byte replaced by U+FFFD.
func expectedValue(v string) string { return string([]rune(v)) }

// assertSafeLine checks the line holds no raw control or other
// non-printing rune.
func assertSafeLine(t testing.TB, line []byte) {
	t.Helper()
	if !utf8.Valid(line) {
		t.Fatalf("line is not valid UTF-8: %q", line)
	}
	for _, r := range string(line) {
		if r != ' ' && !unicode.IsPrint(r) {
			t.Fatalf("raw %U in line %q", r, line)
		}
	}
}

func TestAppendTimeMatchesLayout(t *testing.T) {
	for _, tm := range []time.Time{
		time.Date(2026, 11, 21, 9, 5, 3, 123456789, time.UTC),
		time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.FixedZone("x", 5*3600)),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Unix(0, 0),
	} {
		want := tm.UTC().Format(timeLayout)
		if got := string(appendTime(nil, tm)); got != want {
			t.Errorf("appendTime(%v) = %s, want %s", tm, got, want)
		}
	}
}

// plainPrefix stops at the first byte that is not plain, wherever it is.
func TestPlainPrefix(t *testing.T) {
	for c := range 256 {
		for lane := range 8 {
			word := []byte("abcdefgh")
			word[lane] = byte(c)
			s := string(word)
			want := 8
			for i := range 8 {
				if !plainValueByte[s[i]] {
					want = i
					break
				}
			}
			if got := plainPrefix(s); got != want {
				t.Fatalf("plainPrefix(%q) = %d, want %d", s, got, want)
			}
		}
	}
}

// The cached minute gives the same text as working the fields out anew,
// across minute, hour, day and year boundaries.
func TestAppendTimeCacheAcrossBoundaries(t *testing.T) {
	start := time.Date(2026, 12, 31, 23, 58, 59, 999_999_000, time.UTC)
	for i := range 200 {
		tm := start.Add(time.Duration(i) * 700 * time.Millisecond)
		for range 2 { // the second call hits the cache
			if got, want := string(appendTime(nil, tm)), tm.Format(timeLayout); got != want {
				t.Fatalf("appendTime(%v) = %s, want %s", tm, got, want)
			}
		}
	}
}

// Goroutines formatting times of different minutes at once, so that the
// minute cache is written while it is read: every text stays right (-race
// checks the rest).
func TestAppendTimeConcurrentMinutes(t *testing.T) {
	base := time.Date(2026, 11, 30, 23, 58, 0, 0, time.UTC)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 2000 {
				tm := base.Add(time.Duration(g*61+i%3*60)*time.Second + time.Duration(i)*time.Microsecond)
				if got, want := string(appendTime(nil, tm)), tm.Format(timeLayout); got != want {
					t.Errorf("appendTime(%v) = %s, want %s", tm, got, want)
					return
				}
			}
		})
	}
	wg.Wait()
}
