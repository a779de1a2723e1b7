package logfmt

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"testing"
)

// AttrHandler.Handle reuses its working space: handlers under different
// groups, used in turn, each see only their own groups and attributes.
func TestAttrHandlerReuseKeepsHandlersApart(t *testing.T) {
	var got []string
	var seenGroups []string
	emit := func(_ context.Context, r slog.Record) error {
		var keys []string
		r.Attrs(func(a slog.Attr) bool { keys = append(keys, a.Key+"="+a.Value.String()); return true })
		got = append(got, strings.Join(keys, " "))
		return nil
	}
	opts := &HandlerOptions{ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
		seenGroups = append(seenGroups, strings.Join(groups, ".")+"/"+a.Key)
		return a
	}}
	base := NewAttrHandler(emit, opts)
	deep := base.WithGroup("req").WithAttrs([]slog.Attr{slog.String("id", "r1")}).WithGroup("db")
	for range 2 {
		r := slog.NewRecord(benchRecord().Time, slog.LevelInfo, "m", 0)
		r.AddAttrs(slog.Int("rows", 3), slog.Group("g", slog.Bool("ok", true)))
		_ = deep.Handle(context.Background(), r)
		_ = base.Handle(context.Background(), r)
	}
	want := []string{
		"req.id=r1 req.db.rows=3 req.db.g.ok=true", "rows=3 g.ok=true",
		"req.id=r1 req.db.rows=3 req.db.g.ok=true", "rows=3 g.ok=true",
	}
	if !slices.Equal(got, want) {
		t.Errorf("records:\n%q\nwant\n%q", got, want)
	}
	if !slices.Contains(seenGroups, "req.db.g/ok") || !slices.Contains(seenGroups, "g/ok") || slices.Contains(seenGroups, "req.db.req.db/rows") {
		t.Errorf("ReplaceAttr saw %q", seenGroups)
	}
}
