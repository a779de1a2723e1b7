package spanlog_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
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
	spans    int
	records  int
	requests int
}

func (c *gatedCollector) open() { c.gateOnce.Do(func() { close(c.gate) }) }

func (c *gatedCollector) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	c.mu.Lock()
	c.requests++
	c.mu.Unlock()
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
	c.spans += n
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
	c.records += n
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
	col := &gatedCollector{gate: make(chan struct{})}
	srv := httptest.NewServer(col)
	defer srv.Close()
	otlpEnv(t, srv.URL, "http/protobuf")
	t.Setenv("OTEL_METRICS_EXPORTER", "none")
	t.Setenv("OTEL_EXPORTER_OTLP_TIMEOUT", "120000")
	t.Setenv("OTEL_BSP_MAX_QUEUE_SIZE", "512")

	logfmttest.KeepGlobals(t)
	var mu sync.Mutex
	var reports []spanlog.DroppedSpansError
	otel.SetErrorHandler(otel.ErrorHandlerFunc(func(err error) {
		var dropped *spanlog.DroppedSpansError
		if errors.As(err, &dropped) {
			mu.Lock()
			reports = append(reports, *dropped)
			mu.Unlock()
		}
	}))

	p, err := spanlog.New(context.Background(), spanlog.WithWriter(io.Discard),
		spanlog.WithBatchOptions(sdktrace.WithMaxExportBatchSize(128)))
	if err != nil {
		t.Fatal(err)
	}
	endSpansConcurrently(p, goroutines, perG)
	col.open()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := p.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown = %v", err)
	}

	mu.Lock()
	defer mu.Unlock()
	var dropped uint64
	for _, r := range reports {
		dropped += r.Count
		if r.QueueSize != 512 {
			t.Errorf("report %+v: queue size is not OTEL_BSP_MAX_QUEUE_SIZE", r)
		}
	}
	if len(reports) == 0 || dropped == 0 {
		t.Fatalf("no drop reported, collector got %d of %d spans", col.spans, goroutines*perG)
	}
	if last := reports[len(reports)-1]; last.Total != dropped {
		t.Errorf("last report's total %d, the reports add up to %d", last.Total, dropped)
	}
	if got := uint64(col.spans) + dropped; got != goroutines*perG {
		t.Errorf("collector got %d spans, %d reported dropped: %d, want %d ended", col.spans, dropped, got, goroutines*perG)
	}
	t.Logf("%d spans delivered, %d dropped, %d reports", col.spans, dropped, len(reports))
}

// With WithBlocking, a full queue makes span.End wait: nothing is dropped.
func TestBlockingQueueDropsNothing(t *testing.T) {
	const goroutines, perG = 8, 2_000
	col := &gatedCollector{gate: make(chan struct{})}
	col.open()
	srv := httptest.NewServer(col)
	defer srv.Close()
	otlpEnv(t, srv.URL, "http/protobuf")
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
	if col.spans != goroutines*perG || len(handled) != 0 {
		t.Errorf("collector got %d spans of %d; errors handled: %v", col.spans, goroutines*perG, handled)
	}
}

// The same holds for log records sent with WithOTLPLogs: the SDK's batch
// log processor drops the oldest record when its queue is full and says so
// only to otel's internal logger. Every dropped record is counted through
// the error handler: received + reported = logged.
func TestDroppedLogRecordsAreAllReported(t *testing.T) {
	const goroutines, perG = 8, 10_000
	col := &gatedCollector{gate: make(chan struct{})}
	srv := httptest.NewServer(col)
	defer srv.Close()
	otlpEnv(t, srv.URL, "http/protobuf")
	t.Setenv("OTEL_TRACES_EXPORTER", "none")
	t.Setenv("OTEL_METRICS_EXPORTER", "none")
	t.Setenv("OTEL_EXPORTER_OTLP_TIMEOUT", "120000")
	t.Setenv("OTEL_BLRP_MAX_QUEUE_SIZE", "512")

	logfmttest.KeepGlobals(t)
	var mu sync.Mutex
	var reports []spanlog.DroppedLogRecordsError
	otel.SetErrorHandler(otel.ErrorHandlerFunc(func(err error) {
		var dropped *spanlog.DroppedLogRecordsError
		if errors.As(err, &dropped) {
			mu.Lock()
			reports = append(reports, *dropped)
			mu.Unlock()
		}
	}))

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
	col.open()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := p.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown = %v", err)
	}

	mu.Lock()
	defer mu.Unlock()
	var dropped uint64
	for _, r := range reports {
		dropped += r.Count
		if r.QueueSize != 512 {
			t.Errorf("report %+v: queue size is not OTEL_BLRP_MAX_QUEUE_SIZE", r)
		}
	}
	if len(reports) == 0 || dropped == 0 {
		t.Fatalf("no drop reported, collector got %d of %d records", col.records, goroutines*perG)
	}
	if got := uint64(col.records) + dropped; got != goroutines*perG {
		t.Errorf("collector got %d records, %d reported dropped: %d, want %d logged", col.records, dropped, got, goroutines*perG)
	}
	t.Logf("%d records delivered, %d dropped, %d reports", col.records, dropped, len(reports))
}
