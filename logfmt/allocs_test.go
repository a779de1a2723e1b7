//go:build !race

package logfmt

import (
	"context"
	"io"
	"log/slog"
	"testing"
)

// The common case allocates nothing per line: a record with a handful of
// attrs, logged outside a span or inside one with stored fields.
func TestHandleDoesNotAllocate(t *testing.T) {
	h := NewHandler(io.Discard, nil)
	log := slog.New(h)
	spanCtx, end := spanWithFields(t, 8)
	defer end()
	for _, tc := range []struct {
		name string
		ctx  context.Context
	}{{"no span", context.Background()}, {"span with 8 fields", spanCtx}} {
		r := benchRecord()
		if n := testing.AllocsPerRun(200, func() { _ = h.Handle(tc.ctx, r) }); n != 0 {
			t.Errorf("%s: Handle allocates %v times per line", tc.name, n)
		}
		if n := testing.AllocsPerRun(200, func() {
			log.LogAttrs(tc.ctx, slog.LevelInfo, "request served", benchAttrs...)
		}); n != 0 {
			t.Errorf("%s: Logger.LogAttrs allocates %v times per line", tc.name, n)
		}
	}
}
