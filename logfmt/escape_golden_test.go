package logfmt

import (
	"bytes"
	"log/slog"
	"testing"

	"github.com/spanlog/spanlog/logfmt/logfmttest"
)

// hostileValues are inputs that have broken or forged log lines elsewhere.
var hostileValues = []struct{ name, value string }{
	{"newline", "ok\nlevel=ERROR msg=forged"},
	{"carriage_return", "50%\rdone"},
	{"escape_sequence", "\x1b[31mred\x1b[0m"},
	{"nul", "a\x00b"},
	{"del", "a\x7fb"},
	{"c1_csi", "a\u009b2Jb"},
	{"next_line", "a\u0085b"},
	{"line_separator", "a\u2028b\u2029c"},
	{"bidi_override", "user\u202egnp.exe"},
	{"quotes", `say "hi"`},
	{"backslash_end", `C:\dir\`},
	{"equals", "a=b"},
	{"empty", ""},
	{"null_text", "null"},
	{"invalid_utf8", "ok\xff\xfe"},
	{"unicode", "naïve café 日本"},
}

// The rendering of every hostile value is a reviewed golden file; each line
// must also decode back to the value (invalid bytes as U+FFFD).
func TestEscapingGolden(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(NewHandler(&buf, &HandlerOptions{ReplaceAttr: dropTime}))
	for _, hv := range hostileValues {
		log.Info(hv.name, "v", hv.value)
	}
	for _, key := range []string{"a b", "a=b", `a"b`, `a\b`, "a\nb", "", "k\xff"} {
		log.Info("key", key, 1)
	}
	lines := decodeLines(t, buf.Bytes())
	for i, hv := range hostileValues {
		if got, _ := get(lines[i], "v"); got != expectedValue(hv.value) {
			t.Errorf("%s decodes to %q, want %q", hv.name, got, expectedValue(hv.value))
		}
	}
	logfmttest.Golden(t, "testdata/escaping.golden", buf.Bytes())
}

func dropTime(_ []string, a slog.Attr) slog.Attr {
	if a.Key == slog.TimeKey {
		return slog.Attr{}
	}
	return a
}
