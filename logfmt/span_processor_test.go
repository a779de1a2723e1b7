package logfmt

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"math"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/spanlog/spanlog/storage"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// A child with its own b=3 under a parent with
// a=1 b=2 shows a=1 b=3 on every line and in what the next processor gets,
// and latency_ms there is end−start to within 1µs.
func TestChildInheritsOnEveryLine(t *testing.T) {
	var buf bytes.Buffer
	out := NewSyncWriter(&buf)
	tp, exp := newTestProvider(t, out)
	log := slog.New(NewHandler(out, nil))
	tracer := tp.Tracer("t")

	ctx, parent := tracer.Start(context.Background(), "parent",
		trace.WithAttributes(attribute.Int("a", 1), attribute.Int("b", 2)))
	ctx, child := tracer.Start(ctx, "child", trace.WithAttributes(attribute.Int("b", 3)))
	log.InfoContext(ctx, "in child")
	child.End()
	parent.End()

	lines := decodeLines(t, buf.Bytes())
	childID := child.SpanContext().SpanID().String()
	var seen []string
	for _, l := range lines {
		if id, _ := get(l, "span"); id != childID {
			continue
		}
		kind, ok := get(l, "span_event")
		if !ok {
			kind = "event"
		}
		seen = append(seen, kind)
		a, _ := get(l, "a")
		b, _ := get(l, "b")
		if a != "1" || b != "3" || count(l, "b") != 1 {
			t.Errorf("%s line: a=%s b=%s (b %d times), want a=1 b=3: %v", kind, a, b, count(l, "b"), l)
		}
	}
	if len(seen) != 3 {
		t.Errorf("child lines %v, want new_span, event, close_span", seen)
	}

	spans := exp.GetSpans()
	got := spans[0] // the child ends first
	attrs := attribute.NewSet(got.Attributes...)
	if v, _ := attrs.Value("a"); v.AsInt64() != 1 {
		t.Errorf("exported a = %v", v.String())
	}
	if v, _ := attrs.Value("b"); v.AsInt64() != 3 {
		t.Errorf("exported b = %v", v.String())
	}
	latency, ok := attrs.Value(storage.LatencyKey)
	if !ok {
		t.Fatalf("exported span has no latency_ms: %v", got.Attributes)
	}
	want := float64(got.EndTime.Sub(got.StartTime)) / float64(time.Millisecond)
	if diff := math.Abs(latency.AsFloat64() - want); diff > 0.001 {
		t.Errorf("latency_ms = %v, end-start = %vms: off by %vms", latency.AsFloat64(), want, diff)
	}
	closeLine := lines[len(lines)-2] // child close, before the parent's
	if got, _ := get(closeLine, "latency_ms"); got != strconv.FormatFloat(latency.AsFloat64(), 'f', -1, 64) {
		t.Errorf("close line latency_ms = %s, exported %v", got, latency.AsFloat64())
	}
}

func TestSpanLineLayout(t *testing.T) {
	var buf bytes.Buffer
	tp, _ := newTestProvider(t, NewSyncWriter(&buf))
	start := time.Date(2026, 11, 21, 9, 30, 0, 0, time.UTC)
	ctx, root := tp.Tracer("t").Start(context.Background(), "root", trace.WithTimestamp(start),
		trace.WithAttributes(attribute.String("k", "v w")))
	_, child := tp.Tracer("t").Start(ctx, "child", trace.WithTimestamp(start.Add(time.Millisecond)))
	child.End(trace.WithTimestamp(start.Add(3*time.Millisecond + 250*time.Microsecond)))
	root.End(trace.WithTimestamp(start.Add(4 * time.Millisecond)))

	r, c := root.SpanContext(), child.SpanContext()
	want := "" +
		"level=INFO span_name=root span=" + r.SpanID().String() + " span_event=new_span timestamp=2026-11-21T09:30:00.000000Z trace_id=" + r.TraceID().String() + " k=\"v w\"\n" +
		"level=INFO span_name=child span=" + c.SpanID().String() + " parent_span=" + r.SpanID().String() + " span_event=new_span timestamp=2026-11-21T09:30:00.001000Z trace_id=" + r.TraceID().String() + " k=\"v w\"\n" +
		"level=INFO span_name=child span=" + c.SpanID().String() + " parent_span=" + r.SpanID().String() + " span_event=close_span timestamp=2026-11-21T09:30:00.003250Z trace_id=" + r.TraceID().String() + " latency_ms=2.25 k=\"v w\"\n" +
		"level=INFO span_name=root span=" + r.SpanID().String() + " span_event=close_span timestamp=2026-11-21T09:30:00.004000Z trace_id=" + r.TraceID().String() + " latency_ms=4 k=\"v w\"\n"
	if got := buf.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestSpanEventsPrintBeforeClose(t *testing.T) {
	var buf bytes.Buffer
	tp, _ := newTestProvider(t, NewSyncWriter(&buf))
	_, span := tp.Tracer("t").Start(context.Background(), "work", trace.WithAttributes(attribute.String("job", "j1")))
	span.AddEvent("cache miss", trace.WithAttributes(attribute.String("key", "user:7")))
	span.RecordError(errors.New("timeout"))
	span.SetStatus(codes.Error, "timeout")
	span.End()

	lines := decodeLines(t, buf.Bytes())
	if len(lines) != 4 {
		t.Fatalf("want new, 2 events, close; got %q", buf.String())
	}
	wantMsg := []struct{ level, msg string }{{"INFO", "cache miss"}, {"ERROR", "exception"}}
	for i, w := range wantMsg {
		l := lines[i+1]
		level, _ := get(l, "level")
		msg, _ := get(l, "msg")
		job, _ := get(l, "job")
		if level != w.level || msg != w.msg || job != "j1" {
			t.Errorf("event line %d = %v, want level=%s msg=%q job=j1", i, l, w.level, w.msg)
		}
	}
	if got, _ := get(lines[1], "key"); got != "user:7" {
		t.Errorf("event attribute key = %q", got)
	}
	if got, _ := get(lines[2], "exception.message"); got != "timeout" {
		t.Errorf("exception.message = %q", got)
	}
	if got, _ := get(lines[3], "level"); got != "ERROR" {
		t.Errorf("close level = %q, want ERROR", got)
	}
}

func TestSpanProcessorOptions(t *testing.T) {
	run := func(opts ...SpanOption) [][]pair {
		var buf bytes.Buffer
		tp, _ := newTestProvider(t, NewSyncWriter(&buf), opts...)
		tracer := tp.Tracer("t")
		ctx, health := tracer.Start(context.Background(), "health")
		_, inner := tracer.Start(ctx, "health") // not a root: kept by the filter
		inner.End()
		health.End()
		_, failing := tracer.Start(context.Background(), "failing")
		failing.AddEvent("note")
		failing.SetStatus(codes.Error, "bad")
		failing.End()
		return decodeLines(t, buf.Bytes())
	}
	summary := func(lines [][]pair) []string {
		var s []string
		for _, l := range lines {
			name, _ := get(l, "span_name")
			ev, ok := get(l, "span_event")
			if !ok {
				ev, _ = get(l, "msg")
			}
			s = append(s, name+":"+ev)
		}
		return s
	}
	tests := []struct {
		name string
		opts []SpanOption
		want []string
	}{
		{"default", nil, []string{"health:new_span", "health:new_span", "health:close_span", "health:close_span", "failing:new_span", ":note", "failing:close_span"}},
		{"close only", []SpanOption{WithLines(CloseSpanLines)}, []string{"health:close_span", "health:close_span", "failing:close_span"}},
		{"min level error", []SpanOption{WithMinLevel(slog.LevelError)}, []string{"failing:close_span"}},
		{"drop root health", []SpanOption{WithFilter(DropRootSpansNamed("health"))}, []string{"health:new_span", "health:close_span", "failing:new_span", ":note", "failing:close_span"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := summary(run(tt.opts...))
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("got %v, want %v", got, tt.want)
				}
			}
		})
	}
}

// A handler and a span processor sharing a SyncWriter over a writer that is
// unsafe for concurrent use never tear a line; -race catches any write that
// escapes the lock.
func TestHandlerAndSpanLinesNeverInterleave(t *testing.T) {
	var buf bytes.Buffer
	out := NewSyncWriter(&buf)
	tp, _ := newTestProvider(t, out)
	log := slog.New(NewHandler(out, nil))
	const goroutines, spans = 8, 50
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range spans {
				ctx, span := tp.Tracer("t").Start(context.Background(), "op", trace.WithAttributes(attribute.Int("g", g)))
				log.InfoContext(ctx, "step", "i", i)
				span.End()
			}
		})
	}
	wg.Wait()
	if got, want := len(decodeLines(t, buf.Bytes())), goroutines*spans*3; got != want {
		t.Errorf("got %d lines, want %d", got, want)
	}
}

type countingWriter struct {
	mu     sync.Mutex
	writes int
	err    error
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.writes++
	if w.err != nil {
		return 0, w.err
	}
	return len(p), nil
}

func TestFailingWriterReportedOncePerBurst(t *testing.T) {
	var reported []error
	setErrorHandler(t, func(err error) { reported = append(reported, err) })

	w := &countingWriter{err: errors.New("broken pipe")}
	tp, _ := newTestProvider(t, NewSyncWriter(w))
	for range 5 {
		_, span := tp.Tracer("t").Start(context.Background(), "op")
		span.End()
	}
	if len(reported) != 1 {
		t.Fatalf("reported %d errors for one burst, want 1: %v", len(reported), reported)
	}
	w.mu.Lock()
	w.err = nil
	w.mu.Unlock()
	_, span := tp.Tracer("t").Start(context.Background(), "recovered")
	span.End()
	w.mu.Lock()
	w.err = errors.New("broken again")
	w.mu.Unlock()
	_, span = tp.Tracer("t").Start(context.Background(), "op")
	span.End()
	if len(reported) != 2 {
		t.Errorf("a new burst after recovery reported %d errors in all, want 2", len(reported))
	}
}

func TestSpanProcessorShutdown(t *testing.T) {
	var buf bytes.Buffer
	next := &recordingProcessor{}
	p := NewSpanProcessor(&buf, next)
	ctx := context.Background()
	if err := p.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if err := p.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if next.shutdowns != 1 {
		t.Errorf("next shut down %d times, want 1", next.shutdowns)
	}
	tp := sdktrace.NewTracerProvider()
	_, span := tp.Tracer("t").Start(ctx, "late")
	span.End()
	p.OnStart(ctx, span.(sdktrace.ReadWriteSpan))
	p.OnEnd(span.(sdktrace.ReadOnlySpan))
	if buf.Len() != 0 || next.starts != 0 || next.ends != 0 {
		t.Errorf("processor acted after Shutdown: %q, next %+v", buf.String(), next)
	}
}

type recordingProcessor struct {
	starts, ends, shutdowns int
}

func (r *recordingProcessor) OnStart(context.Context, sdktrace.ReadWriteSpan) { r.starts++ }
func (r *recordingProcessor) OnEnd(sdktrace.ReadOnlySpan)                     { r.ends++ }
func (r *recordingProcessor) ForceFlush(context.Context) error                { return nil }
func (r *recordingProcessor) Shutdown(context.Context) error {
	r.shutdowns++
	return nil
}
