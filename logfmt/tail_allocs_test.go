//go:build !race

package logfmt

import (
	"context"
	"log/slog"
	"testing"
)

// With a tail buffer, printing a record allocates nothing, and neither
// does holding one once its trace's buffer has grown: the line is built in
// the pooled line buffer and copied into the trace's.
func TestTailHoldDoesNotAllocate(t *testing.T) {
	f := newTailFixture(t, WithRecordsPerTrace(64))
	ctx, root := f.tracer.Start(context.Background(), "request")
	defer root.End()
	for _, level := range []slog.Level{slog.LevelInfo, slog.LevelDebug} {
		r := slog.NewRecord(benchRecord().Time, level, "m", 0)
		r.AddAttrs(benchAttrs...)
		for range 200 { // fill the trace to its limit: from here on the oldest goes
			_ = f.h.Handle(ctx, r)
		}
		if n := testing.AllocsPerRun(200, func() { _ = f.h.Handle(ctx, r) }); n != 0 {
			t.Errorf("%s: Handle allocates %v times per record", level, n)
		}
	}
}
