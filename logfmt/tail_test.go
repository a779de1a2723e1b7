package logfmt

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spanlog/spanlog/redact"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// A failing request's DEBUG records print at its root's end, in the order
// logged, with their own timestamps and replayed=true, after the INFO
// lines printed on the way and before the root's event and close lines.
// A succeeding request's never print.
func TestTailReplaysOnlyFailedRequests(t *testing.T) {
	f := newTailFixture(t)
	t0 := time.Date(2025, 12, 31, 23, 59, 58, 123456000, time.UTC)

	for _, fail := range []bool{true, false} {
		name := "ok"
		if fail {
			name = "failed"
		}
		ctx, root := f.tracer.Start(context.Background(), "request", trace.WithAttributes(attribute.String("req", name)))
		f.debugAt(ctx, t0, "parsing body", slog.Int("bytes", 42))
		cctx, child := f.tracer.Start(ctx, "lookup")
		f.debugAt(cctx, t0.Add(time.Millisecond), "cache miss", slog.String("key", "k1"))
		f.log.InfoContext(cctx, "looked up")
		f.debugAt(cctx, t0.Add(2*time.Millisecond), "vendor answered")
		if fail {
			child.SetStatus(codes.Error, "vendor down")
		}
		child.End()
		root.AddEvent("responded")
		root.End()
	}

	lines := f.lines(t)
	for _, l := range lines {
		if req, _ := get(l, "req"); req == "ok" && count(l, "replayed") > 0 {
			t.Errorf("a succeeding request's record printed: %v", l)
		}
	}
	var replayed [][]pair
	for _, l := range lines {
		if req, _ := get(l, "req"); req == "failed" && count(l, "replayed") > 0 {
			replayed = append(replayed, l)
		}
	}
	want := []struct{ msg, ts string }{
		{"parsing body", timestampOf(t0)},
		{"cache miss", timestampOf(t0.Add(time.Millisecond))},
		{"vendor answered", timestampOf(t0.Add(2 * time.Millisecond))},
	}
	if len(replayed) != len(want) {
		t.Fatalf("%d replayed lines, want %d:\n%s", len(replayed), len(want), f.buf.String())
	}
	for i, w := range want {
		msg, _ := get(replayed[i], "msg")
		ts, _ := get(replayed[i], "timestamp")
		level, _ := get(replayed[i], "level")
		mark, _ := get(replayed[i], "replayed")
		if msg != w.msg || ts != w.ts || level != "DEBUG" || mark != "true" || count(replayed[i], "replayed") != 1 {
			t.Errorf("replayed line %d: msg=%q timestamp=%s level=%s replayed=%s, want msg=%q timestamp=%s level=DEBUG replayed=true once",
				i, msg, ts, level, mark, w.msg, w.ts)
		}
	}

	// Placement: after the INFO line, before the root's event and close.
	info := indexOf(lines, "", "msg", "looked up")
	first := indexOf(lines, "", "msg", "parsing body")
	event := indexOf(lines, "", "msg", "responded")
	closeLine := indexOf(lines, "close_span", "span_name", "request")
	if !(info < first && first < event && event < closeLine) {
		t.Errorf("order: info %d, first replayed %d, root event %d, root close %d:\n%s", info, first, event, closeLine, f.buf.String())
	}

	r, d := f.counts(t)
	if r != 3 || d[reasonOK] != 3 {
		t.Errorf("replayed %d, discarded ok %d; want 3 and 3 (%v)", r, d[reasonOK], d)
	}
	f.assertEmpty(t)
}

// Any one of these makes a request's records print: its root failing, a
// span under it failing (even one ended before), an error logged in it
// (even with LeaveSpanStatus, so no status is set), an error held below
// a higher level.
func TestTailFailureSignals(t *testing.T) {
	for _, tc := range []struct {
		name  string
		level slog.Level
		leave bool
		act   func(f *tailFixture, ctx context.Context, root, child trace.Span)
	}{
		{"root fails", slog.LevelInfo, false, func(_ *tailFixture, _ context.Context, root, _ trace.Span) {
			root.SetStatus(codes.Error, "boom")
		}},
		{"child fails", slog.LevelInfo, false, func(_ *tailFixture, _ context.Context, _, child trace.Span) {
			child.SetStatus(codes.Error, "boom")
		}},
		{"error logged, status left alone", slog.LevelInfo, true, func(f *tailFixture, ctx context.Context, _, _ trace.Span) {
			f.log.ErrorContext(ctx, "went wrong")
		}},
		{"error below the level", slog.LevelError + 4, true, func(f *tailFixture, ctx context.Context, _, _ trace.Span) {
			f.log.ErrorContext(ctx, "went wrong")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newTailFixtureWith(t, HandlerOptions{Level: tc.level, LeaveSpanStatus: tc.leave})
			ctx, root := f.tracer.Start(context.Background(), "request")
			cctx, child := f.tracer.Start(ctx, "step")
			f.log.DebugContext(cctx, "detail")
			tc.act(f, cctx, root, child)
			child.End()
			root.End()
			if got := withMsg(f.lines(t), "detail"); len(got) != 1 {
				t.Errorf("detail printed %d times, want once:\n%s", len(got), f.buf.String())
			}
		})
	}
}

// A root slower than the threshold replays; one as fast does not. The
// latency is the span's own, from its timestamps.
func TestTailReplaysSlowRequests(t *testing.T) {
	f := newTailFixture(t, WithSlowerThan(250*time.Millisecond))
	start := time.Now()
	for _, took := range []time.Duration{250 * time.Millisecond, 251 * time.Millisecond} {
		ctx, root := f.tracer.Start(context.Background(), "request", trace.WithTimestamp(start))
		f.log.DebugContext(ctx, "took "+took.String())
		root.End(trace.WithTimestamp(start.Add(took)))
	}
	lines := f.lines(t)
	if n := len(withMsg(lines, "took 250ms")); n != 0 {
		t.Errorf("a request as fast as the threshold replayed")
	}
	if n := len(withMsg(lines, "took 251ms")); n != 1 {
		t.Errorf("a request slower than the threshold printed its record %d times, want once:\n%s", n, f.buf.String())
	}
}

// Without a tail buffer nothing changes: Enabled is the level alone. With
// one, a record below the level is wanted only inside a recording span,
// and no longer once the buffer has shut down.
func TestTailEnabled(t *testing.T) {
	plain := NewHandler(nil, nil)
	f := newTailFixture(t)
	ctx, span := f.tracer.Start(context.Background(), "request")
	defer span.End()
	nonRecording := trace.ContextWithSpanContext(context.Background(), span.SpanContext())

	for _, tc := range []struct {
		name string
		h    *Handler
		ctx  context.Context
		want bool
	}{
		{"no tail buffer, in a span", plain, ctx, false},
		{"tail buffer, no span", f.h, context.Background(), false},
		{"tail buffer, non-recording span", f.h, nonRecording, false},
		{"tail buffer, recording span", f.h, ctx, true},
	} {
		if got := tc.h.Enabled(tc.ctx, slog.LevelDebug); got != tc.want {
			t.Errorf("%s: Enabled(DEBUG) = %v, want %v", tc.name, got, tc.want)
		}
		if !tc.h.Enabled(tc.ctx, slog.LevelInfo) {
			t.Errorf("%s: Enabled(INFO) = false", tc.name)
		}
	}
	//lint:ignore SA1012 a nil context must not panic
	if f.h.Enabled(nil, slog.LevelDebug) || f.h.Handle(nil, slog.NewRecord(time.Now(), slog.LevelDebug, "nil ctx", 0)) != nil {
		t.Error("a record with a nil context was wanted or failed")
	}
	_ = f.tp.Shutdown(context.Background())
	if f.h.Enabled(ctx, slog.LevelDebug) {
		t.Error("Enabled(DEBUG) after shutdown = true")
	}
}

// A record below the level in a span the buffer does not track (started
// by another provider) is dropped, and so is one outside any span, even
// when Handle is called directly.
func TestTailDropsUntrackedRecords(t *testing.T) {
	f := newTailFixture(t)
	other := newProviderWithChain(nil)
	defer other.Shutdown(context.Background())
	ctx, span := other.Tracer("other").Start(context.Background(), "elsewhere")
	r := slog.NewRecord(time.Now(), slog.LevelDebug, "untracked", 0)
	_ = f.h.Handle(ctx, r)
	_ = f.h.Handle(context.Background(), r)
	span.End()
	if f.buf.Len() != 0 {
		t.Errorf("printed %q", f.buf.String())
	}
	f.assertEmpty(t)
}

// Held lines go through the Handler's whole pipeline when they are held:
// secrets redacted, values capped, reserved keys renamed, one value per
// key, WithAttrs and groups.
func TestTailHeldLinesTakeThePipeline(t *testing.T) {
	f := newTailFixtureWith(t, HandlerOptions{Redact: redact.New("password"), MaxValueBytes: 12})
	log := slog.New(f.h).With("svc", "songs").WithGroup("g")
	ctx, root := f.tracer.Start(context.Background(), "request", trace.WithAttributes(attribute.String("password", "hunter2")))
	log.DebugContext(ctx, "detail", "password", "hunter2", "long", "0123456789abcdef", "x", 1, "x", 2)
	slog.New(f.h).DebugContext(ctx, "reserved", "replayed", "no", "level", "x")
	root.SetStatus(codes.Error, "boom")
	root.End()

	out := f.buf.String()
	lines := f.lines(t)
	for _, l := range lines {
		if _, replayed := get(l, "replayed"); replayed && strings.Contains(fmtPairs(l), "hunter2") {
			t.Errorf("a secret was held and printed: %v", l)
		}
	}
	detail := withMsg(lines, "detail")
	if len(detail) != 1 {
		t.Fatalf("detail printed %d times:\n%s", len(detail), out)
	}
	for key, want := range map[string]string{
		"g.password": redact.Placeholder,
		"password":   redact.Placeholder,
		"g.long":     "0123456789ab…[truncated 4 bytes]",
		"g.x":        "2",
		"svc":        "songs",
		"replayed":   "true",
	} {
		if got, _ := get(detail[0], key); got != want || count(detail[0], key) != 1 {
			t.Errorf("%s = %q (%d times), want %q once", key, got, count(detail[0], key), want)
		}
	}
	reserved := withMsg(lines, "reserved")
	if len(reserved) != 1 {
		t.Fatalf("reserved printed %d times", len(reserved))
	}
	for key, want := range map[string]string{"replayed": "true", "fields.replayed": "no", "level": "DEBUG", "fields.level": "x"} {
		if got, _ := get(reserved[0], key); got != want || count(reserved[0], key) != 1 {
			t.Errorf("%s = %q (%d times), want %q once", key, got, count(reserved[0], key), want)
		}
	}
}

// At most N records per trace: the oldest go first, and the replay ends
// with a line saying how many went, before the close line.
func TestTailRecordsPerTrace(t *testing.T) {
	f := newTailFixture(t, WithRecordsPerTrace(3))
	ctx, root := f.tracer.Start(context.Background(), "request")
	for i := range 7 {
		f.log.DebugContext(ctx, "step "+strconv.Itoa(i))
	}
	root.SetStatus(codes.Error, "boom")
	root.End()

	lines := f.lines(t)
	var got []string
	for _, l := range lines {
		if count(l, "replayed") == 1 {
			msg, _ := get(l, "msg")
			got = append(got, msg)
		}
	}
	if strings.Join(got, ",") != "step 4,step 5,step 6" {
		t.Errorf("replayed %v, want the last 3", got)
	}
	note := indexOf(lines, "", "msg", "tail buffer dropped records")
	closeLine := indexOf(lines, "close_span", "span_name", "request")
	if note < 0 || note != closeLine-1 {
		t.Fatalf("note at %d, close at %d:\n%s", note, closeLine, f.buf.String())
	}
	if n, _ := get(lines[note], "records_dropped"); n != "4" {
		t.Errorf("records_dropped=%s, want 4", n)
	}
	if id, _ := get(lines[note], "span"); id != root.SpanContext().SpanID().String() {
		t.Errorf("note on span %s, want the root's", id)
	}
	r, d := f.counts(t)
	if r != 3 || d[reasonTraceLimit] != 4 {
		t.Errorf("replayed %d, trace_limit %d; want 3 and 4", r, d[reasonTraceLimit])
	}
	f.assertEmpty(t)
}

// The byte cap holds across traces: once reached, new records are not
// held (counted, and said with the replay), and the bytes come back when
// the traces end.
func TestTailHeldBytes(t *testing.T) {
	f := newTailFixture(t, WithHeldBytes(2048))
	ctx1, root1 := f.tracer.Start(context.Background(), "first")
	ctx2, root2 := f.tracer.Start(context.Background(), "second")
	big := strings.Repeat("x", 500)
	for i := range 4 {
		f.log.DebugContext(ctx1, "one", "i", i, "pad", big)
	}
	if used := f.tb.used.Load(); used > 2048 {
		t.Fatalf("%d bytes held, over the cap", used)
	}
	f.log.DebugContext(ctx2, "two", "pad", big)
	root2.SetStatus(codes.Error, "boom")
	root2.End()
	root1.SetStatus(codes.Error, "boom")
	root1.End()

	lines := f.lines(t)
	ones, twos := len(withMsg(lines, "one")), len(withMsg(lines, "two"))
	notes := withMsg(lines, "tail buffer dropped records")
	if ones == 0 || ones == 4 || twos != 0 || len(notes) != 2 {
		t.Errorf("%d of 4 held in the first trace, %d of 1 in the second, %d notes:\n%s", ones, twos, len(notes), f.buf.String())
	}
	_, d := f.counts(t)
	if d[reasonMemoryLimit] != int64(4-ones+1) {
		t.Errorf("memory_limit %d, want %d", d[reasonMemoryLimit], 4-ones+1)
	}
	f.assertEmpty(t)
}

// A root that never ends is evicted once it is older than the maximum
// age, when a new root starts: its records are discarded and counted, its
// spans forgotten, and a span started under it later is a root of its own.
func TestTailEvictsOldRoots(t *testing.T) {
	f := newTailFixture(t, WithMaxTraceAge(time.Minute))
	ctx, stuck := f.tracer.Start(context.Background(), "stuck")
	_, child := f.tracer.Start(ctx, "child") // never ends either
	f.log.DebugContext(ctx, "held, never needed")
	f.log.DebugContext(ctx, "held too")

	f.clock.Advance(time.Minute)
	_, fresh := f.tracer.Start(context.Background(), "fresh")
	if f.tb.traceOf(stuck.SpanContext()) == nil {
		t.Fatal("a root exactly the maximum age was evicted")
	}
	fresh.End()

	f.clock.Advance(time.Nanosecond)
	_, next := f.tracer.Start(context.Background(), "next")
	if f.tb.traceOf(stuck.SpanContext()) != nil || f.tb.traceOf(child.SpanContext()) != nil {
		t.Fatal("an expired root is still tracked")
	}
	_, d := f.counts(t)
	if d[reasonMaxAge] != 2 {
		t.Errorf("max_age %d, want 2", d[reasonMaxAge])
	}

	// Under the evicted root, a new span starts a root of its own.
	lctx, late := f.tracer.Start(ctx, "late")
	f.log.DebugContext(lctx, "late detail")
	late.SetStatus(codes.Error, "boom")
	late.End()
	stuck.SetStatus(codes.Error, "boom")
	stuck.End()
	next.End()

	lines := f.lines(t)
	if len(withMsg(lines, "held, never needed")) != 0 {
		t.Error("an evicted root's records printed when it ended")
	}
	if len(withMsg(lines, "late detail")) != 1 {
		t.Errorf("a span under an evicted root did not replay as its own root:\n%s", f.buf.String())
	}
	f.assertEmpty(t)
}

// Nothing per span outlives its root: children that never end, and every
// open root at Shutdown, whose records are discarded and counted.
func TestTailLeavesNothingBehind(t *testing.T) {
	f := newTailFixture(t)
	ctx, root := f.tracer.Start(context.Background(), "request")
	_, leaked := f.tracer.Start(ctx, "never ends")
	f.log.DebugContext(ctx, "held")
	root.End()
	f.assertEmpty(t)
	leaked.SetStatus(codes.Error, "late")
	leaked.End() // after its root: nothing to do, nothing printed
	if len(withMsg(f.lines(t), "held")) != 0 {
		t.Error("a child failing after its root ended replayed the root's records")
	}

	ctx, open := f.tracer.Start(context.Background(), "open at shutdown")
	f.tracer.Start(ctx, "child")
	f.log.DebugContext(ctx, "held at shutdown")
	if err := f.tp.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	f.assertEmpty(t)
	open.End()
	f.log.DebugContext(ctx, "after shutdown")
	if lines := f.lines(t); len(withMsg(lines, "held at shutdown"))+len(withMsg(lines, "after shutdown")) != 0 {
		t.Errorf("printed after shutdown:\n%s", f.buf.String())
	}
	_, d := f.counts(t)
	if d[reasonShutdown] != 1 || d[reasonOK] != 1 {
		t.Errorf("discarded %v, want ok 1 and shutdown 1", d)
	}
}

// A trace at its limit keeps exactly its last N lines, byte for byte, as
// lines of any length come and the oldest go, and the bytes it counts are
// those its buffer holds.
func TestTailKeepsTheLastLines(t *testing.T) {
	for _, limit := range []int{1, 2, 5, 16} {
		b := NewTailBuffer(WithRecordsPerTrace(limit))
		tr := &heldTrace{}
		var sent []string
		for i := range 100 {
			line := " msg=" + strings.Repeat(strconv.Itoa(i), i%7+1)
			sent = append(sent, line)
			tr.hold(b, []byte(line))
			if got := b.used.Load(); got != int64(len(tr.held.buf)) {
				t.Fatalf("limit %d, after %d lines: %d bytes counted, %d held", limit, i+1, got, len(tr.held.buf))
			}
		}
		o, _ := tr.close(b)
		var got []string
		for i := range o.lines.len() {
			got = append(got, string(o.lines.line(i)))
		}
		if want := sent[len(sent)-limit:]; strings.Join(got, "|") != strings.Join(want, "|") || o.overLimit != 100-limit {
			t.Errorf("limit %d: kept %q (%d dropped), want %q (%d dropped)", limit, got, o.overLimit, want, 100-limit)
		}
		if b.used.Load() != 0 {
			t.Errorf("limit %d: %d bytes still counted after close", limit, b.used.Load())
		}
	}
}
