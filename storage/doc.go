// Package storage is the span processor that gives spans their stored
// fields: when a span starts under a local parent it inherits the parent's
// attributes as they are at that moment, baggage members in the parent
// context become attributes too, and when the span ends every processor and
// exporter after this one sees latency_ms among its attributes.
//
// The SDK span is the store: Fields reads a live span's attributes, in the
// order they were set, without copying them.
//
// Keys that describe a single span are never inherited: latency_ms,
// metric_name, metric_label_*, otel.*, error, exception.* and a consumer
// span's message keys (keys.IsPerSpan). Baggage never supplies those nor
// a reserved line key, gives at most 64 members and 8192 bytes, and a
// request's own baggage (marked by BaggagePropagator) gives only the keys
// WithRemoteBaggage allows.
//
// Chain it first in the tracer provider, with the rest of the chain as next:
//
//	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(
//		storage.New(logfmt.NewSpanProcessor(os.Stdout, batcher))))
package storage
