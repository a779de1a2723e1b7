package spanlog

import (
	"context"
	"log/slog"
	"os"
	"sync"

	"github.com/spanlog/spanlog/logfmt"
	"github.com/spanlog/spanlog/storage"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// Pipeline holds the parts New builds. Its methods are safe for concurrent
// use.
type Pipeline struct {
	tracerProvider *sdktrace.TracerProvider
	handler        *logfmt.Handler
	logger         *slog.Logger
	propagator     propagation.TextMapPropagator

	shutdownOnce sync.Once
	shutdownErr  error
}

// New builds a pipeline: a tracer provider whose processor chain is
// storage → logfmt span lines → exporters, a logfmt slog handler on the
// same writer, and the W3C tracecontext and baggage propagators. Nothing is
// global until Install.
//
// Spans are exported over OTLP, batched, when OTEL_EXPORTER_OTLP_ENDPOINT or
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set; New returns an error when the
// protocol named by OTEL_EXPORTER_OTLP_PROTOCOL is not supported. No
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

	out := logfmt.NewSyncWriter(cfg.writer)
	spanLineOpts := cfg.spanLineOpts
	if handlerOpts.Level != nil {
		spanLineOpts = append([]logfmt.SpanOption{logfmt.WithMinLevel(handlerOpts.Level)}, spanLineOpts...)
	}
	chain := storage.New(
		logfmt.NewSpanProcessor(out, chainEnd(tail), spanLineOpts...),
		cfg.storageOpts...)

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
	return &Pipeline{
		tracerProvider: sdktrace.NewTracerProvider(tpOpts...),
		handler:        handler,
		logger:         slog.New(handler),
		propagator:     propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}),
	}, nil
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

// Handler returns the pipeline's slog handler.
func (p *Pipeline) Handler() *logfmt.Handler { return p.handler }

// Logger returns a slog.Logger on the pipeline's handler.
func (p *Pipeline) Logger() *slog.Logger { return p.logger }

// Propagator returns the W3C tracecontext + baggage propagator.
func (p *Pipeline) Propagator() propagation.TextMapPropagator { return p.propagator }

// Install makes the pipeline global: the otel tracer provider and text map
// propagator, and slog's default logger (which also takes over the log
// package's output).
func (p *Pipeline) Install() {
	otel.SetTracerProvider(p.tracerProvider)
	otel.SetTextMapPropagator(p.propagator)
	slog.SetDefault(p.logger)
}

// Shutdown ends every span processor in chain order, flushing exporters,
// and returns when done or when ctx is done, with ctx's error in that case.
// Only the first call does the work; later calls return its result.
func (p *Pipeline) Shutdown(ctx context.Context) error {
	p.shutdownOnce.Do(func() {
		p.shutdownErr = p.tracerProvider.Shutdown(ctx)
	})
	return p.shutdownErr
}

// ForceFlush exports every ended span still held by a batching exporter,
// returning when done or when ctx is done.
func (p *Pipeline) ForceFlush(ctx context.Context) error {
	return p.tracerProvider.ForceFlush(ctx)
}
