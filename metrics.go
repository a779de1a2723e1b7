package spanlog

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
)

// PrometheusOption configures the Prometheus exposition WithPrometheus
// adds.
type PrometheusOption func(*prometheusConfig)

type prometheusConfig struct {
	plain       bool
	openMetrics bool
}

// PrometheusPlainSeries leaves the otel_scope_name, otel_scope_version and
// otel_scope_schema_url labels off every series, so a span metric scrapes
// as, for example,
//
//	db_event_total{event_table="events",event_type="Song",result="ok",span_name="save_event"} 8
func PrometheusPlainSeries() PrometheusOption {
	return func(c *prometheusConfig) { c.plain = true }
}

// PrometheusOpenMetrics serves the OpenMetrics text format to scrapers
// that ask for it (Accept: application/openmetrics-text), which carries
// exemplars: each span metric's counter and histogram buckets then point
// at a trace_id and span_id of a sampled span that fed them. Other
// scrapers still get the classic text format.
func PrometheusOpenMetrics() PrometheusOption {
	return func(c *prometheusConfig) { c.openMetrics = true }
}

// newPrometheus returns a Prometheus exporter on a registry of its own, and
// the handler serving that registry.
func newPrometheus(c *prometheusConfig) (sdkmetric.Reader, http.Handler, error) {
	reg := prometheus.NewRegistry()
	opts := []otelprom.Option{otelprom.WithRegisterer(reg)}
	if c.plain {
		opts = append(opts, otelprom.WithoutScopeInfo())
	}
	exp, err := otelprom.New(opts...)
	if err != nil {
		return nil, nil, err
	}
	return exp, promhttp.HandlerFor(reg, promhttp.HandlerOpts{EnableOpenMetrics: c.openMetrics}), nil
}

// newMeterProvider builds the pipeline's meter provider with its readers:
// those passed with WithMetricReader, the Prometheus exporter when asked
// for, and a periodic OTLP exporter when the environment names an
// endpoint.
func newMeterProvider(cfg *config, pl *plan, ex exporters) *sdkmetric.MeterProvider {
	opts := []sdkmetric.Option{sdkmetric.WithResource(pl.resource)}
	for _, r := range cfg.metricReaders {
		opts = append(opts, sdkmetric.WithReader(r))
	}
	if cfg.cardinalityLimit != nil {
		opts = append(opts, sdkmetric.WithCardinalityLimit(*cfg.cardinalityLimit))
	}
	if ex.prometheus != nil {
		opts = append(opts, sdkmetric.WithReader(ex.prometheus))
	}
	if ex.metrics != nil {
		opts = append(opts, sdkmetric.WithReader(sdkmetric.NewPeriodicReader(ex.metrics)))
	}
	return sdkmetric.NewMeterProvider(opts...)
}
