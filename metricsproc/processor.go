package metricsproc

import (
	"context"
	"strings"

	"github.com/spanlog/spanlog/internal/chain"
	"github.com/spanlog/spanlog/keys"
	"github.com/spanlog/spanlog/redact"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// ScopeName is the instrumentation scope of the instruments a Processor
// creates.
const ScopeName = "github.com/spanlog/spanlog/metricsproc"

// Label keys every metric carries.
const (
	SpanNameLabel = "span_name"
	ResultLabel   = "result"
)

// Processor derives metrics from ended spans that carry metric_name. It
// keeps no per-span state. Its methods are safe for concurrent use.
type Processor struct {
	link        chain.Link
	prefix      string
	fieldLabels []string
	cache       instrumentCache
	labelSets   *labelSets
	redact      *redact.Keys
}

var _ sdktrace.SpanProcessor = (*Processor)(nil)

// New returns a Processor creating its instruments from mp and forwarding
// every call to next, which may be nil. The caller owns mp and shuts it
// down.
func New(next sdktrace.SpanProcessor, mp metric.MeterProvider, opts ...Option) *Processor {
	p := &Processor{
		cache:     instrumentCache{buckets: DefaultBuckets, maxNames: DefaultMaxMetricNames},
		labelSets: newLabelSets(),
	}
	p.link.SetNext(next)
	for _, opt := range opts {
		opt(p)
	}
	p.cache.meter = mp.Meter(ScopeName)
	return p
}

// OnStart calls next.
func (p *Processor) OnStart(parent context.Context, s sdktrace.ReadWriteSpan) {
	p.link.OnStart(parent, s)
}

// OnEnd records the span's metrics, whatever any log level says, then
// calls next.
func (p *Processor) OnEnd(s sdktrace.ReadOnlySpan) {
	if p.link.Stopped() {
		return
	}
	p.record(s)
	p.link.OnEnd(s)
}

func (p *Processor) record(s sdktrace.ReadOnlySpan) {
	attrs := s.Attributes()
	name := metricName(attrs)
	if name == "" {
		return
	}
	inst := p.cache.get(name)
	if inst == nil {
		return
	}
	var buf [8]attribute.KeyValue
	set := p.labelSets.lookup(&inst.recent, p.appendLabels(buf[:0], s, attrs))
	seconds := durationSeconds(s)
	// The span's context makes the measurement's exemplar point at it.
	withSpanContext(s.SpanContext(), func(ctx context.Context) {
		inst.total.Add(ctx, 1, set.addOpts...)
		inst.duration.Record(ctx, seconds, set.recordOpts...)
	})
}

// metricName returns the span's metric_name, or "" when it has none.
func metricName(attrs []attribute.KeyValue) string {
	for _, kv := range attrs {
		if kv.Key == keys.MetricName {
			return kv.Value.String()
		}
	}
	return ""
}

// appendLabels appends the metric labels of a span: metric_label_* fields,
// the configured field labels, span_name and result.
func (p *Processor) appendLabels(labels []attribute.KeyValue, s sdktrace.ReadOnlySpan, attrs []attribute.KeyValue) []attribute.KeyValue {
	for _, kv := range attrs {
		k := string(kv.Key)
		if label, ok := strings.CutPrefix(k, keys.MetricLabelPrefix); ok && label != "" {
			if !p.redact.Match(label) {
				labels = append(labels, attribute.KeyValue{Key: attribute.Key(label), Value: kv.Value})
			}
			continue
		}
		for _, want := range p.fieldLabels {
			if k == want && !p.redact.Match(k) {
				labels = append(labels, kv)
			}
		}
	}
	return append(labels,
		attribute.String(SpanNameLabel, strings.TrimPrefix(s.Name(), p.prefix)),
		attribute.String(ResultLabel, result(s)))
}

// result is "error" for a span whose status is Error or that recorded an
// exception, and "ok" otherwise.
func result(s sdktrace.ReadOnlySpan) string {
	if s.Status().Code == codes.Error {
		return "error"
	}
	for _, ev := range s.Events() {
		if ev.Name == "exception" {
			return "error"
		}
	}
	return "ok"
}

// durationSeconds is the span's latency_ms over 1000: exactly what the
// storage processor printed, or the same computation when it is absent.
func durationSeconds(s sdktrace.ReadOnlySpan) float64 {
	return keys.SpanLatency(s) / 1000
}

// ForceFlush forwards to next. Metrics are flushed by their MeterProvider.
func (p *Processor) ForceFlush(ctx context.Context) error { return p.link.ForceFlush(ctx) }

// Shutdown stops recording and shuts next down. Only the first call does
// anything; after it, every method is a no-op. The MeterProvider is left
// to its owner.
func (p *Processor) Shutdown(ctx context.Context) error { return p.link.Shutdown(ctx) }
