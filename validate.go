package spanlog

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"time"

	"github.com/spanlog/spanlog/levels"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// plan is what New decided from the options and the environment before
// building anything.
type plan struct {
	env             envConfig
	levels          *levels.Filter // nil: no directives
	resource        *resource.Resource
	batch           sdktrace.BatchSpanProcessorOptions
	shutdownTimeout time.Duration
}

// validate checks the whole configuration, options and environment, and
// returns the plan New builds. It starts nothing, so a failure leaves
// nothing behind but the parts the caller handed over (see release).
func (c *config) validate(ctx context.Context) (*plan, error) {
	if isNil(c.writer) {
		return nil, errors.New("spanlog: WithWriter(nil): lines need a writer; pass io.Discard to drop them")
	}
	for _, exp := range c.exporters {
		if isNil(exp) {
			return nil, errors.New("spanlog: WithSpanExporter(nil)")
		}
	}
	for _, sp := range c.processors {
		if isNil(sp) {
			return nil, errors.New("spanlog: WithSpanProcessor(nil)")
		}
	}
	for _, r := range c.metricReaders {
		if isNil(r) {
			return nil, errors.New("spanlog: WithMetricReader(nil)")
		}
	}
	if c.cardinalityLimit != nil && *c.cardinalityLimit < 0 {
		return nil, fmt.Errorf("spanlog: WithCardinalityLimit(%d): want 0 (no limit) or more", *c.cardinalityLimit)
	}
	pl := &plan{shutdownTimeout: DefaultShutdownTimeout}
	if c.shutdownTimeout != nil {
		if *c.shutdownTimeout <= 0 {
			return nil, fmt.Errorf("spanlog: WithShutdownTimeout(%v): want a duration above 0", *c.shutdownTimeout)
		}
		pl.shutdownTimeout = *c.shutdownTimeout
	}

	var err error
	if pl.levels, err = c.levelDirectives(); err != nil {
		return nil, err
	}
	if pl.env, err = readEnv(c.otlpLogs); err != nil {
		return nil, err
	}
	if pl.batch, err = batchOptions(pl.env.batch, c.batchOpts); err != nil {
		return nil, err
	}
	if pl.resource, err = newResource(ctx, c.serviceName); err != nil {
		return nil, err
	}
	return pl, nil
}

// batchOptions resolves the batch span processor's settings: the SDK's
// defaults, then the OTEL_BSP_* variables, then the options.
func batchOptions(env batchSettings, opts []sdktrace.BatchSpanProcessorOption) (sdktrace.BatchSpanProcessorOptions, error) {
	o := sdktrace.BatchSpanProcessorOptions{
		MaxQueueSize:       sdktrace.DefaultMaxQueueSize,
		BatchTimeout:       sdktrace.DefaultScheduleDelay * time.Millisecond,
		ExportTimeout:      sdktrace.DefaultExportTimeout * time.Millisecond,
		MaxExportBatchSize: sdktrace.DefaultMaxExportBatchSize,
	}
	if env.maxQueueSize != nil {
		o.MaxQueueSize = *env.maxQueueSize
	}
	if env.maxBatchSize != nil {
		o.MaxExportBatchSize = *env.maxBatchSize
	}
	if env.scheduleDelay != nil {
		o.BatchTimeout = *env.scheduleDelay
	}
	if env.exportTimeout != nil {
		o.ExportTimeout = *env.exportTimeout
	}
	for _, opt := range opts {
		opt(&o)
	}
	if o.MaxQueueSize <= 0 || o.MaxExportBatchSize <= 0 {
		return o, fmt.Errorf("spanlog: batch queue size %d and batch size %d: want both above 0", o.MaxQueueSize, o.MaxExportBatchSize)
	}
	if o.BatchTimeout <= 0 {
		return o, fmt.Errorf("spanlog: batch timeout %v: want a duration above 0", o.BatchTimeout)
	}
	return o, nil
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

// release shuts down the parts the caller handed to New, which New owns,
// when New fails: exporters, span processors and metric readers.
func (c *config) release(timeout time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	for _, exp := range c.exporters {
		if !isNil(exp) {
			_ = exp.Shutdown(ctx)
		}
	}
	for _, sp := range c.processors {
		if !isNil(sp) {
			_ = sp.Shutdown(ctx)
		}
	}
	for _, r := range c.metricReaders {
		if !isNil(r) {
			_ = r.Shutdown(ctx)
		}
	}
}

// isNil reports whether v is nil or a nil pointer, map, func or the like
// in an interface.
func isNil(v any) bool {
	if v == nil {
		return true
	}
	switch rv := reflect.ValueOf(v); rv.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Func, reflect.Chan, reflect.Interface:
		return rv.IsNil()
	}
	return false
}
