package spanlog_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/spanlog/spanlog"
	"github.com/spanlog/spanlog/logfmt/logfmttest"
	"go.opentelemetry.io/otel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	collectorlogs "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	collectortrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/protobuf/proto"
)

// gatedCollector is an OTLP HTTP trace and log receiver that holds every
// request until its gate opens, and counts the spans and log records of the
// requests it answers.
type gatedCollector struct {
	gate     chan struct{}
	gateOnce sync.Once
	mu       sync.Mutex
	got      collected
}

// collected is what a gatedCollector answered for.
type collected struct{ spans, records int }

// received returns what c answered for so far.
func (c *gatedCollector) received() collected {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.got
}

func (c *gatedCollector) open() { c.gateOnce.Do(func() { close(c.gate) }) }

func (c *gatedCollector) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	select {
	case <-c.gate:
	case <-r.Context().Done():
		return // the exporter gave up on this request: it is not delivered
	}
	if r.URL.Path == "/v1/logs" {
		c.answerLogs(w, body)
		return
	}
	var req collectortrace.ExportTraceServiceRequest
	if err := proto.Unmarshal(body, &req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	n := 0
	for _, rs := range req.ResourceSpans {
		for _, ss := range rs.ScopeSpans {
			n += len(ss.Spans)
		}
	}
	c.mu.Lock()
	c.got.spans += n
	c.mu.Unlock()
	out, _ := proto.Marshal(&collectortrace.ExportTraceServiceResponse{})
	w.Header().Set("Content-Type", "application/x-protobuf")
	_, _ = w.Write(out)
}

func (c *gatedCollector) answerLogs(w http.ResponseWriter, body []byte) {
	var req collectorlogs.ExportLogsServiceRequest
	if err := proto.Unmarshal(body, &req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	n := 0
	for _, rl := range req.ResourceLogs {
		for _, sl := range rl.ScopeLogs {
			n += len(sl.LogRecords)
		}
	}
	c.mu.Lock()
	c.got.records += n
	c.mu.Unlock()
	out, _ := proto.Marshal(&collectorlogs.ExportLogsServiceResponse{})
	w.Header().Set("Content-Type", "application/x-protobuf")
	_, _ = w.Write(out)
}

// endSpansConcurrently ends goroutines × perG spans.
func endSpansConcurrently(p *spanlog.Pipeline, goroutines, perG int) {
	var wg sync.WaitGroup
	tracer := p.TracerProvider().Tracer("load")
	for range goroutines {
		wg.Go(func() {
			for range perG {
				_, span := tracer.Start(context.Background(), "op")
				span.End()
			}
		})
	}
	wg.Wait()
}

// Under load, with a collector that takes its time and a small queue
// (OTEL_BSP_MAX_QUEUE_SIZE), spans are dropped, and every dropped span is
// counted through the error handler: received + reported = ended.
func TestDroppedSpansAreAllReported(t *testing.T) {
	const goroutines, perG = 8, 10_000
	col := startGatedCollector(t)
	t.Setenv("OTEL_METRICS_EXPORTER", "none")
	t.Setenv("OTEL_BSP_MAX_QUEUE_SIZE", "512")
	reports := recordDrops(t, func(err error) (dropCount, bool) {
		if e, ok := errors.AsType[*spanlog.DroppedSpansError](err); ok {
			return dropCount(*e), true
		}
		return dropCount{}, false
	})

	p, err := spanlog.New(context.Background(), spanlog.WithWriter(io.Discard),
		spanlog.WithBatchOptions(sdktrace.WithMaxExportBatchSize(128)))
	if err != nil {
		t.Fatal(err)
	}
	endSpansConcurrently(p, goroutines, perG)
	openAndShutDown(t, col, p)
	checkAllDropsReported(t, reports(), 512, col.received().spans, goroutines*perG)
}

// With WithBlocking, a full queue makes span.End wait: nothing is dropped.
func TestBlockingQueueDropsNothing(t *testing.T) {
	const goroutines, perG = 8, 2_000
	col := startGatedCollector(t)
	col.open()
	t.Setenv("OTEL_METRICS_EXPORTER", "none")

	logfmttest.KeepGlobals(t)
	var mu sync.Mutex
	var handled []error
	otel.SetErrorHandler(otel.ErrorHandlerFunc(func(err error) { mu.Lock(); handled = append(handled, err); mu.Unlock() }))

	p, err := spanlog.New(context.Background(), spanlog.WithWriter(io.Discard),
		spanlog.WithBatchOptions(sdktrace.WithMaxQueueSize(16), sdktrace.WithMaxExportBatchSize(8), sdktrace.WithBlocking()))
	if err != nil {
		t.Fatal(err)
	}
	endSpansConcurrently(p, goroutines, perG)
	if err := p.Shutdown(context.Background()); err != nil {
		t.Fatalf("Shutdown = %v", err)
	}
	if got := col.received().spans; got != goroutines*perG || len(handled) != 0 {
		t.Errorf("collector got %d spans of %d; errors handled: %v", got, goroutines*perG, handled)
	}
}

// The same holds for log records sent with WithOTLPLogs: the SDK's batch
// log processor drops the oldest record when its queue is full and says so
// only to otel's internal logger. Every dropped record is counted through
// the error handler: received + reported = logged.
func TestDroppedLogRecordsAreAllReported(t *testing.T) {
	const goroutines, perG = 8, 10_000
	col := startGatedCollector(t)
	t.Setenv("OTEL_TRACES_EXPORTER", "none")
	t.Setenv("OTEL_METRICS_EXPORTER", "none")
	t.Setenv("OTEL_BLRP_MAX_QUEUE_SIZE", "512")
	reports := recordDrops(t, func(err error) (dropCount, bool) {
		if e, ok := errors.AsType[*spanlog.DroppedLogRecordsError](err); ok {
			return dropCount(*e), true
		}
		return dropCount{}, false
	})

	p, err := spanlog.New(context.Background(), spanlog.WithWriter(io.Discard), spanlog.WithOTLPLogs())
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for range perG {
				p.Logger().Info("record")
			}
		})
	}
	wg.Wait()
	openAndShutDown(t, col, p)
	checkAllDropsReported(t, reports(), 512, col.received().records, goroutines*perG)
}

// startGatedCollector starts a gatedCollector, closed, and points the OTLP
// HTTP exporters at it with a timeout long enough to wait for it.
func startGatedCollector(t *testing.T) *gatedCollector {
	t.Helper()
	col := &gatedCollector{gate: make(chan struct{})}
	srv := httptest.NewServer(col)
	t.Cleanup(srv.Close)
	otlpEnv(t, srv.URL, "http/protobuf")
	t.Setenv("OTEL_EXPORTER_OTLP_TIMEOUT", "120000")
	return col
}

// openAndShutDown lets col answer, then shuts p down.
func openAndShutDown(t *testing.T, col *gatedCollector, p *spanlog.Pipeline) {
	t.Helper()
	col.open()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := p.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown = %v", err)
	}
}

// dropCount is what a DroppedSpansError or a DroppedLogRecordsError says.
type dropCount struct {
	Count, Total uint64
	QueueSize    int
}

// recordDrops keeps, for the rest of t, the reports the error handler
// gets that as recognizes, and returns a function that returns them.
func recordDrops(t *testing.T, as func(error) (dropCount, bool)) func() []dropCount {
	logfmttest.KeepGlobals(t)
	var mu sync.Mutex
	var reports []dropCount
	otel.SetErrorHandler(otel.ErrorHandlerFunc(func(err error) {
		if r, ok := as(err); ok {
			mu.Lock()
			reports = append(reports, r)
			mu.Unlock()
		}
	}))
	return func() []dropCount {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(reports)
	}
}

// checkAllDropsReported checks that reports from a queue of queueSize
// count every one of the sent items the collector did not receive, and
// that their running total adds up.
func checkAllDropsReported(t *testing.T, reports []dropCount, queueSize, received, sent int) {
	t.Helper()
	var dropped uint64
	for _, r := range reports {
		dropped += r.Count
		if r.QueueSize != queueSize {
			t.Errorf("report %+v: queue size is not %d", r, queueSize)
		}
	}
	if len(reports) == 0 || dropped == 0 {
		t.Fatalf("no drop reported, collector got %d of %d", received, sent)
	}
	if last := reports[len(reports)-1]; last.Total != dropped {
		t.Errorf("last report's total %d, the reports add up to %d", last.Total, dropped)
	}
	if got := uint64(received) + dropped; got != uint64(sent) {
		t.Errorf("collector got %d, %d reported dropped: %d, want %d sent", received, dropped, got, sent)
	}
	t.Logf("%d delivered, %d dropped, %d reports", received, dropped, len(reports))
}
