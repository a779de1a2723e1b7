package logfmt

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// tailFixture is a real pipeline with a tail buffer: storage → span
// printer, a Handler at INFO, both on one writer, and the buffer's counters
// on a meter provider read by a ManualReader.
type tailFixture struct {
	buf    bytes.Buffer // written under out's lock; read once the test is done
	out    *SyncWriter
	tb     *TailBuffer
	clock  *testClock
	h      *Handler
	log    *slog.Logger
	tp     *sdktrace.TracerProvider
	tracer trace.Tracer
	reader *sdkmetric.ManualReader
}

func newTailFixture(t testing.TB, opts ...TailOption) *tailFixture {
	return newTailFixtureWith(t, HandlerOptions{}, opts...)
}

func newTailFixtureWith(t testing.TB, hopts HandlerOptions, opts ...TailOption) *tailFixture {
	f := &tailFixture{clock: &testClock{t: time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)}}
	f.out = NewSyncWriter(&f.buf)
	f.reader = sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(f.reader))
	f.tb = NewTailBuffer(append([]TailOption{WithTailMeterProvider(mp)}, opts...)...)
	f.tb.now = f.clock.Now
	hopts.TailBuffer = f.tb
	f.h = NewHandler(f.out, &hopts)
	f.log = slog.New(f.h)
	f.tp = newProviderWithChain(NewSpanProcessor(f.out, nil, WithTailBuffer(f.tb)))
	f.tracer = f.tp.Tracer("tail")
	t.Cleanup(func() {
		_ = f.tp.Shutdown(context.Background())
		_ = mp.Shutdown(context.Background())
	})
	return f
}

// lines decodes everything written so far.
func (f *tailFixture) lines(t testing.TB) [][]pair {
	t.Helper()
	return decodeLines(t, f.buf.Bytes())
}

// counts returns the replayed total and the discarded totals by reason.
func (f *tailFixture) counts(t testing.TB) (replayed int64, discarded map[string]int64) {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := f.reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	discarded = map[string]int64{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			sum, ok := m.Data.(metricdata.Sum[int64])
			if !ok {
				continue
			}
			for _, dp := range sum.DataPoints {
				switch m.Name {
				case "spanlog_tail_records_replayed":
					replayed += dp.Value
				case "spanlog_tail_records_discarded":
					reason, _ := dp.Attributes.Value(attribute.Key("reason"))
					discarded[reason.AsString()] += dp.Value
				}
			}
		}
	}
	return replayed, discarded
}

// assertEmpty checks that the buffer holds nothing: no tracked span, no
// open trace, no byte counted.
func (f *tailFixture) assertEmpty(t testing.TB) {
	t.Helper()
	f.tb.mu.RLock()
	spans, open := len(f.tb.spans), f.tb.oldest != nil || f.tb.newest != nil
	f.tb.mu.RUnlock()
	if spans != 0 || open || f.tb.used.Load() != 0 {
		t.Errorf("buffer not empty: %d spans tracked, open traces %v, %d bytes counted", spans, open, f.tb.used.Load())
	}
}

// withMsg returns the lines whose msg is msg.
func withMsg(lines [][]pair, msg string) [][]pair {
	var out [][]pair
	for _, l := range lines {
		if m, _ := get(l, "msg"); m == msg {
			out = append(out, l)
		}
	}
	return out
}

// indexOf returns the index of the first line with key=value after
// span_event=event ("" for any line), or -1.
func indexOf(lines [][]pair, event, key, value string) int {
	for i, l := range lines {
		if ev, _ := get(l, "span_event"); ev != event {
			continue
		}
		if v, ok := get(l, key); ok && v == value {
			return i
		}
	}
	return -1
}

// testClock is the tail buffer's clock in tests: it moves only when told.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// debugAt logs a DEBUG record with time at through the handler, as
// slog.Logger does: Enabled first, then Handle.
func (f *tailFixture) debugAt(ctx context.Context, at time.Time, msg string, attrs ...slog.Attr) {
	if !f.h.Enabled(ctx, slog.LevelDebug) {
		return
	}
	r := slog.NewRecord(at, slog.LevelDebug, msg, 0)
	r.AddAttrs(attrs...)
	_ = f.h.Handle(ctx, r)
}

// timestampOf formats t as the lines do.
func timestampOf(t time.Time) string { return string(appendTime(nil, t)) }

// fmtPairs prints a decoded line's pairs, for searching.
func fmtPairs(l []pair) string { return fmt.Sprint(l) }
