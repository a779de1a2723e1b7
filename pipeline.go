package spanlog

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/spanlog/spanlog/logfmt"
	"github.com/spanlog/spanlog/metricsproc"
	"github.com/spanlog/spanlog/storage"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/propagation"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
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

	shutdownOnce sync.Once
	shutdownErr  error
}

// New builds a pipeline: a tracer provider whose processor chain is
// storage → metricsproc → logfmt span lines → exporters, a meter provider
// for the span metrics, a logfmt slog handler on the same writer as the span
// lines, and the W3C tracecontext and baggage propagators. Nothing is
// global until Install.
//
// Spans are exported over OTLP, batched, when OTEL_EXPORTER_OTLP_ENDPOINT or
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set, and metrics, periodically, when
// OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_METRICS_ENDPOINT is; New
// returns an error when the protocol named by OTEL_EXPORTER_OTLP_PROTOCOL is
// not supported. No
// connection is made before the first export, so an endpoint that is down
// does not fail New.
func New(ctx context.Context, opts ...Option) (*Pipeline, error) {
	cfg := config{writer: os.Stdout}
	for _, opt := range opts {
		opt(&cfg)
	}
	handlerOpts := cfg.handlerOpts
	if cfg.level != nil {
		handlerOpts.Level = cfg.level
	}
	if cfg.addSource {
		handlerOpts.AddSource = true
	}
	if cfg.redact != nil {
		handlerOpts.Redact = cfg.redact
	}

	res, err := newResource(ctx, cfg.serviceName)
	if err != nil {
		return nil, err
	}
	otlp, err := otlpTraceExporter(ctx)
	if err != nil {
		return nil, err
	}
	exporters := cfg.exporters
	if otlp != nil {
		exporters = append(exporters, otlp)
	}
	var tail []sdktrace.SpanProcessor
	for _, exp := range exporters {
		tail = append(tail, sdktrace.NewBatchSpanProcessor(exp))
	}
	tail = append(tail, cfg.processors...)

	mp, metricsHandler, err := newMeterProvider(ctx, &cfg, res)
	if err != nil {
		return nil, err
	}

	out := logfmt.NewSyncWriter(cfg.writer)
	spanLineOpts := cfg.spanLineOpts
	if handlerOpts.Level != nil {
		spanLineOpts = append([]logfmt.SpanOption{logfmt.WithMinLevel(handlerOpts.Level)}, spanLineOpts...)
	}
	storageOpts, metricsOpts := cfg.storageOpts, cfg.metricsOpts
	if cfg.redact != nil {
		storageOpts = append(storageOpts, storage.WithRedact(cfg.redact))
		metricsOpts = append(metricsOpts, metricsproc.WithRedact(cfg.redact))
		spanLineOpts = append(spanLineOpts, logfmt.WithRedact(cfg.redact))
	}
	chain := storage.New(
		metricsproc.New(
			logfmt.NewSpanProcessor(out, chainEnd(tail), spanLineOpts...),
			mp, metricsOpts...),
		storageOpts...)

	tpOpts := []sdktrace.TracerProviderOption{
		sdktrace.WithResource(res),
		sdktrace.WithSpanProcessor(chain),
	}
	if cfg.idGenerator != nil {
		tpOpts = append(tpOpts, sdktrace.WithIDGenerator(cfg.idGenerator))
	}
	if cfg.sampler != nil {
		tpOpts = append(tpOpts, sdktrace.WithSampler(cfg.sampler))
	}

	handler := logfmt.NewHandler(out, &handlerOpts)
	var lp *sdklog.LoggerProvider
	if cfg.otlpLogs {
		exp, err := otlpLogExporter(ctx)
		if err != nil {
			return nil, err
		}
		if exp != nil {
			lp = newLoggerProvider(res, exp)
		}
	}
	return &Pipeline{
		tracerProvider: sdktrace.NewTracerProvider(tpOpts...),
		meterProvider:  mp,
		loggerProvider: lp,
		metricsHandler: metricsHandler,
		handler:        handler,
		logger:         slog.New(logHandler(&cfg, handler, handlerOpts.Level, lp)),
		propagator:     propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}),
	}, nil
}

// logHandler is the handler of the pipeline's logger: the logfmt handler,
// joined by those the options ask for, all at the same level.
func logHandler(cfg *config, h *logfmt.Handler, level slog.Leveler, lp *sdklog.LoggerProvider) slog.Handler {
	if level == nil {
		level = slog.LevelInfo
	}
	var extra []slog.Handler
	if cfg.logsAsSpanEvents {
		extra = append(extra, &spanEventHandler{level: level})
	}
	if lp != nil {
		extra = append(extra, leveled(bridgeHandler(lp), level))
	}
	if cfg.loggerProvider != nil {
		extra = append(extra, leveled(bridgeHandler(cfg.loggerProvider), level))
	}
	if len(extra) == 0 {
		return h
	}
	return slog.NewMultiHandler(append([]slog.Handler{h}, extra...)...)
}

// newResource describes the service: the SDK's defaults and the OTEL_*
// resource variables, with name, when set, as service.name.
func newResource(ctx context.Context, name string) (*resource.Resource, error) {
	opts := []resource.Option{resource.WithFromEnv(), resource.WithTelemetrySDK()}
	if name != "" {
		opts = append(opts, resource.WithAttributes(attribute.String("service.name", name)))
	}
	extra, err := resource.New(ctx, opts...)
	if err != nil {
		return nil, err
	}
	return resource.Merge(resource.Default(), extra)
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

// Propagator returns the W3C tracecontext + baggage propagator.
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

// Shutdown ends every span processor in chain order, flushing span
// exporters, then the meter provider, flushing metric exporters, then the
// logger provider WithOTLPLogs built. It returns
// when done or when ctx is done, with ctx's error in that case. Only the
// first call does the work; later calls return its result.
func (p *Pipeline) Shutdown(ctx context.Context) error {
	p.shutdownOnce.Do(func() {
		errs := []error{p.tracerProvider.Shutdown(ctx), p.meterProvider.Shutdown(ctx)}
		if p.loggerProvider != nil {
			errs = append(errs, p.loggerProvider.Shutdown(ctx))
		}
		p.shutdownErr = errors.Join(errs...)
	})
	return p.shutdownErr
}

// ForceFlush exports every ended span still held by a batching exporter,
// and the metrics of periodic readers, returning when done or when ctx is
// done.
func (p *Pipeline) ForceFlush(ctx context.Context) error {
	return errors.Join(p.tracerProvider.ForceFlush(ctx), p.meterProvider.ForceFlush(ctx))
}
