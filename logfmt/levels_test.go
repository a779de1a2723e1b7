package logfmt

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/spanlog/spanlog/levels"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

func newLevels(t *testing.T, text string) *levels.Switch {
	t.Helper()
	f, err := levels.Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	return levels.NewSwitch(f)
}

// Directives decide event lines by package and by span field, and span
// lines by tracer and span name; an error record hidden by them still
// marks its span failed.
func TestHandlerAndSpanLinesFollowLevelDirectives(t *testing.T) {
	sw := newLevels(t, "warn,github.com/spanlog/spanlog/logfmt[{tenant=acme}]=debug,tracer.quiet=off,[noisy]=error")
	var buf bytes.Buffer
	out := NewSyncWriter(&buf)
	exp := tracetest.NewInMemoryExporter()
	tp := newProviderWithChain(levels.NewProcessor(sw,
		NewSpanProcessor(out, sdktrace.NewSimpleSpanProcessor(exp), WithLevels(sw))))
	defer tp.Shutdown(context.Background())
	log := slog.New(NewHandler(out, &HandlerOptions{Levels: sw}))

	ctx, acme := tp.Tracer("tracer.loud").Start(context.Background(), "acme", trace.WithAttributes(attribute.String("tenant", "acme")))
	log.DebugContext(ctx, "acme debug")
	acme.End()
	ctx, other := tp.Tracer("tracer.loud").Start(context.Background(), "other", trace.WithAttributes(attribute.String("tenant", "other")))
	log.DebugContext(ctx, "other debug")
	log.ErrorContext(ctx, "other error")
	other.End()
	_, quiet := tp.Tracer("tracer.quiet").Start(context.Background(), "quiet")
	quiet.End()
	ctx, noisy := tp.Tracer("tracer.loud").Start(context.Background(), "noisy")
	log.ErrorContext(ctx, "noisy warn hidden", "x", 1) // at error: shown
	log.WarnContext(ctx, "noisy warn")
	noisy.End()

	got := buf.String()
	for _, want := range []string{"msg=\"acme debug\"", "msg=\"other error\"", "msg=\"noisy warn hidden\""} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %s in:\n%s", want, got)
		}
	}
	for _, unwanted := range []string{"other debug", "span_name=quiet", "msg=\"noisy warn\""} {
		if strings.Contains(got, unwanted) {
			t.Errorf("%s printed:\n%s", unwanted, got)
		}
	}
	// Span lines of loud spans are at INFO, below the default warn: only
	// the failed span's close line prints.
	if n := strings.Count(got, "span_event="); n != 2 {
		t.Errorf("%d span lines, want 2 (the close lines of the failed spans):\n%s", n, got)
	}
	for _, s := range exp.GetSpans() {
		if s.Name == "noisy" && s.Status.Code != codes.Error {
			t.Errorf("noisy ended %v: an error record marks its span whatever the directives", s.Status)
		}
	}
	if len(exp.GetSpans()) != 4 {
		t.Errorf("%d spans exported, want all 4: directives decide lines, not spans", len(exp.GetSpans()))
	}
}
