package logfmttest

import (
	"log/slog"
	"testing"

	"go.opentelemetry.io/otel"
)

// KeepGlobals saves slog's default logger and otel's global tracer
// provider, meter provider, text map propagator and error handler, and puts
// them back when t and its subtests end, so a test can install a pipeline
// (spanlog's Pipeline.Install) without changing what later tests see.
func KeepGlobals(t testing.TB) {
	logger := slog.Default()
	tp, mp := otel.GetTracerProvider(), otel.GetMeterProvider()
	prop, handler := otel.GetTextMapPropagator(), otel.GetErrorHandler()
	t.Cleanup(func() {
		slog.SetDefault(logger)
		otel.SetTracerProvider(tp)
		otel.SetMeterProvider(mp)
		otel.SetTextMapPropagator(prop)
		otel.SetErrorHandler(handler)
	})
}
