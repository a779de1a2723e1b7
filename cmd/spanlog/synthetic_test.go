package main

import (
	"fmt"
	"io"
	"math/rand/v2"
	"time"
)

// synthetic is an io.Reader of generated spanlog lines, shaped like the
// songs service's: concurrent requests, each a root span with three child
// spans and log lines, their lines interleaved. It makes lines as they are
// read, so its own memory does not grow with their number.
type synthetic struct {
	lines, made int
	step        time.Duration // timestamp step between lines
	rng         *rand.Rand
	slots       []request // requests in flight
	next        int       // requests started
	buf         []byte
	onLine      func(n int) // called before line n is made, if set
}

// request is one request in flight and where its lines are.
type request struct {
	id       int
	stage    int // index into its lines
	failing  bool
	children [3]uint64
}

// linesPerRequest is how many lines one request writes.
const linesPerRequest = 12

func newSynthetic(lines, concurrency int, step time.Duration) *synthetic {
	s := &synthetic{lines: lines, step: step, rng: rand.New(rand.NewPCG(7, 11))}
	for range concurrency {
		s.slots = append(s.slots, s.start())
	}
	return s
}

func (s *synthetic) start() request {
	s.next++
	r := request{id: s.next, failing: s.next%50 == 0}
	for i := range r.children {
		r.children[i] = uint64(s.next)<<8 | uint64(i+1)
	}
	return r
}

func (s *synthetic) Read(p []byte) (int, error) {
	for len(s.buf) < len(p) && s.made < s.lines {
		if s.onLine != nil {
			s.onLine(s.made)
		}
		slot := s.rng.IntN(len(s.slots))
		s.buf = s.appendLine(s.buf, &s.slots[slot])
		if s.slots[slot].stage == linesPerRequest {
			s.slots[slot] = s.start()
		}
		s.made++
	}
	if len(s.buf) == 0 {
		return 0, io.EOF
	}
	n := copy(p, s.buf)
	s.buf = s.buf[:copy(s.buf, s.buf[n:])]
	return n, nil
}

var childNames = [3]string{"vendor.lastfm.task", "vendor.cdbaby.task", "record.save_event"}

// appendLine appends the next line of request r.
func (s *synthetic) appendLine(b []byte, r *request) []byte {
	ts := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC).Add(time.Duration(s.made) * s.step).Format("2006-01-02T15:04:05.000000Z")
	trace := fmt.Sprintf("%016x%016x", 0x5eed, r.id)
	root := fmt.Sprintf("%016x", uint64(r.id)<<8)
	common := fmt.Sprintf("server.address=127.0.0.1 http.request.method=POST url.scheme=http server.port=8080 network.peer.address=127.0.0.1 user_agent.original=Go-http-client/1.1 url.path=/songs http.route=/songs request_id=req-%07d", r.id)
	stage := r.stage
	r.stage++
	switch {
	case stage == 0:
		return fmt.Appendf(b, "level=INFO span_name=\"HTTP request\" span=%s span_event=new_span timestamp=%s trace_id=%s %s\n", root, ts, trace, common)
	case stage <= 9:
		c := (stage - 1) / 3
		span := fmt.Sprintf("%016x", r.children[c])
		switch (stage - 1) % 3 {
		case 0:
			return fmt.Appendf(b, "level=INFO span_name=%s span=%s parent_span=%s span_event=new_span timestamp=%s trace_id=%s subject=%s category=vendor %s\n", childNames[c], span, root, ts, trace, childNames[c], common)
		case 1:
			return fmt.Appendf(b, "level=INFO msg=\"finished processing vendor request\" vendor.status=200 vendor.matches=%d span=%s trace_id=%s subject=%s category=vendor %s timestamp=%s\n", r.id%5, span, trace, childNames[c], common, ts)
		default:
			return fmt.Appendf(b, "level=INFO span_name=%s span=%s parent_span=%s span_event=close_span timestamp=%s trace_id=%s latency_ms=%.3f subject=%s category=vendor %s\n", childNames[c], span, root, ts, trace, float64(r.id%97)/10, childNames[c], common)
		}
	case stage == 10:
		level := "INFO"
		if r.failing {
			level = "ERROR"
		}
		return fmt.Appendf(b, "level=%s msg=\"song saved\" song.id=%d song.title=\"So What\" span=%s trace_id=%s %s timestamp=%s\n", level, r.id, root, trace, common, ts)
	default:
		level := "INFO"
		if r.failing {
			level = "ERROR"
		}
		return fmt.Appendf(b, "level=%s span_name=\"HTTP request\" span=%s span_event=close_span timestamp=%s trace_id=%s latency_ms=%.3f %s http.response.status_code=201\n", level, root, ts, trace, float64(r.id%997)/10+10, common)
	}
}
