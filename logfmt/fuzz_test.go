package logfmt

import (
	"bytes"
	"context"
	"github.com/spanlog/spanlog/keys"
	"log/slog"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
)

// FuzzHandlerRoundTrip checks that any key, value, group name and message
// come out as exactly one line that go-logfmt decodes to the documented
// keys and values, with no raw control or other non-printing rune.
//
//	go test ./logfmt -run '^$' -fuzz FuzzHandlerRoundTrip -fuzztime 60s
func FuzzHandlerRoundTrip(f *testing.F) {
	for _, s := range [][4]string{
		{"msg", "g", "k", "v"},
		{"", "", "", ""},
		{"a\nb", "grp=x", "k y", "say \"hi\"\r\n"},
		{"\x1b[2J", "\x00", "\\", "trailing\\"},
		{"\u2028", "\u202e", "k\xff", "v\xfe\xff"},
		{"null", "a.b", "=", "="},
		{"\u0085\u009b", "\t", "\"", "\U000E0001"},
		{"m", "", "level", "ERROR"},
		{"m", "", "timestamp", "1999"},
		{"m", "g", "trace_id", "x"},
	} {
		f.Add(s[0], s[1], s[2], s[3])
	}
	f.Fuzz(func(t *testing.T, msg, group, key, value string) {
		var buf bytes.Buffer
		log := slog.New(NewHandler(&buf, nil))
		log.LogAttrs(context.Background(), slog.LevelInfo, msg, slog.Group(group, slog.String(key, value)))

		out := buf.Bytes()
		if bytes.Count(out, []byte("\n")) != 1 || out[len(out)-1] != '\n' {
			t.Fatalf("not exactly one line: %q", out)
		}
		assertSafeLine(t, out[:len(out)-1])
		lines := decodeLines(t, out)
		wantKey := expectedKey(key)
		switch {
		case group != "":
			wantKey = expectedKey(group) + "." + wantKey
		case keys.IsReserved(key):
			wantKey = keys.UserPrefix + wantKey // spanlog's own keys are never forged
		}
		want := []pair{{"level", "INFO"}, {"msg", expectedValue(msg)}, {wantKey, expectedValue(value)}}
		got := lines[0]
		if len(got) != len(want)+1 || got[len(got)-1].key != timestampKey {
			t.Fatalf("decoded %v, want %v then timestamp", got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("pair %d: decoded %q, want %q (line %q)", i, got[i], want[i], out)
			}
		}
	})
}

// FuzzSpanLineRoundTrip does the same for span lines: span name, a stored
// field and a span event.
//
//	go test ./logfmt -run '^$' -fuzz FuzzSpanLineRoundTrip -fuzztime 60s
func FuzzSpanLineRoundTrip(f *testing.F) {
	f.Add("op", "k", "v", "event")
	f.Add("a\nb", "k=\"", "\x1b]0;pwned\a", "\u2029")
	f.Add("", "", "", "")
	f.Add("op", "span_event", "close_span", "e")
	f.Fuzz(func(t *testing.T, name, key, value, event string) {
		var buf bytes.Buffer
		tp, _ := newTestProvider(t, NewSyncWriter(&buf))
		_, span := tp.Tracer("t").Start(context.Background(), name,
			trace.WithTimestamp(time.Unix(1, 0)),
			trace.WithAttributes(attribute.String(key, value)))
		span.AddEvent(event)
		span.End()

		out := buf.Bytes()
		if bytes.Count(out, []byte("\n")) != 3 {
			t.Fatalf("want 3 lines, got %q", out)
		}
		assertSafeLine(t, bytes.ReplaceAll(out, []byte("\n"), nil))
		lines := decodeLines(t, out)
		wantField := pair{expectedKey(key), expectedValue(value)}
		switch {
		case key == "": // the SDK drops attributes with an empty key
			wantField = pair{}
		case keys.IsReserved(key):
			wantField.key = keys.UserPrefix + wantField.key
		}
		for i, l := range lines {
			if i != 1 {
				if got, _ := get(l, "span_name"); got != expectedValue(name) {
					t.Fatalf("span_name = %q, want %q", got, expectedValue(name))
				}
			} else if got, _ := get(l, "msg"); got != expectedValue(event) {
				t.Fatalf("event msg = %q, want %q", got, expectedValue(event))
			}
			if wantField.key == "" || key == keys.Latency {
				continue // storage replaces a latency_ms of the user's
			}
			assertUniqueKeys(t, l)
			if last := l[len(l)-1]; i != 1 && last != wantField {
				t.Fatalf("line %d ends with %q, want %q", i, last, wantField)
			}
		}
	})
}
