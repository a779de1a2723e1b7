package traced

import (
	"context"
	"reflect"
	"sync/atomic"

	"github.com/spanlog/spanlog/keys"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
)

// ScopeName is the instrumentation scope of the spans this package starts.
const ScopeName = "github.com/spanlog/spanlog/traced"

// Attribute keys of consumer spans.
const (
	// PayloadTypeKey names the Go type of the consumed payload, as code in
	// its package writes it (ClientOrder), or with WithFullTypeName its
	// import path too.
	PayloadTypeKey = "messaging.payload.type"
	// QueueTimeKey is how long the message waited in its channel, from
	// send to receive, in milliseconds; on a fan-in span, the longest wait
	// of its messages.
	QueueTimeKey = keys.QueueTime
	// BatchSizeKey counts the messages a fan-in span consumed.
	BatchSizeKey = keys.BatchSize
	// DroppedLinksKey counts the sender links a fan-in span left out.
	DroppedLinksKey = keys.LinksDropped
)

// DefaultMaxLinks caps the links of a fan-in span unless WithMaxLinks says
// otherwise.
const DefaultMaxLinks = 32

// Option configures a consumer span.
type Option func(*config)

type config struct {
	tracerProvider trace.TracerProvider
	tracer         trace.Tracer
	meterProvider  metric.MeterProvider
	queueTime      metric.Float64Histogram // nil without a meter provider
	name           string
	fullTypeName   bool
	linkedRoot     bool
	maxLinks       int
	attrs          []attribute.KeyValue
	deferSends     bool
	remember       []func(ctx context.Context, payload any)
	linkers        []func(payload any) []trace.Link
	parents        []func(payload any) (remembered, bool)
	clock          func() int64 // monotonicNow, but in tests
}

// init sets c from the defaults and opts, in place: a config is large, and
// Consume builds one per message.
func (c *config) init(opts []Option) {
	*c = config{maxLinks: DefaultMaxLinks, clock: monotonicNow}
	for _, opt := range opts {
		opt(c)
	}
	if c.tracerProvider == nil {
		c.tracerProvider = otel.GetTracerProvider()
	}
	c.tracer = tracerOf(c.tracerProvider)
	if c.meterProvider != nil {
		c.queueTime = queueTimeHistogram(c.meterProvider)
	}
}

// lastTracer remembers the tracer of the provider used last: asking a
// provider for its tracer takes a lock, and Consume would ask per message.
var lastTracer atomic.Pointer[providerTracer]

type providerTracer struct {
	provider trace.TracerProvider
	tracer   trace.Tracer
}

func tracerOf(tp trace.TracerProvider) trace.Tracer {
	if last := lastTracer.Load(); last != nil && same(last.provider, tp) {
		return last.tracer
	}
	t := tp.Tracer(ScopeName)
	lastTracer.Store(&providerTracer{provider: tp, tracer: t})
	return t
}

// same reports whether a and b are the same value, without the panic ==
// gives on a type that cannot be compared (a struct holding a slice, say),
// which it reports as different.
func same(a, b any) bool {
	t := reflect.TypeOf(a)
	switch {
	case t != reflect.TypeOf(b):
		return false
	case t.Kind() == reflect.Pointer: // the usual provider, compared cheaply
		return a == b
	}
	return reflect.ValueOf(a).Comparable() && a == b
}

// WithTracerProvider sets where consumer spans come from; the default, and
// what nil means, is otel.GetTracerProvider(). Any provider works, whether
// or not its type can be compared with ==.
func WithTracerProvider(tp trace.TracerProvider) Option {
	return func(c *config) { c.tracerProvider = tp }
}

// WithMeterProvider records the queue time of every message consumed in
// the QueueTimeMetric histogram of mp's meter. Without it, queue time is
// on the consumer spans only; nil means without.
func WithMeterProvider(mp metric.MeterProvider) Option {
	return func(c *config) { c.meterProvider = mp }
}

// WithSpanName names the consumer span; the default, and what "" means,
// is "consume <type>".
func WithSpanName(name string) Option { return func(c *config) { c.name = name } }

// WithFullTypeName names payload types, on consumer spans and in the
// queue-time histogram, with their package's import path
// (github.com/acme/shop.ClientOrder) instead of as their package writes
// them (ClientOrder).
func WithFullTypeName() Option { return func(c *config) { c.fullTypeName = true } }

// AsLinkedRoot starts the consumer span as the root of a new trace linked
// to the sender's span, instead of as its child. Use it when the work
// outlives or is independent of the sender's.
func AsLinkedRoot() Option { return func(c *config) { c.linkedRoot = true } }

// WithMaxLinks caps the links of a consumer span, to its senders (fan-in)
// or through LinkTo; the rest are counted in its traced.links.dropped
// attribute. The default is DefaultMaxLinks; n below zero counts as zero.
func WithMaxLinks(n int) Option { return func(c *config) { c.maxLinks = max(n, 0) } }

// WithAttributes adds attributes to the consumer span.
func WithAttributes(attrs ...attribute.KeyValue) Option {
	return func(c *config) { c.attrs = append(c.attrs, attrs...) }
}

// DeferSends holds back the messages a handler sends with Send or a Sender
// until its consumer span has ended, then delivers them in order: a
// transactional outbox. The span then measures the handling alone, and the
// next hop's lines always follow this one's. Goroutines the handler starts
// may send through its ctx too; what they send before the handler returns
// is held back with the rest, and what they send later is delivered at
// once. If the handler panics, what it held back is dropped. A handler
// that sends and then waits for an answer to that message must not use it.
func DeferSends() Option { return func(c *config) { c.deferSends = true } }
