package spanlog

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/spanlog/spanlog/levels"
	"github.com/spanlog/spanlog/logfmt"
	"github.com/spanlog/spanlog/metricsproc"
	"github.com/spanlog/spanlog/storage"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// build starts the pipeline pl describes. Only its first step, building
// the exporters, can fail; it shuts down what it built before returning
// the error.
func build(ctx context.Context, cfg *config, pl *plan) (*Pipeline, error) {
	p := &Pipeline{
		guard:           newExportGuard(),
		conns:           &connections{},
		writer:          cfg.writer,
		shutdownTimeout: pl.shutdownTimeout,
		propagator:      propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, storage.BaggagePropagator{}),
	}
	ex, err := p.newExporters(ctx, cfg, pl)
	if err != nil {
		return nil, err
	}

	p.meterProvider = newMeterProvider(cfg, pl, ex)
	p.metricsHandler = ex.prometheusHandler
	handlerOpts := cfg.handlerOptions()
	out := logfmt.NewSyncWriter(cfg.writer)
	p.levels = newLevelSwitch(pl.levels, handlerOpts.Level, out)
	handlerOpts.Levels = p.levels
	spanLineOpts := append([]logfmt.SpanOption{logfmt.WithLevels(p.levels)}, cfg.spanLineOpts...)
	if tb := cfg.newTailBuffer(p.meterProvider); tb != nil {
		handlerOpts.TailBuffer = tb
		spanLineOpts = append(spanLineOpts, logfmt.WithTailBuffer(tb))
	}
	p.handler = logfmt.NewHandler(out, &handlerOpts)
	if ex.logs != nil {
		size := defaultLogQueueSize
		if pl.env.logQueueSize != nil {
			size = *pl.env.logQueueSize
		}
		drops := newDropReporter(size, time.Now, logDrops)
		p.drops = append(p.drops, drops)
		p.loggerProvider = newLoggerProvider(pl.resource, ex.logs, size, drops)
	}
	p.logger = slog.New(logHandler(cfg, p.handler, &handlerOpts, p.loggerProvider))

	var tail []sdktrace.SpanProcessor
	// The caller's exporters first, in the order given, then the OTLP one.
	spans := make([]*guardedSpanExporter, 0, len(cfg.exporters)+len(ex.spans))
	for _, exp := range cfg.exporters {
		spans = append(spans, p.guard.spanExporter(exp, nil))
	}
	for _, exp := range append(spans, ex.spans...) {
		drops := newDropReporter(pl.batch.MaxQueueSize, time.Now, spanDrops)
		p.drops = append(p.drops, drops)
		tail = append(tail, newExportQueue(exp, pl.batch, drops))
	}
	tail = append(tail, cfg.processors...)

	storageOpts, metricsOpts := cfg.storageOpts, cfg.metricsOpts
	if cfg.redact != nil {
		storageOpts = append(storageOpts, storage.WithRedact(cfg.redact))
		metricsOpts = append(metricsOpts, metricsproc.WithRedact(cfg.redact))
		spanLineOpts = append(spanLineOpts, logfmt.WithRedact(cfg.redact))
	}
	chain := storage.New(
		levels.NewProcessor(p.levels,
			metricsproc.New(
				logfmt.NewSpanProcessor(out, chainEnd(tail), spanLineOpts...),
				p.meterProvider, metricsOpts...)),
		storageOpts...)

	tpOpts := []sdktrace.TracerProviderOption{
		sdktrace.WithResource(pl.resource),
		sdktrace.WithSpanProcessor(chain),
	}
	if cfg.idGenerator != nil {
		tpOpts = append(tpOpts, sdktrace.WithIDGenerator(cfg.idGenerator))
	}
	tpOpts = append(tpOpts, sdktrace.WithSampler(cfg.tracerSampler()))
	p.tracerProvider = sdktrace.NewTracerProvider(tpOpts...)
	return p, nil
}

// handlerOptions are the slog handler's options, with WithLevel,
// WithSource and WithRedactedKeys applied over WithHandlerOptions.
func (c *config) handlerOptions() logfmt.HandlerOptions {
	o := c.handlerOpts
	if c.level != nil {
		o.Level = c.level
	}
	if c.addSource {
		o.AddSource = true
	}
	if c.redact != nil {
		o.Redact = c.redact
	}
	return o
}

// exporters are the exporters New builds: OTLP for each signal the
// environment asks for, and Prometheus when asked for.
type exporters struct {
	spans             []*guardedSpanExporter
	metrics           *guardedMetricExporter
	logs              *guardedLogExporter
	prometheus        sdkmetric.Reader
	prometheusHandler http.Handler
}

// newExporters builds the exporters; on error it shuts down those it had
// built. (The span exporter comes last only so that a test can make it
// fail after the others started.)
func (p *Pipeline) newExporters(ctx context.Context, cfg *config, pl *plan) (ex exporters, err error) {
	defer func() {
		if err != nil {
			ex.shutdown(p.shutdownTimeout)
		}
	}()
	if pl.env.metrics.protocol != "" {
		r := p.refusal(signalMetrics)
		exp, err := pl.env.metrics.newMetricExporter(ctx, p.conns, r.status)
		if err != nil {
			return ex, err
		}
		ex.metrics = p.guard.metricExporter(exp, r)
	}
	if pl.env.logs.protocol != "" {
		r := p.refusal(signalLogs)
		exp, err := pl.env.logs.newLogExporter(ctx, p.conns, r.status)
		if err != nil {
			return ex, err
		}
		ex.logs = p.guard.logExporter(exp, r)
	}
	if pl.env.traces.protocol != "" {
		r := p.refusal(signalTraces)
		exp, err := pl.env.traces.newSpanExporter(ctx, p.conns, r.status)
		if err != nil {
			return ex, err
		}
		ex.spans = append(ex.spans, p.guard.spanExporter(exp, r))
	}
	if cfg.prometheus != nil {
		if ex.prometheus, ex.prometheusHandler, err = newPrometheus(cfg.prometheus); err != nil {
			return ex, err
		}
	}
	return ex, nil
}

func (ex *exporters) shutdown(timeout time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var errs []error
	for _, e := range ex.spans {
		errs = append(errs, e.Shutdown(ctx))
	}
	if ex.metrics != nil {
		errs = append(errs, ex.metrics.Shutdown(ctx))
	}
	if ex.logs != nil {
		errs = append(errs, ex.logs.Shutdown(ctx))
	}
	if ex.prometheus != nil {
		errs = append(errs, ex.prometheus.Shutdown(ctx))
	}
	_ = errors.Join(errs...)
}

// refusal returns the refusal check of an OTLP exporter for signal, which
// reports a refused signal on the pipeline's logger.
func (p *Pipeline) refusal(signal string) *refusal {
	return &refusal{signal: signal, status: &statusRecorder{}, report: p.reportRefused}
}

// reportRefused writes the one WARN line about a signal the OTLP endpoint
// refuses.
func (p *Pipeline) reportRefused(signal string, err error) {
	name := strings.ToLower(signal)
	if p.logger == nil {
		otel.Handle(err)
		return
	}
	p.logger.LogAttrs(context.Background(), slog.LevelWarn,
		"the OTLP endpoint does not take "+name+"; spanlog stops sending them",
		slog.String("signal", name),
		slog.String("hint", "set OTEL_"+signal+"_EXPORTER=none if the endpoint takes other signals only"),
		slog.String("err", err.Error()))
}
