package spanlog

import (
	"context"
	"log/slog"
)

// levelFilter passes on the records at or above its level.
type levelFilter struct {
	slog.Handler
	level slog.Leveler
}

// leveled returns h filtered to level, or h itself when level is nil.
func leveled(h slog.Handler, level slog.Leveler) slog.Handler {
	if level == nil {
		return h
	}
	return &levelFilter{Handler: h, level: level}
}

func (f *levelFilter) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= f.level.Level() && f.Handler.Enabled(ctx, l)
}

func (f *levelFilter) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &levelFilter{Handler: f.Handler.WithAttrs(attrs), level: f.level}
}

func (f *levelFilter) WithGroup(name string) slog.Handler {
	return &levelFilter{Handler: f.Handler.WithGroup(name), level: f.level}
}
