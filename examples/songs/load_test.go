//go:build load

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/spanlog/spanlog"
	"github.com/spanlog/spanlog/logfmt"
	"github.com/spanlog/spanlog/metricsproc"
	"go.opentelemetry.io/otel/attribute"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
)

// Load: 50,000 POST /songs from 32 concurrent clients on loopback, bounded
// by a deadline, against four servers with the same routes: bare (no-op
// tracer, discarded logs); otel+slog, what a service builds without
// spanlog (otelhttp, the SDK with a batch span processor to a discarding
// exporter, slog.TextHandler with trace_id and span_id added by a small
// wrapper, db_event counted and timed by hand); spanlog's pipeline; and
// spanlog.close, the pipeline printing only spans' close lines. Each round
// runs all of them, the order of the last three reversed every other
// round, so the machine's load falls on all alike. Every server must
// answer every request; with spanlog, every request must show exactly one
// request-span close line (and one new_span line unless close-only) and
// count once in db_event_total; with otel+slog, every request counts once
// and logs its four lines. Throughput and latencies are printed, never
// asserted. Run with:
//
//	go test -tags load -run Load -count 1 -v ./examples/songs
//
// SPANLOG_LOAD_ROUNDS sets the number of rounds (default 2);
// SPANLOG_LOAD_ONLY=spanlog, spanlog.close or otel+slog drives that server
// alone, once, for a CPU profile (-cpuprofile).
const (
	loadRequests = 50_000
	loadClients  = 32
	loadDeadline = 5 * time.Minute
)

func TestLoad(t *testing.T) {
	rounds := 2
	if n, err := strconv.Atoi(os.Getenv("SPANLOG_LOAD_ROUNDS")); err == nil && n > 0 {
		rounds = n
	}
	switch os.Getenv("SPANLOG_LOAD_ONLY") { // one server alone, to profile it
	case "spanlog":
		loadSpanlog(t, "spanlog")
		return
	case "spanlog.close":
		loadSpanlog(t, "spanlog.close")
		return
	case "otel+slog":
		loadOTel(t)
		return
	}
	var bare, otel, with, closeOnly []loadResult
	for round := range rounds {
		bare = append(bare, runLoad(t, "bare", nil))
		if round%2 == 0 {
			otel = append(otel, loadOTel(t))
			with = append(with, loadSpanlog(t, "spanlog"))
			closeOnly = append(closeOnly, loadSpanlog(t, "spanlog.close"))
		} else {
			closeOnly = append(closeOnly, loadSpanlog(t, "spanlog.close"))
			with = append(with, loadSpanlog(t, "spanlog"))
			otel = append(otel, loadOTel(t))
		}
	}
	fmt.Printf("load: %d requests, %d clients, %d rounds\n", loadRequests, loadClients, rounds)
	for i := range rounds {
		for _, r := range []loadResult{bare[i], otel[i], with[i], closeOnly[i]} {
			fmt.Printf("load: round %d %-13s %8.0f req/s  p50 %v  p99 %v\n", i+1, r.name, r.throughput, r.p50, r.p99)
		}
		for _, r := range []loadResult{with[i], closeOnly[i]} {
			fmt.Printf("load: round %d %s/otel+slog: throughput %.2fx  p50 %.2fx  p99 %.2fx\n", i+1, r.name,
				r.throughput/otel[i].throughput, float64(r.p50)/float64(otel[i].p50), float64(r.p99)/float64(otel[i].p99))
		}
	}
}

// loadSpanlog drives the songs server on spanlog's pipeline and checks
// that every request shows one request-span line pair and counts once.
// As "spanlog.close" it prints only the close lines of spans, which carry
// every field and the latency, and checks there is one per request.
func loadSpanlog(t *testing.T, name string) loadResult {
	lines := &requestLines{ids: map[string]int{}}
	var scrape string
	opts := []spanlog.Option{spanlog.WithWriter(lines), spanlog.WithPrometheus(),
		spanlog.WithMetricsOptions(metricsproc.WithSpanNamePrefix("record."))}
	wantOpened := loadRequests
	if name == "spanlog.close" {
		opts = append(opts, spanlog.WithSpanLineOptions(logfmt.WithLines(logfmt.CloseSpanLines|logfmt.EventLines)))
		wantOpened = 0
	}
	r := runLoad(t, name, func(t *testing.T) (http.Handler, func()) {
		p, err := spanlog.New(context.Background(), opts...)
		if err != nil {
			t.Fatal(err)
		}
		s := newServer(p)
		h := s.handler(p)
		return h, func() {
			scrape = scrapeMetrics(h)
			s.close()
			_ = p.Shutdown(context.Background())
		}
	})
	if lines.opened.Load() != int64(wantOpened) || lines.closed.Load() != loadRequests {
		t.Errorf("%s: request spans: %d new_span, %d close_span lines; want %d and %d",
			name, lines.opened.Load(), lines.closed.Load(), wantOpened, loadRequests)
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
	fmt.Printf("load: %s logged %.1f lines, %.0f bytes per request\n", name,
		float64(lines.all.lines.Load())/loadRequests, float64(lines.all.bytes.Load())/loadRequests)
	want := fmt.Sprintf(`db_event_total{event_table="events",event_type="Song",otel_scope_name="github.com/spanlog/spanlog/metricsproc",otel_scope_schema_url="",otel_scope_version="",result="ok",span_name="save_event"} %d`, loadRequests)
	if !strings.Contains(scrape, want) {
		t.Errorf("%s scrape lacks %s", name, want)
	}
	return r
}

// loadOTel drives the songs server built as a service without spanlog
// would be, and checks that every request counts once and logs its lines.
func loadOTel(t *testing.T) loadResult {
	logLines := &lineCounter{}
	exported := &discardExporter{}
	var scrape string
	r := runLoad(t, "otel+slog", func(t *testing.T) (http.Handler, func()) {
		tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exported))
		reg := prometheus.NewRegistry()
		reader, err := otelprom.New(otelprom.WithRegisterer(reg))
		if err != nil {
			t.Fatal(err)
		}
		mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
		meter := mp.Meter("songs")
		total, err1 := meter.Int64Counter("db_event")
		duration, err2 := meter.Float64Histogram("db_event_duration", metric.WithUnit("s"),
			metric.WithExplicitBucketBoundaries(metricsproc.DefaultBuckets...))
		if err := errors.Join(err1, err2); err != nil {
			t.Fatal(err)
		}
		log := slog.New(traceIDs{slog.NewTextHandler(logLines, nil)})
		s := newServerWith(tp.Tracer("songs"), log)
		s.store.measure = func(ctx context.Context, seconds float64) {
			labels := metric.WithAttributes(attribute.String("event_table", "events"), attribute.String("event_type", "Song"),
				attribute.String("span_name", "save_event"), attribute.String("result", "ok"))
			total.Add(ctx, 1, labels)
			duration.Record(ctx, seconds, labels)
		}
		prop := propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})
		h := s.instrumented(tp, mp, prop, promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
		return h, func() {
			scrape = scrapeMetrics(h)
			s.close()
			_ = tp.Shutdown(context.Background())
			_ = mp.Shutdown(context.Background())
		}
	})
	want := fmt.Sprintf(`db_event_total{event_table="events",event_type="Song",otel_scope_name="songs",otel_scope_schema_url="",otel_scope_version="",result="ok",span_name="save_event"} %d`, loadRequests)
	if !strings.Contains(scrape, want) {
		t.Errorf("otel+slog scrape lacks %s", want)
	}
	if n := logLines.lines.Load(); n != 4*loadRequests {
		t.Errorf("otel+slog wrote %d log lines, want 4 per request (%d)", n, 4*loadRequests)
	}
	if n := exported.requests.Load(); n > loadRequests {
		t.Errorf("otel+slog exported %d request spans for %d requests", n, loadRequests)
	}
	fmt.Printf("load: otel+slog exported %d of %d request spans (the batch processor drops what its queue cannot hold); "+
		"logged %.1f lines, %.0f bytes per request\n", exported.requests.Load(), loadRequests,
		float64(logLines.lines.Load())/loadRequests, float64(logLines.bytes.Load())/loadRequests)
	return r
}

func scrapeMetrics(h http.Handler) string {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	return rec.Body.String()
}

// discardExporter is the comparison server's span exporter: it counts the
// request spans it is handed and keeps nothing.
type discardExporter struct{ requests atomic.Int64 }

func (e *discardExporter) ExportSpans(_ context.Context, spans []sdktrace.ReadOnlySpan) error {
	for _, s := range spans {
		if s.Name() == "HTTP request" {
			e.requests.Add(1)
		}
	}
	return nil
}

func (e *discardExporter) Shutdown(context.Context) error { return nil }

// traceIDs adds the trace_id and span_id of the context's span to every
// record: the small wrapper a service without spanlog writes to tie its
// log lines to its traces.
type traceIDs struct{ slog.Handler }

func (h traceIDs) Handle(ctx context.Context, r slog.Record) error {
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
		r.AddAttrs(slog.String("trace_id", sc.TraceID().String()), slog.String("span_id", sc.SpanID().String()))
	}
	return h.Handler.Handle(ctx, r)
}

func (h traceIDs) WithAttrs(attrs []slog.Attr) slog.Handler {
	return traceIDs{h.Handler.WithAttrs(attrs)}
}

func (h traceIDs) WithGroup(name string) slog.Handler { return traceIDs{h.Handler.WithGroup(name)} }

// lineCounter counts the lines and bytes written to it and keeps none.
type lineCounter struct{ lines, bytes atomic.Int64 }

func (w *lineCounter) Write(p []byte) (int, error) {
	w.lines.Add(int64(bytes.Count(p, []byte{'\n'})))
	w.bytes.Add(int64(len(p)))
	return len(p), nil
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
	var done func()
	if setup == nil {
		bare := newServerWith(noop.NewTracerProvider().Tracer("songs"), slog.New(slog.DiscardHandler))
		h = runAfter(bare.routes(http.NotFoundHandler()))
		done = bare.close
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
	all            lineCounter
}

func (w *requestLines) Write(p []byte) (int, error) {
	_, _ = w.all.Write(p)
	if !bytes.HasPrefix(p, []byte(`level=INFO span_name="HTTP request" `)) {
		return len(p), nil
	}
	switch {
	case bytes.Contains(p, []byte(" span_event=new_span ")):
		w.opened.Add(1)
	case bytes.Contains(p, []byte(" span_event=close_span ")):
		w.closed.Add(1)
		if _, rest, ok := bytes.Cut(p, []byte(" request_id=")); ok {
			id, _, _ := bytes.Cut(rest, []byte(" "))
			w.mu.Lock()
			w.ids[string(bytes.TrimSpace(id))]++
			w.mu.Unlock()
		}
	}
	return len(p), nil
}
