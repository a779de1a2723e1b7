package logfmt

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"testing/slogtest"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

func TestSlogtest(t *testing.T) {
	var buf bytes.Buffer
	slogtest.Run(t,
		func(*testing.T) slog.Handler {
			buf.Reset()
			return NewHandler(&buf, nil)
		},
		func(t *testing.T) map[string]any {
			lines := decodeLines(t, buf.Bytes())
			if len(lines) != 1 {
				t.Fatalf("want 1 line, got %d: %q", len(lines), buf.String())
			}
			return nestedResult(lines[0])
		})
}

// nestedResult turns a decoded line into slogtest's shape: dotted keys
// become nested maps and timestamp is slog's time key.
func nestedResult(line []pair) map[string]any {
	m := map[string]any{}
	for _, p := range line {
		key := p.key
		if key == timestampKey {
			key = slog.TimeKey
		}
		parts := strings.Split(key, ".")
		cur := m
		for _, g := range parts[:len(parts)-1] {
			next, ok := cur[g].(map[string]any)
			if !ok {
				next = map[string]any{}
				cur[g] = next
			}
			cur = next
		}
		cur[parts[len(parts)-1]] = p.value
	}
	return m
}

// newTestProvider returns a provider whose chain is storage → span lines on
// w → an in-memory exporter, synchronously.
func newTestProvider(t testing.TB, w *SyncWriter, opts ...SpanOption) (*sdktrace.TracerProvider, *tracetest.InMemoryExporter) {
	t.Helper()
	exp := tracetest.NewInMemoryExporter()
	tp := newProviderWithChain(NewSpanProcessor(w, sdktrace.NewSimpleSpanProcessor(exp), opts...))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	return tp, exp
}

func TestHandlerAddsSpanIDsAndStoredFields(t *testing.T) {
	var buf bytes.Buffer
	out := NewSyncWriter(&buf)
	tp, _ := newTestProvider(t, out, WithLines(0))
	log := slog.New(NewHandler(out, nil))

	ctx, parent := tp.Tracer("t").Start(context.Background(), "parent",
		trace.WithAttributes(attribute.String("a", "1"), attribute.String("b", "2")))
	ctx, child := tp.Tracer("t").Start(ctx, "child", trace.WithAttributes(attribute.String("b", "3")))
	log.WithGroup("g").InfoContext(ctx, "inside", "k", "v")
	child.End()
	parent.End()
	log.Info("outside")

	lines := decodeLines(t, buf.Bytes())
	if len(lines) != 2 {
		t.Fatalf("want 2 lines, got %q", buf.String())
	}
	in := lines[0]
	sc := child.SpanContext()
	for key, want := range map[string]string{
		"msg": "inside", "g.k": "v", "span": sc.SpanID().String(),
		"trace_id": sc.TraceID().String(), "a": "1", "b": "3",
	} {
		if got, _ := get(in, key); got != want {
			t.Errorf("%s = %q, want %q in %v", key, got, want, in)
		}
	}
	if n := count(in, "b"); n != 1 {
		t.Errorf("b printed %d times: %v", n, in)
	}
	for _, key := range []string{"span", "trace_id", "a"} {
		if _, ok := get(lines[1], key); ok {
			t.Errorf("line outside any span has %s: %v", key, lines[1])
		}
	}
}

func TestHandlerPrintsIDsOfNonRecordingSpan(t *testing.T) {
	var buf bytes.Buffer
	sc := trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: trace.TraceID{1}, SpanID: trace.SpanID{2}, TraceFlags: 0,
	})
	ctx := trace.ContextWithSpanContext(context.Background(), sc)
	slog.New(NewHandler(&buf, nil)).ErrorContext(ctx, "not sampled")
	line := decodeLines(t, buf.Bytes())[0]
	if got, _ := get(line, "span"); got != sc.SpanID().String() {
		t.Errorf("span = %q, want %s", got, sc.SpanID())
	}
	if got, _ := get(line, "trace_id"); got != sc.TraceID().String() {
		t.Errorf("trace_id = %q, want %s", got, sc.TraceID())
	}
}

func TestErrorRecordMarksSpan(t *testing.T) {
	for _, leave := range []bool{false, true} {
		var buf bytes.Buffer
		out := NewSyncWriter(&buf)
		tp, exp := newTestProvider(t, out)
		log := slog.New(NewHandler(out, &HandlerOptions{LeaveSpanStatus: leave}))
		ctx, span := tp.Tracer("t").Start(context.Background(), "work")
		log.WarnContext(ctx, "only a warning")
		log.ErrorContext(ctx, "it failed")
		span.End()

		status := exp.GetSpans()[0].Status
		lines := decodeLines(t, buf.Bytes())
		closeLevel, _ := get(lines[len(lines)-1], "level")
		if leave {
			if status.Code != codes.Unset || closeLevel != "INFO" {
				t.Errorf("LeaveSpanStatus: status %v, close level %s; want Unset, INFO", status, closeLevel)
			}
			continue
		}
		if status.Code != codes.Error || status.Description != "it failed" {
			t.Errorf("status = %+v, want Error \"it failed\"", status)
		}
		if closeLevel != "ERROR" {
			t.Errorf("close_span level = %s, want ERROR", closeLevel)
		}
	}
}

func TestHandlerLevelAndNilContext(t *testing.T) {
	var buf bytes.Buffer
	h := NewHandler(&buf, &HandlerOptions{Level: slog.LevelWarn})
	if h.Enabled(context.Background(), slog.LevelInfo) {
		t.Error("INFO enabled at level WARN")
	}
	r := slog.NewRecord(time.Time{}, slog.LevelWarn, "nil ctx", 0)
	//lint:ignore SA1012 a nil context is what this test is about
	if err := h.Handle(nil, r); err != nil { //nolint:staticcheck
		t.Fatal(err)
	}
	if got := buf.String(); got != "level=WARN msg=\"nil ctx\"\n" {
		t.Errorf("got %q", got)
	}
}

func TestAddSource(t *testing.T) {
	var buf bytes.Buffer
	slog.New(NewHandler(&buf, &HandlerOptions{AddSource: true})).Info("here")
	line := decodeLines(t, buf.Bytes())[0]
	if got, _ := get(line, "target"); got != "github.com/spanlog/spanlog/logfmt" {
		t.Errorf("target = %q", got)
	}
	if got, _ := get(line, "location"); !strings.HasPrefix(got, "logfmt/handler_test.go:") {
		t.Errorf("location = %q", got)
	}
}

func TestReplaceAttrOnBuiltins(t *testing.T) {
	var buf bytes.Buffer
	var seen []string
	h := NewHandler(&buf, &HandlerOptions{
		AddSource: true,
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			seen = append(seen, strings.Join(append(groups, a.Key), "."))
			switch a.Key {
			case slog.TimeKey:
				return slog.Attr{}
			case slog.SourceKey:
				return slog.String("src", "hidden")
			case "password":
				return slog.String("password", "REDACTED")
			}
			return a
		},
	})
	slog.New(h).WithGroup("req").Info("login", "password", "hunter2")
	got := buf.String()
	want := "level=INFO msg=login req.password=REDACTED src=hidden\n"
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if strings.Join(seen, " ") != "level msg req.password source time" {
		t.Errorf("ReplaceAttr saw %v", seen)
	}
}

func TestReplaceAttrKeepsTimeAsTimestamp(t *testing.T) {
	var buf bytes.Buffer
	h := NewHandler(&buf, &HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr { return a }})
	at := time.Date(2026, 11, 21, 10, 0, 0, 123456789, time.UTC)
	r := slog.NewRecord(at, slog.LevelInfo, "m", 0)
	if err := h.Handle(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	if want := "level=INFO msg=m timestamp=2026-11-21T10:00:00.123456Z\n"; buf.String() != want {
		t.Errorf("got %q, want %q", buf.String(), want)
	}
}

// Siblings made from one parent must not share a backing array
// (slog's TestSecondWith).
func TestWithAttrsSiblingsAreIsolated(t *testing.T) {
	var buf bytes.Buffer
	base := slog.New(NewHandler(&buf, nil)).With("a", 1, "b", 2)
	x := base.With("x", 1)
	y := base.With("y", 2)
	x.Info("m")
	y.Info("m")
	base.Info("m")
	want := "level=INFO msg=m a=1 b=2 x=1\nlevel=INFO msg=m a=1 b=2 y=2\nlevel=INFO msg=m a=1 b=2\n"
	if got := stripTimestamps(buf.String()); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestWithGroupEmptyNameReturnsReceiver(t *testing.T) {
	h := NewHandler(&bytes.Buffer{}, nil)
	if h.WithGroup("") != slog.Handler(h) {
		t.Error("WithGroup(\"\") did not return the receiver")
	}
}

// Values that fail while being printed still give a line.
type panicStringer struct{}

func (panicStringer) String() string { panic("boom") }

type nilPointerStringer struct{ name string }

func (s *nilPointerStringer) String() string { return s.name }

type panicValuer struct{}

func (panicValuer) LogValue() slog.Value { panic("valuer boom") }

func TestFaultyValues(t *testing.T) {
	var buf bytes.Buffer
	var nilErr error
	var typedNil *nilPointerStringer
	slog.New(NewHandler(&buf, nil)).Info("faulty",
		"stringer", panicStringer{},
		"nilptr", typedNil,
		"nilerr", nilErr,
		"valuer", panicValuer{},
		"err", errors.New("plain"),
	)
	line := decodeLines(t, buf.Bytes())[0]
	for key, want := range map[string]string{
		"stringer": "!PANIC: boom",
		"nilptr":   "<nil>",
		"nilerr":   "<nil>",
		"err":      "plain",
		"valuer":   "!PANIC: valuer boom",
	} {
		if got, _ := get(line, key); got != want {
			t.Errorf("%s = %q, want %q", key, got, want)
		}
	}
}

type failingWriter struct{ err error }

func (w failingWriter) Write([]byte) (int, error) { return 0, w.err }

func TestHandleReturnsWriterError(t *testing.T) {
	werr := errors.New("disk full")
	h := NewHandler(failingWriter{werr}, nil)
	err := h.Handle(context.Background(), slog.NewRecord(time.Now(), slog.LevelInfo, "m", 0))
	if !errors.Is(err, werr) {
		t.Errorf("Handle returned %v, want %v", err, werr)
	}
}

// Many goroutines on clones of one handler over a writer that is not safe
// for concurrent use: every line arrives whole (slog's TestConcurrentWrites).
func TestConcurrentWritesStayWhole(t *testing.T) {
	var buf bytes.Buffer
	base := slog.New(NewHandler(&buf, nil))
	const goroutines, perG = 100, 20
	var wg sync.WaitGroup
	for i := range goroutines {
		log := base.With("g", i)
		if i%2 == 0 {
			log = log.WithGroup("even")
		}
		wg.Go(func() {
			for j := range perG {
				log.Info("concurrent", "j", j)
			}
		})
	}
	wg.Wait()
	lines := decodeLines(t, buf.Bytes())
	if len(lines) != goroutines*perG {
		t.Fatalf("got %d lines, want %d", len(lines), goroutines*perG)
	}
	for _, l := range lines {
		if len(l) != 5 { // level msg g j timestamp
			t.Fatalf("torn line: %v", l)
		}
	}
}

// stripTimestamps drops " timestamp=..." so lines can be compared exactly.
func stripTimestamps(s string) string {
	var out []string
	for _, line := range strings.SplitAfter(s, "\n") {
		if i := strings.Index(line, " timestamp="); i >= 0 {
			end := strings.IndexAny(line[i+1:], " \n")
			line = line[:i] + line[i+1+end:]
		}
		out = append(out, line)
	}
	return strings.Join(out, "")
}

type credentials struct{ user, password string }

func (c credentials) LogValue() slog.Value {
	return slog.GroupValue(slog.String("user", c.user), slog.String("password", c.password))
}

// A LogValuer that resolves to a group must not slip its leaves past
// ReplaceAttr (golang/go#62731): each leaf is replaced with its group path.
func TestReplaceAttrSeesLeavesOfResolvedGroups(t *testing.T) {
	var buf bytes.Buffer
	var paths []string
	h := NewHandler(&buf, &HandlerOptions{ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey || a.Key == slog.LevelKey || a.Key == slog.MessageKey {
			return a
		}
		paths = append(paths, strings.Join(append(groups, a.Key), "."))
		if a.Key == "password" {
			a.Value = slog.StringValue("REDACTED")
		}
		return a
	}})
	slog.New(h).WithGroup("req").Info("login", "creds", credentials{"ann", "hunter2"})
	if strings.Contains(buf.String(), "hunter2") {
		t.Errorf("password leaked: %s", buf.String())
	}
	if !strings.Contains(buf.String(), "req.creds.user=ann req.creds.password=REDACTED") {
		t.Errorf("got %s", buf.String())
	}
	if strings.Join(paths, " ") != "req.creds.user req.creds.password" {
		t.Errorf("ReplaceAttr saw %v", paths)
	}
}
