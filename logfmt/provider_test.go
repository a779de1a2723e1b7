package logfmt

import (
	"github.com/spanlog/spanlog/storage"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// newProviderWithChain returns a tracer provider running storage in front
// of next, as spanlog.New builds it.
func newProviderWithChain(next sdktrace.SpanProcessor, opts ...sdktrace.TracerProviderOption) *sdktrace.TracerProvider {
	return sdktrace.NewTracerProvider(append(opts, sdktrace.WithSpanProcessor(storage.New(next)))...)
}
