//go:build load

package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spanlog/spanlog"
	"github.com/spanlog/spanlog/metricsproc"
	"go.opentelemetry.io/otel/trace/noop"
)

// Load: 50,000 POST /songs from 32 concurrent clients on loopback, bounded
// by a deadline, once through the full spanlog pipeline and once bare.
// With spanlog, every request must show exactly one request-span line pair
// and count once in db_event_total. Run with:
//
//	go test -tags load -run Load -count 1 -v ./examples/songs
const (
	loadRequests = 50_000
	loadClients  = 32
	loadDeadline = 5 * time.Minute
)

func TestLoad(t *testing.T) {
	bare := runLoad(t, "bare", nil)
	lines := &requestLines{ids: map[string]int{}}
	var scrape string
	with := runLoad(t, "spanlog", func(t *testing.T) (http.Handler, func()) {
		p, err := spanlog.New(context.Background(), spanlog.WithWriter(lines), spanlog.WithPrometheus(),
			spanlog.WithMetricsOptions(metricsproc.WithSpanNamePrefix("record.")))
		if err != nil {
			t.Fatal(err)
		}
		s := newServer(p)
		h := s.handler(p)
		return h, func() {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
			scrape = rec.Body.String()
			s.close()
			_ = p.Shutdown(context.Background())
		}
	})
	fmt.Printf("load: %d requests, %d clients\n", loadRequests, loadClients)
	for _, r := range []loadResult{bare, with} {
		fmt.Printf("load: %-8s %8.0f req/s  p50 %v  p99 %v\n", r.name, r.throughput, r.p50, r.p99)
	}

	if lines.opened.Load() != loadRequests || lines.closed.Load() != loadRequests {
		t.Errorf("request spans: %d new_span, %d close_span lines; want %d each",
			lines.opened.Load(), lines.closed.Load(), loadRequests)
	}
	if len(lines.ids) != loadRequests {
		t.Errorf("%d distinct request_ids closed, want %d", len(lines.ids), loadRequests)
	}
	for id, n := range lines.ids {
		if n != 1 {
			t.Errorf("request %s closed %d times", id, n)
			break
		}
	}
	want := fmt.Sprintf(`db_event_total{event_table="events",event_type="Song",otel_scope_name="github.com/spanlog/spanlog/metricsproc",otel_scope_schema_url="",otel_scope_version="",result="ok",span_name="save_event"} %d`, loadRequests)
	if !strings.Contains(scrape, want) {
		t.Errorf("scrape lacks %s", want)
	}
}

type loadResult struct {
	name          string
	throughput    float64
	p50, p99      time.Duration
	failed, total int
}

// runLoad serves the songs routes, bare when setup is nil, and drives them.
func runLoad(t *testing.T, name string, setup func(*testing.T) (http.Handler, func())) loadResult {
	var h http.Handler
	done := func() {}
	var bareServer *server
	if setup == nil {
		bareServer = newServerWith(noop.NewTracerProvider().Tracer("songs"), slog.New(slog.DiscardHandler))
		h = runAfter(bareServer.routes(http.NotFoundHandler()))
		done = bareServer.close
	} else {
		h, done = setup(t)
	}
	srv := httptest.NewServer(h)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: loadClients}, Timeout: 30 * time.Second}

	deadline := time.Now().Add(loadDeadline)
	var next atomic.Int64
	latencies := make([]time.Duration, loadRequests)
	var failed atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range loadClients {
		wg.Go(func() {
			for {
				i := next.Add(1) - 1
				if i >= loadRequests || time.Now().After(deadline) {
					return
				}
				body := fmt.Sprintf(`{"title":"Song %d","artist":"Load","year":2026}`, i)
				t0 := time.Now()
				resp, err := client.Post(srv.URL+"/songs", "application/json", bytes.NewBufferString(body))
				if err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				latencies[i] = time.Since(t0)
				if err != nil || resp.StatusCode != http.StatusCreated {
					failed.Add(1)
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	srv.Close()
	client.CloseIdleConnections()
	done()

	sent := min(int(next.Load()), loadRequests)
	if sent < loadRequests {
		t.Fatalf("%s: only %d of %d requests before the %v deadline", name, sent, loadRequests, loadDeadline)
	}
	if failed.Load() > 0 {
		t.Errorf("%s: %d requests failed", name, failed.Load())
	}
	slices.Sort(latencies)
	return loadResult{
		name: name, throughput: float64(loadRequests) / elapsed.Seconds(),
		p50: latencies[loadRequests/2], p99: latencies[loadRequests*99/100],
		failed: int(failed.Load()), total: loadRequests,
	}
}

// requestLines counts the request span's lines as they are written,
// keeping only the request_id of each close line.
type requestLines struct {
	mu             sync.Mutex
	ids            map[string]int
	opened, closed atomic.Int64
}

func (w *requestLines) Write(p []byte) (int, error) {
	line := string(p)
	if !strings.HasPrefix(line, `level=INFO span_name="HTTP request" `) {
		return len(p), nil
	}
	switch {
	case strings.Contains(line, " span_event=new_span "):
		w.opened.Add(1)
	case strings.Contains(line, " span_event=close_span "):
		w.closed.Add(1)
		if i := strings.Index(line, " request_id="); i >= 0 {
			id, _, _ := strings.Cut(line[i+len(" request_id="):], " ")
			w.mu.Lock()
			w.ids[strings.TrimSpace(id)]++
			w.mu.Unlock()
		}
	}
	return len(p), nil
}
