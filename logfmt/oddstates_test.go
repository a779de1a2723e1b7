package logfmt

import (
	"bytes"
	"context"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// oddNext counts the calls a SpanProcessor forwards. Spans here end on the
// test's goroutine, so plain ints do.
type oddNext struct{ starts, ends int }

func (n *oddNext) OnStart(context.Context, sdktrace.ReadWriteSpan) { n.starts++ }
func (n *oddNext) OnEnd(sdktrace.ReadOnlySpan)                     { n.ends++ }
func (n *oddNext) ForceFlush(context.Context) error                { return nil }
func (n *oddNext) Shutdown(context.Context) error                  { return nil }

// spanEvents returns the span_event value of every line in data, in order,
// with "" for a line that has none.
func spanEvents(t *testing.T, data []byte) []string {
	t.Helper()
	var events []string
	for _, line := range decodeLines(t, data) {
		ev, _ := get(line, "span_event")
		events = append(events, ev)
	}
	return events
}

func equalEvents(got []string, want ...string) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i] != want[i] {
			return false
		}
	}
	return true
}

func TestSpanLinesEndedTwice(t *testing.T) {
	var buf bytes.Buffer
	tp, exp := newTestProvider(t, NewSyncWriter(&buf))
	_, span := tp.Tracer("t").Start(context.Background(), "twice")
	span.End()
	span.End()

	if got := spanEvents(t, buf.Bytes()); !equalEvents(got, "new_span", "close_span") {
		t.Errorf("span events %q, want one new_span and one close_span; output:\n%s", got, buf.Bytes())
	}
	if n := len(exp.GetSpans()); n != 1 {
		t.Errorf("next received %d spans, want 1", n)
	}
}

func TestSpanLinesNeverEnded(t *testing.T) {
	var buf bytes.Buffer
	tp, exp := newTestProvider(t, NewSyncWriter(&buf))
	_, open := tp.Tracer("t").Start(context.Background(), "open", trace.WithAttributes(attribute.String("k", "v")))
	_ = open // never ended, on purpose

	lines := decodeLines(t, buf.Bytes())
	if len(lines) != 1 {
		t.Fatalf("want 1 line, got:\n%s", buf.Bytes())
	}
	if ev, _ := get(lines[0], "span_event"); ev != "new_span" {
		t.Errorf("span_event = %q, want new_span", ev)
	}
	if name, _ := get(lines[0], "span_name"); name != "open" {
		t.Errorf("span_name = %q, want open", name)
	}
	if n := len(exp.GetSpans()); n != 0 {
		t.Errorf("next received %d spans, want 0", n)
	}

	// Shutting the provider down does not close open spans.
	if err := tp.Shutdown(context.Background()); err != nil {
		t.Errorf("Shutdown with an open span: %v", err)
	}
	if got := spanEvents(t, buf.Bytes()); !equalEvents(got, "new_span") {
		t.Errorf("after Shutdown, span events %q, want only new_span", got)
	}
}

func TestSpanLinesEndedAfterShutdown(t *testing.T) {
	var buf bytes.Buffer
	rec := &oddNext{}
	p := NewSpanProcessor(NewSyncWriter(&buf), rec)
	tp := newProviderWithChain(p)
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	tracer := tp.Tracer("t")

	_, span := tracer.Start(context.Background(), "late")
	if err := p.Shutdown(context.Background()); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	before := buf.String()
	span.End() // the provider still calls the processor, which must do nothing
	_, after := tracer.Start(context.Background(), "after")
	after.End()

	if got := buf.String(); got != before {
		t.Errorf("printed after Shutdown:\n%s", got[len(before):])
	}
	if got := spanEvents(t, buf.Bytes()); !equalEvents(got, "new_span") {
		t.Errorf("span events %q, want only the new_span before Shutdown", got)
	}
	if rec.starts != 1 || rec.ends != 0 {
		t.Errorf("next saw %d OnStart and %d OnEnd, want 1 and 0", rec.starts, rec.ends)
	}
}
