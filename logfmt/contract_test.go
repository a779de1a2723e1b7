package logfmt

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/spanlog/spanlog/keys"
	"github.com/spanlog/spanlog/redact"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
)

// The line contract: every key at most once on a line, reserved keys
// written by spanlog only, and a fixed precedence among user keys.

// assertUniqueKeys fails when a decoded line holds a key twice.
func assertUniqueKeys(t testing.TB, line []pair) {
	t.Helper()
	seen := map[string]bool{}
	for _, p := range line {
		if seen[p.key] {
			t.Errorf("key %q appears twice on line %v", p.key, line)
		}
		seen[p.key] = true
	}
}

func TestRecordAttrWinsOverStoredField(t *testing.T) {
	var buf bytes.Buffer
	out := NewSyncWriter(&buf)
	tp, _ := newTestProvider(t, out, WithLines(0))
	ctx, span := tp.Tracer("t").Start(context.Background(), "trade",
		trace.WithAttributes(attribute.String("symbol", "AAPL"), attribute.String("side", "buy")))
	slog.New(NewHandler(out, nil)).InfoContext(ctx, "filled", "symbol", "MSFT")
	span.End()

	line := decodeLines(t, buf.Bytes())[0]
	assertUniqueKeys(t, line)
	if v, _ := get(line, "symbol"); v != "MSFT" {
		t.Errorf("symbol = %q, want the record's MSFT over the stored AAPL", v)
	}
	if v, _ := get(line, "side"); v != "buy" {
		t.Errorf("side = %q, want the stored field", v)
	}
}

func TestLastValueOfAKeyWinsWithinARecord(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(NewHandler(&buf, nil)).With("k", "with1", "k", "with2", "w", "x")
	log.Info("m", "k", "rec1", "a", 1, "k", "rec2")
	log.Info("m", "a", 2)
	lines := decodeLines(t, buf.Bytes())
	for _, l := range lines {
		assertUniqueKeys(t, l)
	}
	if v, _ := get(lines[0], "k"); v != "rec2" {
		t.Errorf("first line k = %q, want rec2 (the record's last value)", v)
	}
	if v, _ := get(lines[1], "k"); v != "with2" {
		t.Errorf("second line k = %q, want with2 (WithAttrs' last value)", v)
	}
	if got := stripTimestamps(buf.String()); !strings.Contains(got, "level=INFO msg=m w=x a=1 k=rec2") {
		t.Errorf("line order: %s", got)
	}
}

func TestReservedKeysArePrefixed(t *testing.T) {
	var buf bytes.Buffer
	out := NewSyncWriter(&buf)
	tp, _ := newTestProvider(t, out)
	ctx, span := tp.Tracer("t").Start(context.Background(), "op", trace.WithAttributes(
		attribute.String("trace_id", "forged"), attribute.String("span_event", "close_span"),
		attribute.String("level", "ERROR")))
	log := slog.New(NewHandler(out, nil))
	log.InfoContext(ctx, "hello", "msg", "forged", "timestamp", "1999", "span", "x", "latency_ms", 1)
	log.With("target", "t").InfoContext(ctx, "again")
	span.AddEvent("ev", trace.WithAttributes(attribute.String("links", "x"), attribute.String("level", "DEBUG")))
	span.End()

	lines := decodeLines(t, buf.Bytes())
	if len(lines) != 5 {
		t.Fatalf("%d lines, want 5:\n%s", len(lines), buf.String())
	}
	sc := span.SpanContext()
	for _, l := range lines {
		assertUniqueKeys(t, l)
		if v, _ := get(l, keys.TraceID); v != sc.TraceID().String() {
			t.Errorf("trace_id = %q on %v", v, l)
		}
		if v, _ := get(l, keys.Level); v != "INFO" {
			t.Errorf("level = %q on %v", v, l)
		}
		if v, ok := get(l, "fields.trace_id"); !ok || v != "forged" {
			t.Errorf("the stored trace_id field is not printed as fields.trace_id: %v", l)
		}
	}
	event := lines[1]
	for k, want := range map[string]string{"msg": "hello", "fields.msg": "forged", "fields.timestamp": "1999", "fields.span": "x", "fields.latency_ms": "1", "span": sc.SpanID().String()} {
		if v, _ := get(event, k); v != want {
			t.Errorf("%s = %q, want %q on %v", k, v, want, event)
		}
	}
	if v, _ := get(lines[2], "fields.target"); v != "t" {
		t.Errorf("WithAttrs target is not fields.target: %v", lines[2])
	}
	if v, _ := get(lines[3], "fields.links"); v != "x" {
		t.Errorf("span event attribute links is not fields.links: %v", lines[3])
	}
	if v, _ := get(lines[4], "span_event"); v != "close_span" {
		t.Errorf("span_event = %q on the close line", v)
	}
}

// Keys made reserved by ReplaceAttr are prefixed too; a builtin renamed by
// ReplaceAttr wins over a user attribute of the new name.
func TestReplaceAttrCannotForgeOrDuplicate(t *testing.T) {
	var buf bytes.Buffer
	rep := func(groups []string, a slog.Attr) slog.Attr {
		switch {
		case len(groups) == 0 && a.Key == slog.MessageKey:
			a.Key = "message"
		case a.Key == "user_level":
			a.Key = "level"
		}
		return a
	}
	slog.New(NewHandler(&buf, &HandlerOptions{ReplaceAttr: rep})).Info("real", "message", "fake", "user_level", "ERROR")
	line := decodeLines(t, buf.Bytes())[0]
	assertUniqueKeys(t, line)
	if v, _ := get(line, "message"); v != "real" {
		t.Errorf("message = %q, want the record's message", v)
	}
	if v, _ := get(line, "level"); v != "INFO" {
		t.Errorf("level = %q", v)
	}
	if v, _ := get(line, "fields.level"); v != "ERROR" {
		t.Errorf("fields.level = %q", v)
	}
}

func TestTimesBefore1970(t *testing.T) {
	for _, tm := range []time.Time{
		time.Date(1965, 3, 1, 10, 0, 7, 0, time.UTC),
		time.Unix(-1, 0),
		time.Unix(-1, 999_999_999),
		time.Date(1, 1, 1, 0, 0, 1, 1000, time.UTC),
	} {
		want := tm.UTC().Format(timeLayout)
		if got := string(appendTime(nil, tm)); got != want {
			t.Errorf("appendTime(%v) = %s, want %s", tm, got, want)
		}
	}
	var buf bytes.Buffer
	r := slog.NewRecord(time.Unix(-61, 0), slog.LevelInfo, "old", 0)
	r.AddAttrs(slog.Time("dob", time.Date(1965, 3, 1, 10, 0, 7, 0, time.UTC)))
	if err := NewHandler(&buf, nil).Handle(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	line := decodeLines(t, buf.Bytes())[0]
	if v, _ := get(line, "dob"); v != "1965-03-01T10:00:07.000000Z" {
		t.Errorf("dob = %q", v)
	}
	if v, _ := get(line, "timestamp"); v != "1969-12-31T23:58:59.000000Z" {
		t.Errorf("timestamp = %q", v)
	}

	buf.Reset()
	out := NewSyncWriter(&buf)
	tp, _ := newTestProvider(t, out)
	_, span := tp.Tracer("t").Start(context.Background(), "old", trace.WithTimestamp(time.Unix(-1, 0)))
	span.End(trace.WithTimestamp(time.Unix(1, 0)))
	if !strings.Contains(buf.String(), "timestamp=1969-12-31T23:59:59.000000Z") {
		t.Errorf("span start before 1970:\n%s", buf.String())
	}
}

func FuzzAppendTime(f *testing.F) {
	f.Add(int64(0), int64(0))
	f.Add(int64(-1), int64(999_999_999))
	f.Add(int64(-62135596800), int64(0))   // year 1
	f.Add(int64(253402300799), int64(999)) // 9999-12-31T23:59:59
	f.Add(int64(1<<25*60), int64(5))       // 2033, past an older cache's key
	f.Fuzz(func(t *testing.T, sec, nsec int64) {
		// Year 0 to 9999, before and after 1970.
		const lo, hi = -62167219200, 253402300799
		sec = lo + (sec%(hi-lo)+(hi-lo))%(hi-lo)
		tm := time.Unix(sec, nsec%1_000_000_000)
		want := tm.UTC().AppendFormat(nil, timeLayout)
		for range 2 { // the second call may come from the minute cache
			if got := appendTime(nil, tm); !bytes.Equal(got, want) {
				t.Fatalf("appendTime(%d, %d) = %s, want %s", sec, nsec, got, want)
			}
		}
	})
}

func TestNilWriterDiscards(t *testing.T) {
	h := NewHandler(nil, nil)
	if err := h.Handle(context.Background(), slog.NewRecord(time.Now(), slog.LevelInfo, "m", 0)); err != nil {
		t.Errorf("Handle with a nil writer: %v", err)
	}
	tp := newProviderWithChain(NewSpanProcessor(nil, nil))
	_, span := tp.Tracer("t").Start(context.Background(), "s")
	span.End()
	_ = tp.Shutdown(context.Background())
}

// slog.TextHandler prints a line when ReplaceAttr hands back a nil
// *slog.Source; so must the Handler.
func TestReplaceAttrReturningNilSource(t *testing.T) {
	var buf bytes.Buffer
	rep := func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.SourceKey {
			return slog.Any(slog.SourceKey, (*slog.Source)(nil))
		}
		return a
	}
	slog.New(NewHandler(&buf, &HandlerOptions{AddSource: true, ReplaceAttr: rep})).Info("m")
	line := decodeLines(t, buf.Bytes())[0]
	if v, _ := get(line, "msg"); v != "m" {
		t.Errorf("line %v", line)
	}
	if _, ok := get(line, "target"); ok {
		t.Errorf("a nil source printed a target: %v", line)
	}
}

func TestSecretGroupsAreRedactedWhole(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(NewHandler(&buf, &HandlerOptions{Redact: redact.New(redact.Common...)}))
	log.Info("a", slog.Group("authorization", "bearer", "s3cr3t-1"))
	log.Info("b", "token", credentials{"ann", "s3cr3t-2"})
	log.With("password", slog.GroupValue(slog.String("old", "s3cr3t-3"))).Info("c")
	log.WithGroup("req").Info("d", slog.Group("cookie", slog.String("session", "s3cr3t-4")))
	if strings.Contains(buf.String(), "s3cr3t") {
		t.Fatalf("a secret leaked:\n%s", buf.String())
	}
	lines := decodeLines(t, buf.Bytes())
	for i, k := range []string{"authorization", "token", "password", "req.cookie"} {
		if v, _ := get(lines[i], k); v != redact.Placeholder {
			t.Errorf("%s = %q on %v", k, v, lines[i])
		}
	}
}

func TestGroupNamesAreCapped(t *testing.T) {
	var buf bytes.Buffer
	long := strings.Repeat("g", 40<<10)
	slog.New(NewHandler(&buf, nil)).Info("m", slog.Group(long, "k", "v"))
	slog.New(NewHandler(&buf, nil)).WithGroup(long).Info("m", "k", "v")
	for _, l := range decodeLines(t, buf.Bytes()) {
		for _, p := range l {
			if len(p.key) > DefaultMaxValueBytes+64 {
				t.Errorf("a %d-byte key printed", len(p.key))
			}
		}
	}
}

// 1000 nested groups with 1 KiB names: the prefix is built once, not copied
// at every depth, and capped like a key.
func TestDeeplyNestedGroupsStayCheap(t *testing.T) {
	name := strings.Repeat("n", 1<<10)
	a := slog.String("leaf", "v")
	for range 1000 {
		a = slog.Group(name, a)
	}
	log := slog.New(NewHandler(io.Discard, nil))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	log.Info("deep", a)
	runtime.ReadMemStats(&after)
	if n := after.TotalAlloc - before.TotalAlloc; n > 8<<20 {
		t.Errorf("one Info call with 1000 nested groups allocated %d MiB", n>>20)
	}
	var buf bytes.Buffer
	slog.New(NewHandler(&buf, nil)).Info("deep", a)
	line := decodeLines(t, buf.Bytes())[0]
	if v, _ := get(line, "msg"); v != "deep" || len(buf.Bytes()) > maxLineBytes+1 {
		t.Errorf("%d-byte line, msg %q", buf.Len(), v)
	}
}

func TestInvalidBytesKeepKeysDistinct(t *testing.T) {
	var buf bytes.Buffer
	slog.New(NewHandler(&buf, nil)).Info("m", "a\xfe", 1, "a\xff", 2, "a\ufffd", 3)
	line := decodeLines(t, buf.Bytes())[0]
	assertUniqueKeys(t, line)
	if len(line) != 6 { // level, msg, three keys, timestamp
		t.Errorf("line %v", line)
	}
}
