//go:build !race

package logfmt

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"testing"
)

// The common case allocates nothing per line: a record of up to 16 attrs,
// logged outside a span or inside one with up to 16 stored fields, with or
// without keys that repeat and must be dropped.
func TestHandleDoesNotAllocate(t *testing.T) {
	h := NewHandler(io.Discard, nil)
	log := slog.New(h)
	nothing := slog.New(acceptAll{})
	span8, end8 := spanWithFields(t, 8)
	defer end8()
	span16, end16 := spanWithFields(t, 16)
	defer end16()
	attrs16 := make([]slog.Attr, 16)
	for i := range attrs16 {
		attrs16[i] = slog.Int("attr"+strconv.Itoa(i), i)
	}
	// field0..field14 are stored fields too: every one of them repeats.
	repeats := make([]slog.Attr, 16)
	for i := range repeats {
		repeats[i] = slog.String("field"+strconv.Itoa(i%15), "from the record")
	}
	for _, tc := range []struct {
		name  string
		ctx   context.Context
		attrs []slog.Attr
	}{
		{"no span", context.Background(), benchAttrs},
		{"span with 8 fields", span8, benchAttrs},
		{"16 attrs, span with 16 fields", span16, attrs16},
		{"16 repeated keys, span with 16 fields", span16, repeats},
	} {
		r := slog.NewRecord(benchRecord().Time, slog.LevelInfo, "m", 0)
		r.AddAttrs(tc.attrs...)
		if n := testing.AllocsPerRun(200, func() { _ = h.Handle(tc.ctx, r) }); n != 0 {
			t.Errorf("%s: Handle allocates %v times per line", tc.name, n)
		}
		// A record holds 5 attrs inline; past that, slog.Record allocates
		// for the rest whatever the handler. The handler adds nothing.
		logged := testing.AllocsPerRun(200, func() {
			log.LogAttrs(tc.ctx, slog.LevelInfo, "request served", tc.attrs...)
		})
		recordOnly := testing.AllocsPerRun(200, func() {
			nothing.LogAttrs(tc.ctx, slog.LevelInfo, "request served", tc.attrs...)
		})
		if logged != recordOnly {
			t.Errorf("%s: Logger.LogAttrs allocates %v times per line, the record alone %v", tc.name, logged, recordOnly)
		}
	}
}

// acceptAll is a handler that takes every record and does nothing.
type acceptAll struct{}

func (acceptAll) Enabled(context.Context, slog.Level) bool  { return true }
func (acceptAll) Handle(context.Context, slog.Record) error { return nil }
func (a acceptAll) WithAttrs([]slog.Attr) slog.Handler      { return a }
func (a acceptAll) WithGroup(string) slog.Handler           { return a }

// An AttrHandler passes on a record of up to 5 attrs, none in a group,
// without allocating: its working space is reused.
func TestAttrHandlerDoesNotAllocate(t *testing.T) {
	h := NewAttrHandler(func(context.Context, slog.Record) error { return nil }, nil)
	r := slog.NewRecord(benchRecord().Time, slog.LevelInfo, "m", 0)
	r.AddAttrs(benchAttrs...)
	if n := testing.AllocsPerRun(200, func() { _ = h.Handle(context.Background(), r) }); n != 0 {
		t.Errorf("Handle allocates %v times per record", n)
	}
}
