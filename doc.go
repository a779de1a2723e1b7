// Package spanlog wires the spanlog layers into one pipeline: an
// OpenTelemetry tracer provider whose span processor chain is storage (field
// inheritance, baggage, latency_ms) → logfmt span lines → exporter, a
// logfmt slog.Handler for log records, and the W3C propagators.
//
//	p, err := spanlog.New(ctx, spanlog.WithServiceName("checkout"))
//	if err != nil { ... }
//	p.Install() // otel globals + slog.SetDefault
//	defer p.Shutdown(context.Background())
//
// With no exporter configured, lines go to stdout and nothing else is
// needed. Setting OTEL_EXPORTER_OTLP_ENDPOINT (or
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) also exports spans over OTLP, batched.
package spanlog
