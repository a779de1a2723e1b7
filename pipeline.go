package spanlog

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/spanlog/spanlog/levels"
	"github.com/spanlog/spanlog/logfmt"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/propagation"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// Pipeline holds the parts New builds. Its methods are safe for concurrent
// use.
type Pipeline struct {
	tracerProvider *sdktrace.TracerProvider
	meterProvider  *sdkmetric.MeterProvider
	loggerProvider *sdklog.LoggerProvider // owned: built for WithOTLPLogs
	metricsHandler http.Handler
	handler        *logfmt.Handler
	logger         *slog.Logger
	propagator     propagation.TextMapPropagator
	levels         *levels.Switch

	writer          io.Writer       // as given to WithWriter; Shutdown flushes it
	guard           *exportGuard    // every exporter's exports and shutdown
	conns           *connections    // the OTLP HTTP exporters' transports
	drops           []*dropReporter // one per export queue
	shutdownTimeout time.Duration

	shutdownOnce sync.Once
	shutdownErr  error
}

// New builds a pipeline: a tracer provider whose processor chain is
// storage → metricsproc → logfmt span lines → export queues and exporters,
// a meter provider for the span metrics, a logfmt slog handler on the same
// writer as the span lines, and the W3C tracecontext and baggage
// propagators. Nothing is global until Install.
//
// New first checks the whole configuration, options and environment (see
// env.go for the variables: OTEL_EXPORTER_OTLP_*, OTEL_<SIGNAL>_EXPORTER,
// OTEL_BSP_*), and returns an error naming what is wrong before it starts
// anything. Spans are exported over OTLP, batched, when
// OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set,
// and metrics, periodically, when OTEL_EXPORTER_OTLP_ENDPOINT or
// OTEL_EXPORTER_OTLP_METRICS_ENDPOINT is; OTEL_<SIGNAL>_EXPORTER=none turns
// a signal off. No connection is made before the first export, so an
// endpoint that is down does not fail New.
//
// The exporters, span processors and metric readers passed in options
// belong to the pipeline: Shutdown shuts them down, and so does New when
// it fails.
func New(ctx context.Context, opts ...Option) (*Pipeline, error) {
	cfg := config{writer: os.Stdout}
	for _, opt := range opts {
		opt(&cfg)
	}
	pl, err := cfg.validate(ctx)
	if err == nil {
		var p *Pipeline
		if p, err = build(ctx, &cfg, pl); err == nil {
			return p, nil
		}
	}
	cfg.release(DefaultShutdownTimeout)
	return nil, err
}

// logHandler is the handler of the pipeline's logger: the logfmt handler,
// joined by those the options ask for, all with the same options.
func logHandler(cfg *config, h *logfmt.Handler, opts *logfmt.HandlerOptions, lp *sdklog.LoggerProvider) slog.Handler {
	var extra []slog.Handler
	if cfg.logsAsSpanEvents {
		extra = append(extra, spanEventHandler(opts))
	}
	if lp != nil {
		extra = append(extra, bridgeHandler(lp, opts))
	}
	if cfg.loggerProvider != nil {
		extra = append(extra, bridgeHandler(cfg.loggerProvider, opts))
	}
	if len(extra) == 0 {
		return h
	}
	return slog.NewMultiHandler(append([]slog.Handler{h}, extra...)...)
}

// TracerProvider returns the pipeline's tracer provider.
func (p *Pipeline) TracerProvider() *sdktrace.TracerProvider { return p.tracerProvider }

// MeterProvider returns the pipeline's meter provider, which the span
// metrics use; instrument the app with it too.
func (p *Pipeline) MeterProvider() *sdkmetric.MeterProvider { return p.meterProvider }

// MetricsHandler serves the Prometheus exposition of the pipeline's
// metrics when New had WithPrometheus, and 404 otherwise.
func (p *Pipeline) MetricsHandler() http.Handler {
	if p.metricsHandler == nil {
		return http.NotFoundHandler()
	}
	return p.metricsHandler
}

// Handler returns the pipeline's slog handler.
func (p *Pipeline) Handler() *logfmt.Handler { return p.handler }

// Logger returns a slog.Logger on the pipeline's handler.
func (p *Pipeline) Logger() *slog.Logger { return p.logger }

// Propagator returns the W3C tracecontext + baggage propagator. Baggage it
// extracts is marked as the request's, which becomes span fields only for
// the keys WithRemoteBaggage names.
func (p *Pipeline) Propagator() propagation.TextMapPropagator { return p.propagator }

// Install makes the pipeline global: the otel tracer and meter providers
// and text map propagator, slog's default logger (which also takes over
// the log package's output), and an otel error handler that logs the SDK's
// errors, such as failed exports while a collector is down, at WARN, at
// most one line a minute.
func (p *Pipeline) Install() {
	otel.SetErrorHandler(&errorReporter{log: p.logger, now: time.Now})
	otel.SetTracerProvider(p.tracerProvider)
	otel.SetMeterProvider(p.meterProvider)
	otel.SetTextMapPropagator(p.propagator)
	slog.SetDefault(p.logger)
}

// ForceFlush exports every ended span still held by a batching exporter,
// and the metrics of periodic readers, returning when done or when ctx is
// done.
func (p *Pipeline) ForceFlush(ctx context.Context) error {
	return errors.Join(p.tracerProvider.ForceFlush(ctx), p.meterProvider.ForceFlush(ctx))
}
