package logfmt

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/spanlog/spanlog/traced"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// 8 goroutines of mixed requests, each with its DEBUG records in its root
// and in a child: every failing request's records print, all of them, in
// order, with their own timestamps, under its own trace and before its
// root's close line; no succeeding request's record prints; nothing is
// left held. Run with -race.
func TestTailConcurrentRequestsNeverMix(t *testing.T) {
	f := newTailFixture(t)
	const goroutines, perGoroutine, steps = 8, 40, 4
	type request struct {
		id    string
		fail  bool
		trace string
		times []string
	}
	requests := make([][]request, goroutines)
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range perGoroutine {
				req := request{id: fmt.Sprintf("g%d-%d", g, i), fail: (g+i)%3 == 0}
				ctx, root := f.tracer.Start(context.Background(), "request", trace.WithAttributes(attribute.String("req", req.id)))
				req.trace = root.SpanContext().TraceID().String()
				cctx, child := f.tracer.Start(ctx, "step")
				for s := range steps {
					at := time.Now()
					req.times = append(req.times, timestampOf(at))
					where := ctx
					if s%2 == 1 {
						where = cctx
					}
					f.debugAt(where, at, "step", slog.String("req", req.id), slog.Int("n", s))
				}
				if req.fail {
					child.SetStatus(codes.Error, "failed")
				}
				child.End()
				root.End()
				requests[g] = append(requests[g], req)
			}
		})
	}
	wg.Wait()

	lines := f.lines(t)
	type seen struct {
		steps []string
		times []string
		trace []string
	}
	byReq := map[string]*seen{}
	closedAt := map[string]int{}
	lastStep := map[string]int{}
	for i, l := range lines {
		req, _ := get(l, "req")
		if ev, _ := get(l, "span_event"); ev == "close_span" {
			if name, _ := get(l, "span_name"); name == "request" {
				closedAt[req] = i
			}
			continue
		}
		if msg, _ := get(l, "msg"); msg != "step" {
			continue
		}
		s := byReq[req]
		if s == nil {
			s = &seen{}
			byReq[req] = s
		}
		n, _ := get(l, "n")
		ts, _ := get(l, "timestamp")
		tid, _ := get(l, "trace_id")
		s.steps = append(s.steps, n)
		s.times = append(s.times, ts)
		s.trace = append(s.trace, tid)
		lastStep[req] = i
	}
	failed := 0
	for _, rs := range requests {
		for _, req := range rs {
			s := byReq[req.id]
			if !req.fail {
				if s != nil {
					t.Errorf("%s succeeded, yet %d of its records printed", req.id, len(s.steps))
				}
				continue
			}
			failed++
			if s == nil {
				t.Errorf("%s failed and none of its records printed", req.id)
				continue
			}
			if fmt.Sprint(s.steps) != "[0 1 2 3]" || fmt.Sprint(s.times) != fmt.Sprint(req.times) {
				t.Errorf("%s printed steps %v at %v, want [0 1 2 3] at %v", req.id, s.steps, s.times, req.times)
			}
			for _, tid := range s.trace {
				if tid != req.trace {
					t.Errorf("%s: a record printed under trace %s, want %s", req.id, tid, req.trace)
				}
			}
			if lastStep[req.id] > closedAt[req.id] {
				t.Errorf("%s: records printed after its root's close line", req.id)
			}
		}
	}
	r, d := f.counts(t)
	if r != int64(failed*steps) || d[reasonOK] != int64((goroutines*perGoroutine-failed)*steps) {
		t.Errorf("replayed %d, discarded %v; want %d replayed and %d ok", r, d, failed*steps, (goroutines*perGoroutine-failed)*steps)
	}
	f.assertEmpty(t)
}

// A traced hop inside the process belongs to the sender's local root, even
// once the sender's own span has ended: the consumer's records print with
// the request's when the consumer fails, and not when all goes well.
func TestTailTracedHopJoinsTheSendersRoot(t *testing.T) {
	f := newTailFixture(t)
	work := make(chan traced.Message[string], 1)

	for _, fail := range []bool{true, false} {
		payload := "ok"
		if fail {
			payload = "bad"
		}
		ctx, root := f.tracer.Start(context.Background(), "request", trace.WithAttributes(attribute.String("req", payload)))
		f.log.DebugContext(ctx, "queued", "payload", payload)
		sctx, send := f.tracer.Start(ctx, "send")
		if err := traced.Send(sctx, work, payload); err != nil {
			t.Fatal(err)
		}
		send.End() // the sender's span ends before the consumer starts

		m := <-work
		var sameRoot bool
		err := traced.Consume(context.Background(), m, func(ctx context.Context, p string) error {
			consumer := f.tb.traceOf(trace.SpanContextFromContext(ctx))
			sameRoot = consumer != nil && consumer == f.tb.traceOf(root.SpanContext())
			f.log.DebugContext(ctx, "consuming", "payload", p)
			if p == "bad" {
				return errors.New("cannot consume")
			}
			return nil
		}, traced.WithTracerProvider(f.tp))
		if (err != nil) != fail {
			t.Fatalf("Consume: %v", err)
		}
		if !sameRoot {
			t.Error("the consumer's span is not tracked under the request's root")
		}
		root.End()
	}

	lines := f.lines(t)
	for _, msg := range []string{"queued", "consuming"} {
		got := withMsg(lines, msg)
		if len(got) != 1 {
			t.Errorf("%q printed %d times, want once (the failed request's):\n%s", msg, len(got), f.buf.String())
			continue
		}
		if p, _ := get(got[0], "payload"); p != "bad" {
			t.Errorf("%q printed for payload %s", msg, p)
		}
	}
	closeLine := -1
	for i, l := range lines {
		if ev, _ := get(l, "span_event"); ev == "close_span" {
			if req, _ := get(l, "req"); req == "bad" {
				if name, _ := get(l, "span_name"); name == "request" {
					closeLine = i
				}
			}
		}
	}
	if c := indexOf(lines, "", "msg", "consuming"); c < 0 || c > closeLine {
		t.Errorf("the consumer's record at line %d, the root's close at %d", c, closeLine)
	}
	f.assertEmpty(t)
}
