package spanlog

import (
	"context"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
)

// newMeterProvider builds the pipeline's meter provider with its readers:
// those passed with WithMetricReader, a Prometheus exporter with its own
// registry when asked for, and a periodic OTLP exporter when the
// environment names an endpoint. It returns the /metrics handler, or nil.
func newMeterProvider(ctx context.Context, cfg *config, res *resource.Resource) (*sdkmetric.MeterProvider, http.Handler, error) {
	opts := []sdkmetric.Option{sdkmetric.WithResource(res)}
	for _, r := range cfg.metricReaders {
		opts = append(opts, sdkmetric.WithReader(r))
	}
	if cfg.cardinalityLimit != nil {
		opts = append(opts, sdkmetric.WithCardinalityLimit(*cfg.cardinalityLimit))
	}
	var metricsHandler http.Handler
	if cfg.prometheus {
		reg := prometheus.NewRegistry()
		exp, err := otelprom.New(otelprom.WithRegisterer(reg))
		if err != nil {
			return nil, nil, err
		}
		opts = append(opts, sdkmetric.WithReader(exp))
		metricsHandler = promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
	}
	otlp, err := otlpMetricExporter(ctx)
	if err != nil {
		return nil, nil, err
	}
	if otlp != nil {
		opts = append(opts, sdkmetric.WithReader(sdkmetric.NewPeriodicReader(otlp)))
	}
	return sdkmetric.NewMeterProvider(opts...), metricsHandler, nil
}
