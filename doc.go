// Package spanlog wires the spanlog layers into one pipeline: an
// OpenTelemetry tracer provider whose span processor chain is storage (field
// inheritance, baggage, latency_ms) → levels (span-scoped level
// directives) → metricsproc (span metrics) → logfmt span lines → export
// queues and exporters, a meter provider for the span metrics, a logfmt
// slog.Handler for log records, and the W3C propagators (a request's
// baggage marked as the request's).
//
//	p, err := spanlog.New(ctx, spanlog.WithServiceName("checkout"))
//	if err != nil { ... }
//	p.Install() // otel globals + slog.SetDefault
//	defer p.Shutdown(context.Background()) // bounded: 5 s at most by default
//
// With no exporter configured, lines go to stdout and nothing else is
// needed. Setting OTEL_EXPORTER_OTLP_ENDPOINT (or
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) also exports spans over OTLP, batched,
// and metrics; env.go lists every variable New reads.
package spanlog
