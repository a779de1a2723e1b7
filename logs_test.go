package spanlog_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spanlog/spanlog"
	"github.com/spanlog/spanlog/logfmt/logfmttest"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

func TestLogsAsSpanEvents(t *testing.T) {
	var buf bytes.Buffer
	exp := tracetest.NewInMemoryExporter()
	p, err := spanlog.New(context.Background(), spanlog.WithWriter(&buf), spanlog.WithSpanExporter(exp),
		spanlog.WithLogsAsSpanEvents())
	if err != nil {
		t.Fatal(err)
	}
	defer p.Shutdown(context.Background())
	ctx, span := p.TracerProvider().Tracer("t").Start(context.Background(), "op")
	p.Logger().With("svc", "x").WithGroup("req").InfoContext(ctx, "handled", "status", 200)
	p.Logger().DebugContext(ctx, "below the level")
	span.End()
	_ = p.ForceFlush(context.Background())

	events := exp.GetSpans()[0].Events
	if len(events) != 1 || events[0].Name != "handled" {
		t.Fatalf("events %+v, want one named handled", events)
	}
	attrs := attribute.NewSet(events[0].Attributes...)
	for key, want := range map[string]string{"log.severity": "INFO", "svc": "x", "req.status": "200"} {
		if v, _ := attrs.Value(attribute.Key(key)); v.String() != want {
			t.Errorf("event %s = %q, want %q", key, v.String(), want)
		}
	}
	if n := strings.Count(buf.String(), "handled"); n != 1 {
		t.Errorf("the record printed %d times, want once:\n%s", n, buf.String())
	}
}

func TestOTLPLogsThroughBridge(t *testing.T) {
	for _, protocol := range []string{"http/protobuf", "grpc"} {
		t.Run(protocol, func(t *testing.T) {
			rec := &otlpReceiver{}
			t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", rec.start(t, protocol))
			t.Setenv("OTEL_EXPORTER_OTLP_PROTOCOL", protocol)
			t.Setenv("OTEL_EXPORTER_OTLP_INSECURE", "true")
			p, err := spanlog.New(context.Background(), spanlog.WithWriter(io.Discard), spanlog.WithOTLPLogs())
			if err != nil {
				t.Fatal(err)
			}
			ctx, span := p.TracerProvider().Tracer("t").Start(context.Background(), "op")
			p.Logger().InfoContext(ctx, "bridged", "k", "v")
			p.Logger().DebugContext(ctx, "filtered out")
			span.End()
			if err := p.Shutdown(context.Background()); err != nil {
				t.Fatal(err)
			}
			if got := rec.logBodies(); len(got) != 1 || got[0] != "bridged" {
				t.Errorf("receiver got log records %q, want [bridged]", got)
			}
		})
	}
}

// With the collector down, the app goes on, says so once, and Shutdown
// returns within its context.
func TestEndpointDownWarnsOnce(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := lis.Addr().String()
	lis.Close() // nothing listens there now
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://"+addr)
	t.Setenv("OTEL_EXPORTER_OTLP_TIMEOUT", "200")
	t.Setenv("OTEL_BSP_SCHEDULE_DELAY", "20") // export in the background every 20ms
	logfmttest.KeepGlobals(t)

	out := &lockedBuffer{}
	p, err := spanlog.New(context.Background(), spanlog.WithWriter(out), spanlog.WithLevel(slog.LevelWarn))
	if err != nil {
		t.Fatal(err)
	}
	p.Install()
	// Keep ending spans while the background exports fail: until the
	// warning shows, then for many more batch periods.
	spanFor := func(d time.Duration, until func() bool) {
		for deadline := time.Now().Add(d); time.Now().Before(deadline) && !until(); {
			_, span := p.TracerProvider().Tracer("t").Start(context.Background(), "op")
			span.End()
			time.Sleep(time.Millisecond)
		}
	}
	spanFor(20*time.Second, func() bool { return strings.Contains(out.String(), "opentelemetry error") })
	spanFor(500*time.Millisecond, func() bool { return false })
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- p.Shutdown(ctx) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("Shutdown did not return after its context ended")
	}
	if n := strings.Count(out.String(), "opentelemetry error"); n != 1 {
		t.Errorf("%d warning lines, want 1:\n%s", n, out.String())
	}
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
