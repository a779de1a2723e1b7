package spanlog

import (
	"io"
	"log/slog"
	"slices"
	"time"

	"github.com/spanlog/spanlog/logfmt"
	"github.com/spanlog/spanlog/metricsproc"
	"github.com/spanlog/spanlog/redact"
	"github.com/spanlog/spanlog/storage"
	otellog "go.opentelemetry.io/otel/log"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// Option configures New.
type Option func(*config)

type config struct {
	writer        io.Writer
	level         slog.Leveler
	addSource     bool
	serviceName   string
	exporters     []sdktrace.SpanExporter
	processors    []sdktrace.SpanProcessor
	idGenerator   sdktrace.IDGenerator
	sampler       sdktrace.Sampler
	strictSampler sdktrace.Sampler
	storageOpts   []storage.Option
	spanLineOpts  []logfmt.SpanOption
	handlerOpts   logfmt.HandlerOptions

	metricReaders    []sdkmetric.Reader
	prometheus       *prometheusConfig
	cardinalityLimit *int
	metricsOpts      []metricsproc.Option

	redact           *redact.Keys
	logsAsSpanEvents bool
	otlpLogs         bool
	loggerProvider   otellog.LoggerProvider

	tailBuffer      []logfmt.TailOption // non-nil with WithTailBuffer
	levels          *string             // WithLevels' directives
	batchOpts       []sdktrace.BatchSpanProcessorOption
	shutdownTimeout *time.Duration
}

// WithWriter sets where lines go; the default is os.Stdout. New returns an
// error for a nil writer.
//
// Shutdown, last, flushes the writer within its budget: a
// *logfmt.AsyncWriter (anything with Shutdown(ctx) error) writes what it
// holds and stops; an *os.File is synced, never closed; another writer
// with Close is closed, else one with Sync or Flush has it called.
func WithWriter(w io.Writer) Option { return func(c *config) { c.writer = w } }

// WithLevel sets the minimum level of log records and span lines; the
// default is slog.LevelInfo. With level directives (WithLevels,
// SPANLOG_LEVEL), it is the level where no directive applies.
func WithLevel(l slog.Leveler) Option { return func(c *config) { c.level = l } }

// WithSource turns target= and location= on log lines on or off (off by
// default).
func WithSource(on bool) Option { return func(c *config) { c.addSource = on } }

// WithServiceName sets the service.name resource attribute. Without it, the
// name comes from OTEL_SERVICE_NAME, or the SDK's default.
func WithServiceName(name string) Option { return func(c *config) { c.serviceName = name } }

// WithSpanExporter adds an exporter at the end of the chain, behind a batch
// span processor (see WithBatchOptions). The pipeline owns it: Shutdown
// flushes it and shuts it down, and so does a New that fails.
func WithSpanExporter(exp sdktrace.SpanExporter) Option {
	return func(c *config) { c.exporters = append(c.exporters, exp) }
}

// WithSpanProcessor adds a processor at the end of the chain, after the
// span lines; it sees latency_ms and inherited fields. The pipeline owns
// it, as it owns exporters.
func WithSpanProcessor(sp sdktrace.SpanProcessor) Option {
	return func(c *config) { c.processors = append(c.processors, sp) }
}

// WithIDGenerator sets the tracer provider's ID generator, for example
// logfmttest.NewIDGenerator() in golden tests.
func WithIDGenerator(g sdktrace.IDGenerator) Option {
	return func(c *config) { c.idGenerator = g }
}

// WithSampler sets the sampler that decides which spans are exported; the
// default is the SDK's, parent-based always-on. A span it drops is still
// recorded, so its lines print and its span metrics count: sampling, by
// this sampler or by a request's unsampled traceparent, decides what leaves
// the process, not what the service prints and counts.
func WithSampler(s sdktrace.Sampler) Option {
	return func(c *config) { c.sampler, c.strictSampler = s, nil }
}

// WithStrictSampler sets a sampler whose Drop means not recorded at all: no
// span lines, no span metrics, no export. It saves the cost of recording
// spans nobody exports, but a request's unsampled traceparent then hides
// the request from the service's lines and metrics when s is parent-based.
func WithStrictSampler(s sdktrace.Sampler) Option {
	return func(c *config) { c.sampler, c.strictSampler = nil, s }
}

// WithRemoteBaggage names the keys of a request's baggage that become span
// fields (see storage.WithRemoteBaggage); "*" names every key. By default
// none does: a request's baggage is untrusted, so its members reach lines,
// level directives and exported spans only when the service allows them.
// Baggage the process sets itself becomes fields as before. Never, whatever
// this says: per-span keys, reserved line keys, redacted keys, and more than
// 64 members or 8192 bytes.
func WithRemoteBaggage(keys ...string) Option {
	keep := storage.OnlyKeys(keys...)
	if slices.Contains(keys, "*") {
		keep = func(string) bool { return true }
	}
	return WithStorageOptions(storage.WithRemoteBaggage(keep))
}

// WithStorageOptions passes options to the storage processor.
func WithStorageOptions(opts ...storage.Option) Option {
	return func(c *config) { c.storageOpts = append(c.storageOpts, opts...) }
}

// WithSpanLineOptions passes options to the span line printer. The level
// set with WithLevel applies unless one of these sets another.
func WithSpanLineOptions(opts ...logfmt.SpanOption) Option {
	return func(c *config) { c.spanLineOpts = append(c.spanLineOpts, opts...) }
}

// WithHandlerOptions sets the slog handler's options. WithLevel and
// WithSource, when given, override opts' Level and AddSource.
func WithHandlerOptions(opts logfmt.HandlerOptions) Option {
	return func(c *config) { c.handlerOpts = opts }
}

// WithPrometheus adds a Prometheus exporter, on a registry of its own, to the
// meter provider; Pipeline.MetricsHandler serves it. By default every
// series carries the otel_scope_* labels and the classic text format is
// served; PrometheusPlainSeries and PrometheusOpenMetrics change that.
func WithPrometheus(opts ...PrometheusOption) Option {
	return func(c *config) {
		c.prometheus = &prometheusConfig{}
		for _, opt := range opts {
			opt(c.prometheus)
		}
	}
}

// WithMetricReader adds a reader to the meter provider, for example a
// ManualReader in tests or a PeriodicReader around another exporter. The
// pipeline owns it, as it owns exporters.
func WithMetricReader(r sdkmetric.Reader) Option {
	return func(c *config) { c.metricReaders = append(c.metricReaders, r) }
}

// WithCardinalityLimit sets how many label sets each instrument keeps
// before new ones go to the otel.metric.overflow series; the SDK's default
// is 2000, and 0 means no limit.
func WithCardinalityLimit(n int) Option { return func(c *config) { c.cardinalityLimit = &n } }

// WithMetricsOptions passes options to the metrics processor, for example
// metricsproc.WithSpanNamePrefix("record.").
func WithMetricsOptions(opts ...metricsproc.Option) Option {
	return func(c *config) { c.metricsOpts = append(c.metricsOpts, opts...) }
}

// WithLogsAsSpanEvents also records each log record as an event on the
// recording span in its context, so a tracing backend such as Jaeger shows
// it among the span's logs. The events carry log.severity; the span line
// printer leaves them out, as their lines are printed already.
func WithLogsAsSpanEvents() Option { return func(c *config) { c.logsAsSpanEvents = true } }

// WithOTLPLogs also sends log records through the otelslog bridge to a
// logger provider exporting OTLP logs, batched, to the endpoint the
// OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_LOGS_ENDPOINT variables
// name (protocol as for spans). Without an endpoint it does nothing.
// Shutdown flushes the provider. A record that finds the export queue
// (OTEL_BLRP_MAX_QUEUE_SIZE records, 2048 by default) full is dropped and
// counted: the OTel error handler gets a *DroppedLogRecordsError, on the
// schedule WithBatchOptions describes for spans.
func WithOTLPLogs() Option { return func(c *config) { c.otlpLogs = true } }

// WithLoggerProvider also sends log records through the otelslog bridge to
// lp. The caller owns lp and shuts it down.
func WithLoggerProvider(lp otellog.LoggerProvider) Option {
	return func(c *config) { c.loggerProvider = lp }
}

// WithRedactedKeys hides secrets everywhere: values of these keys (or of
// keys ending in "." or "_" and one of them, ignoring case) print as
// [REDACTED] in log and span lines, are never inherited by child spans or
// copied from baggage, and never become metric labels. redact.Common is a
// starting list.
func WithRedactedKeys(names ...string) Option {
	return func(c *config) { c.redact = redact.New(names...) }
}

// WithBatchOptions sets the batch span processor in front of every span
// exporter, OTLP or WithSpanExporter's, with the SDK's own options:
// sdktrace.WithMaxQueueSize, WithMaxExportBatchSize, WithBatchTimeout,
// WithExportTimeout and WithBlocking. They apply over the OTEL_BSP_*
// variables, which apply over the SDK's defaults (a queue of 2048 spans,
// batches of 512, every 5 s).
//
// When the queue is full, an ended span is dropped, never waited for, and
// counted: the OTel error handler gets a *DroppedSpansError at once, then
// at most once a minute, and at Shutdown. With sdktrace.WithBlocking()
// nothing is dropped and ending a span waits for room instead.
func WithBatchOptions(opts ...sdktrace.BatchSpanProcessorOption) Option {
	return func(c *config) { c.batchOpts = append(c.batchOpts, opts...) }
}

// DefaultShutdownTimeout is how long Shutdown takes at most when its
// context has no deadline: exporters, then the writer, all within it.
const DefaultShutdownTimeout = 5 * time.Second

// WithShutdownTimeout sets how long Shutdown takes at most when its
// context has no deadline; the default is DefaultShutdownTimeout. A
// context with a deadline sets Shutdown's budget itself.
func WithShutdownTimeout(d time.Duration) Option {
	return func(c *config) { c.shutdownTimeout = &d }
}
