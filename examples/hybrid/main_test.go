package main

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spanlog/spanlog/logfmt/logfmttest"
	"github.com/spanlog/spanlog/traced"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// syncBuffer is a bytes.Buffer safe for the pipeline's writes and the
// test's reads at once; onWrite, when set, sees each line.
type syncBuffer struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	onWrite func(line string)
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.onWrite != nil {
		b.onWrite(string(p))
	}
	return b.buf.Write(p)
}

func (b *syncBuffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return bytes.Clone(b.buf.Bytes())
}

func TestHybridGolden(t *testing.T) {
	var out syncBuffer
	if err := run(context.Background(), &out, demo); err != nil {
		t.Fatal(err)
	}
	scrubbed := logfmttest.ScrubKeys(out.Bytes(), "timestamp", "latency_ms", traced.QueueTimeKey)
	got := logfmttest.RenumberIDs(logfmttest.SortBySpanName(scrubbed))
	logfmttest.Golden(t, "testdata/hybrid.golden", got)
}

// Each request is one trace from server receive to echo reply.
func TestOneTracePerRequest(t *testing.T) {
	var out syncBuffer
	if err := run(context.Background(), &out, demo); err != nil {
		t.Fatal(err)
	}
	traces := map[string]map[string]bool{} // request.id → trace ids
	spans := map[string]map[string]bool{}  // request.id → span names
	for _, l := range logfmttest.Decode(t, out.Bytes()) {
		id := l["request.id"]
		if id == "" {
			t.Errorf("line without request.id from baggage: %v", l)
			continue
		}
		if traces[id] == nil {
			traces[id], spans[id] = map[string]bool{}, map[string]bool{}
		}
		traces[id][l["trace_id"]] = true
		if name := l["span_name"]; name != "" {
			spans[id][name] = true
		}
	}
	if len(traces) != demo.requests {
		t.Fatalf("requests seen %d, want %d", len(traces), demo.requests)
	}
	for id, ids := range traces {
		if len(ids) != 1 {
			t.Errorf("request %s spans %d traces", id, len(ids))
		}
		for _, name := range []string{"ws.receive", "worker.process", "client.send", "echo.handle"} {
			if !spans[id][name] {
				t.Errorf("request %s has no %s span", id, name)
			}
		}
	}
}

// A slow echo service backs the pipeline up through small buffers; every
// request still goes through, and nothing leaks.
func TestSlowConsumer(t *testing.T) {
	var out syncBuffer
	cfg := config{requests: 8, workers: 2, rounds: 10, buffer: 1, echoDelay: 10 * time.Millisecond}
	if err := run(context.Background(), &out, cfg); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(out.Bytes()), `msg="echo received"`); n != cfg.requests {
		t.Errorf("%d echoes, want %d", n, cfg.requests)
	}
}

// The source hangs up without reading a single acknowledgement: the
// server's connection ends, the requests already in flight still finish,
// and run returns.
func TestClosedConnection(t *testing.T) {
	var out syncBuffer
	cfg := config{requests: 40, workers: 2, rounds: 10, buffer: 2}
	if err := run(context.Background(), &out, cfg); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(out.Bytes()), `msg="request received"`); n != cfg.requests {
		t.Errorf("%d requests received, want %d", n, cfg.requests)
	}
}

// Canceling run's ctx while requests are in flight stops everything
// promptly; goleak checks that every goroutine is gone.
func TestShutdownMidFlight(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := syncBuffer{onWrite: func(line string) {
		if strings.Contains(line, "msg=echoing") {
			cancel() // the first echo is under way: stop now
		}
	}}
	cfg := config{requests: 50, workers: 2, rounds: 10, buffer: 4, echoDelay: 5 * time.Millisecond}
	done := make(chan error, 1)
	go func() { done <- run(ctx, &out, cfg) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("run did not return after its context was canceled")
	}
	if n := strings.Count(string(out.Bytes()), `msg="echo received"`); n >= cfg.requests {
		t.Errorf("all %d requests finished: the cancel came too late to test anything", n)
	}
}
