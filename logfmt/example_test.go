package logfmt_test

import (
	"bytes"
	"context"
	"log/slog"
	"os"

	"github.com/spanlog/spanlog/logfmt"
	"github.com/spanlog/spanlog/logfmt/logfmttest"
	"github.com/spanlog/spanlog/storage"
	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

func ExampleNewHandler() {
	h := logfmt.NewHandler(os.Stdout, &logfmt.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{} // keep the example's output stable
			}
			return a
		},
	})
	log := slog.New(h).With("service", "songs")
	log.WithGroup("req").Info("saved", "title", "Blue in Green", "id", 7)
	// Output:
	// level=INFO msg=saved service=songs req.title="Blue in Green" req.id=7
}

func ExampleNewSpanProcessor() {
	var buf bytes.Buffer
	out := logfmt.NewSyncWriter(&buf)
	tp := sdktrace.NewTracerProvider(
		sdktrace.WithIDGenerator(logfmttest.NewIDGenerator()),
		sdktrace.WithSpanProcessor(storage.New(logfmt.NewSpanProcessor(out, nil,
			logfmt.WithLines(logfmt.CloseSpanLines)))))
	defer tp.Shutdown(context.Background())

	ctx, request := tp.Tracer("example").Start(context.Background(), "request",
		trace.WithAttributes(attribute.String("http.route", "/songs")))
	_, save := tp.Tracer("example").Start(ctx, "save")
	save.End()
	request.End()
	// Timestamps and latencies vary from run to run: print them scrubbed.
	os.Stdout.Write(logfmttest.Scrub(buf.Bytes()))
	// Output:
	// level=INFO span_name=save span=0000000000000002 parent_span=0000000000000001 span_event=close_span timestamp=<timestamp> trace_id=00000000000000000000000000000001 latency_ms=<latency_ms> http.route=/songs
	// level=INFO span_name=request span=0000000000000001 span_event=close_span timestamp=<timestamp> trace_id=00000000000000000000000000000001 latency_ms=<latency_ms> http.route=/songs
}
