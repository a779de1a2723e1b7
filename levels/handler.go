package levels

import (
	"context"
	"log/slog"

	"go.opentelemetry.io/otel/trace"
)

// Handler applies a Switch's directives to the records of another
// slog.Handler: Enabled rules out what is below the Switch's floor, and
// Handle drops a record below the level its call site and span get. The
// next handler's own Enabled is asked too, so give it a level at or below
// every directive (slog.Level(math.MinInt) lets the directives alone
// decide). Handler is safe for concurrent use if next is.
type Handler struct {
	next slog.Handler
	sw   *Switch
}

var _ slog.Handler = (*Handler)(nil)

// NewHandler returns a Handler passing to next the records sw's directives
// let through.
func NewHandler(next slog.Handler, sw *Switch) *Handler { return &Handler{next: next, sw: sw} }

// Enabled reports whether a record at level could be written: the
// Switch's Enabled says so and next is enabled for it.
func (h *Handler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.sw.Enabled(ctx, level) && h.next.Enabled(ctx, level)
}

// Handle passes r to next when r reaches the level of its call site and of
// the span in ctx, and drops it otherwise. A nil ctx has no span.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	var span trace.Span
	if ctx != nil {
		span = trace.SpanFromContext(ctx)
	}
	if r.Level < h.sw.EventLevel(r.PC, span) {
		return nil
	}
	return h.next.Handle(ctx, r)
}

// WithAttrs returns a Handler over next.WithAttrs(attrs).
func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &Handler{next: h.next.WithAttrs(attrs), sw: h.sw}
}

// WithGroup returns a Handler over next.WithGroup(name); an empty name
// returns h.
func (h *Handler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	return &Handler{next: h.next.WithGroup(name), sw: h.sw}
}
