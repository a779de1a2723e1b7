package logfmt

import (
	"log/slog"

	"github.com/spanlog/spanlog/levels"
	"github.com/spanlog/spanlog/redact"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// Lines selects the lines a SpanProcessor prints.
type Lines uint8

const (
	// NewSpanLines are the span_event=new_span lines, printed at start.
	NewSpanLines Lines = 1 << iota
	// CloseSpanLines are the span_event=close_span lines, printed at end.
	CloseSpanLines
	// EventLines are the lines for span events (AddEvent, RecordError),
	// printed when the span ends, before its close line.
	EventLines

	// AllLines is the default.
	AllLines = NewSpanLines | CloseSpanLines | EventLines
)

// SpanOption configures a SpanProcessor.
type SpanOption func(*SpanProcessor)

// WithLines chooses which lines are printed; the default is AllLines.
func WithLines(l Lines) SpanOption {
	return func(p *SpanProcessor) { p.lines = l }
}

// WithMinLevel drops lines below level. Span lines are INFO, or ERROR when
// the span ends with status Error; event lines are ERROR for recorded
// exceptions and INFO otherwise. The default is slog.LevelInfo.
func WithMinLevel(level slog.Leveler) SpanOption {
	return func(p *SpanProcessor) { p.minLevel = level }
}

// WithLevels lets the level directives of sw decide which span lines
// print, by the span's tracer (its instrumentation scope name), name and
// fields, in place of WithMinLevel.
func WithLevels(sw *levels.Switch) SpanOption {
	return func(p *SpanProcessor) { p.levels = sw }
}

// WithFilter prints only the spans for which keep returns true. keep sees
// the span at start and again at end, and must give the same answer both
// times for a span's lines to pair up.
func WithFilter(keep func(sdktrace.ReadOnlySpan) bool) SpanOption {
	return func(p *SpanProcessor) { p.keep = keep }
}

// WithMaxValueBytes caps each value, span name and key as
// HandlerOptions.MaxValueBytes does.
func WithMaxValueBytes(n int) SpanOption {
	return func(p *SpanProcessor) { p.lim.maxValue = n }
}

// WithRedact prints the values of these keys as [REDACTED].
func WithRedact(keys *redact.Keys) SpanOption {
	return func(p *SpanProcessor) { p.lim.redact = keys }
}

// DropRootSpansNamed returns a filter, for WithFilter, that drops the spans
// that have no parent and one of the given names: a noisy root span, such
// as a health check, is hidden while spans under other roots still print.
func DropRootSpansNamed(names ...string) func(sdktrace.ReadOnlySpan) bool {
	return func(s sdktrace.ReadOnlySpan) bool {
		if s.Parent().IsValid() {
			return true
		}
		for _, n := range names {
			if s.Name() == n {
				return false
			}
		}
		return true
	}
}
