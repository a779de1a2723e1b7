// Package metricsproc is the span processor that turns spans into metrics.
// A span carrying metric_name=N when it ends adds 1 to the counter N_total
// and records its duration, in seconds, in the histogram
// N_duration_seconds (the names a Prometheus exporter shows; in OTel they
// are the counter "N" and the histogram "N_duration" with unit "s").
//
// Labels: each metric_label_X=V field becomes X=V; span_name is the span's
// name less a configured prefix; result is "error" when the span's status is
// Error or it recorded an exception, and "ok" otherwise. WithFieldLabels
// adds labels from other fields, inherited ones included, by key.
//
// The recorded duration is the latency_ms that the storage processor put on
// the span, divided by 1000, so logs and metrics agree to the microsecond.
// Measurements are recorded with the span's context, so an exemplar carries
// its trace id when the span is sampled.
//
// # Cardinality
//
// The OTel metric SDK caps the number of label sets per instrument: 2000 by
// default, set with go.opentelemetry.io/otel/sdk/metric.WithCardinalityLimit
// on the MeterProvider (spanlog.WithCardinalityLimit in the pipeline; 0
// means no limit). Once an instrument holds limit−1 label sets, new ones are
// counted in a single overflow series labelled otel.metric.overflow="true",
// so totals stay exact while the label detail is given up. Under cumulative
// temporality, as with Prometheus, series live until the process restarts.
// The number of distinct metric names is capped too (WithMaxMetricNames).
package metricsproc
