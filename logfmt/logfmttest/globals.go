package logfmttest

import (
	"log"
	"log/slog"
	"testing"

	"go.opentelemetry.io/otel"
)

// KeepGlobals saves slog's default logger, the log package's output,
// flags and prefix, and otel's global tracer provider, meter provider,
// text map propagator and error handler, and puts them back when t and its
// subtests end, so a test can install a pipeline (spanlog's
// Pipeline.Install) without changing what later tests see.
//
// The log package is saved on its own because slog.SetDefault, given a
// logger on slog's built-in handler, leaves log's output where it is: a
// restored slog default would otherwise still write, through log, to the
// handler the test installed.
func KeepGlobals(t testing.TB) {
	logger := slog.Default()
	logOut, logFlags, logPrefix := log.Writer(), log.Flags(), log.Prefix()
	tp, mp := otel.GetTracerProvider(), otel.GetMeterProvider()
	prop, handler := otel.GetTextMapPropagator(), otel.GetErrorHandler()
	t.Cleanup(func() {
		slog.SetDefault(logger)
		log.SetOutput(logOut)
		log.SetFlags(logFlags)
		log.SetPrefix(logPrefix)
		// Setting an otel global to the value it holds logs a warning.
		if !same(otel.GetTracerProvider(), tp) {
			otel.SetTracerProvider(tp)
		}
		if !same(otel.GetMeterProvider(), mp) {
			otel.SetMeterProvider(mp)
		}
		if !same(otel.GetTextMapPropagator(), prop) {
			otel.SetTextMapPropagator(prop)
		}
		if !same(otel.GetErrorHandler(), handler) {
			otel.SetErrorHandler(handler)
		}
	})
}

// same reports whether a and b are the same value; values of a type that
// cannot be compared (a func, a slice) are never the same.
func same(a, b any) (equal bool) {
	defer func() {
		if recover() != nil {
			equal = false
		}
	}()
	return a == b
}
