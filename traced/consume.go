package traced

import (
	"context"
	"reflect"
	"sync"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
)

// Consume runs fn on m's payload inside a consumer span: a child of the
// sender's span, or with AsLinkedRoot a new root linked to it, or with
// ChildOf a child of a remembered span. fn's ctx carries that span and the
// sender's baggage. The span records how long m waited since it was sent
// (QueueTimeKey), counting until this call. An error from fn is recorded
// on the span, which then ends with status Error; Consume returns it.
func Consume[T any](ctx context.Context, m Message[T], fn func(context.Context, T) error, opts ...Option) error {
	c := newConsumer[T](opts)
	return c.consume(ctx, m, c.clock(), fn)
}

// consumer is what consuming payloads of type T needs, resolved once per
// Serve or ServeBatches, or per Consume or ConsumeAll call.
type consumer[T any] struct {
	config
	payload  *payload
	spanName string
	labels   []metric.RecordOption // of the queue-time histogram, when there is one
}

func newConsumer[T any](opts []Option) *consumer[T] {
	c := new(consumer[T])
	c.init(opts)
	c.payload = payloadOf[T](c.fullTypeName)
	c.spanName = c.name
	if c.spanName == "" {
		c.spanName = c.payload.spanName
	}
	if c.queueTime != nil {
		c.labels = queueTimeLabels.recordOptions(c.payload.name, c.spanName)
	}
	return c
}

// consume handles m, received at received on the config's clock.
func (c *consumer[T]) consume(ctx context.Context, m Message[T], received int64, fn func(context.Context, T) error) error {
	ctx = m.Context(ctx)
	wait, waited := queueMillis(m.sent, received)
	var start []trace.SpanStartOption
	var buf *startBuffer
	switch {
	case c.customStart():
		ctx, start = c.customStartOptions(ctx, m, wait, waited)
	case waited:
		buf = startBuffers.Get().(*startBuffer)
		start = buf.fill(c.payload.attr, wait)
	default:
		start = c.payload.start
	}
	ctx, span := c.tracer.Start(ctx, c.spanName, start...)
	if buf != nil {
		startBuffers.Put(buf) // the SDK copied what it keeps
	}
	if waited && c.queueTime != nil {
		recordQueueTime(ctx, c.queueTime, wait, c.labels)
	}
	for _, remember := range c.remember {
		remember(ctx, m.Payload)
	}
	if !c.deferSends {
		defer span.End()
		return recordError(span, fn(ctx, m.Payload))
	}
	return c.runDeferringSends(ctx, span, func(ctx context.Context) error { return fn(ctx, m.Payload) })
}

// customStartOptions builds the start options of a consumer span that
// options beyond the payload's ready-made ones shape, and the ctx to start
// it in.
func (c *consumer[T]) customStartOptions(ctx context.Context, m Message[T], wait float64, waited bool) (context.Context, []trace.SpanStartOption) {
	attrs := []attribute.KeyValue{c.payload.attr}
	if waited {
		attrs = append(attrs, attribute.Float64(QueueTimeKey, wait))
	}
	start := c.startOptions(attrs...)
	linkSender := false // the sender is a link, not the parent
	if parent, ok := c.parentOf(m.Payload); ok {
		ctx = trace.ContextWithRemoteSpanContext(ctx, parent.spanContext)
		ctx = parent.baggage.into(ctx)
		linkSender = true
	} else if c.linkedRoot {
		start = append(start, trace.WithNewRoot())
		linkSender = true
	}
	if linkSender && m.spanContext.IsValid() {
		start = append(start, trace.WithLinks(m.Link()))
	}
	if len(c.linkers) > 0 {
		start = c.appendIndexLinks(start, m.Payload)
	}
	return ctx, start
}

// parentOf returns the span the first ChildOf option remembers for payload.
func (c *config) parentOf(payload any) (remembered, bool) {
	for _, find := range c.parents {
		if r, ok := find(payload); ok {
			return r, true
		}
	}
	return remembered{}, false
}

// ConsumeAll runs fn on the payloads of msgs, in order, inside one consumer
// span that links to each sender's span, once per span: fan-in. The span is a child of
// ctx's span, if any. At most the configured number of links (default
// DefaultMaxLinks) are added; the number left out is recorded as
// traced.links.dropped. The span's queue time is the longest any of msgs
// waited, counting until this call. Baggage stays ctx's: messages from
// many senders have no single baggage.
func ConsumeAll[T any](ctx context.Context, msgs []Message[T], fn func(context.Context, []T) error, opts ...Option) error {
	c := newConsumer[T](opts)
	return c.consumeAll(ctx, msgs, nil, fn)
}

// consumeAll handles msgs, received at the times in received, or all now
// when received is nil.
func (c *consumer[T]) consumeAll(ctx context.Context, msgs []Message[T], received []int64, fn func(context.Context, []T) error) error {
	now := int64(0)
	if received == nil {
		now = c.clock()
	}
	receivedAt := func(i int) int64 {
		if received == nil {
			return now
		}
		return received[i]
	}
	payloads := make([]T, len(msgs))
	links := make([]trace.Link, 0, min(len(msgs), c.maxLinks))
	dropped := 0
	longest, waited := 0.0, false
	for i, m := range msgs {
		payloads[i] = m.Payload
		if wait, ok := queueMillis(m.sent, receivedAt(i)); ok {
			longest, waited = max(longest, wait), true
		}
		switch {
		case !m.spanContext.IsValid() || hasLink(links, m.spanContext):
		case len(links) < c.maxLinks:
			links = append(links, m.Link())
		default:
			dropped++
		}
	}
	attrs := []attribute.KeyValue{c.payload.attr, attribute.Int(BatchSizeKey, len(msgs))}
	if waited {
		attrs = append(attrs, attribute.Float64(QueueTimeKey, longest))
	}
	if dropped > 0 {
		attrs = append(attrs, attribute.Int(DroppedLinksKey, dropped))
	}
	start := append(c.startOptions(attrs...), trace.WithLinks(links...))
	ctx, span := c.tracer.Start(ctx, c.spanName, start...)
	if c.queueTime != nil {
		for i, m := range msgs {
			if wait, ok := queueMillis(m.sent, receivedAt(i)); ok {
				recordQueueTime(ctx, c.queueTime, wait, c.labels)
			}
		}
	}
	return c.runDeferringSends(ctx, span, func(ctx context.Context) error { return fn(ctx, payloads) })
}

// runDeferringSends calls fn in span, records its error, ends the span,
// and then, with DeferSends, delivers the messages fn sent. A panic in fn
// ends the span (the SDK records it) and goes on up; the messages fn held
// back are dropped, and later Sends through its ctx deliver directly.
func (c *config) runDeferringSends(ctx context.Context, span trace.Span, fn func(context.Context) error) error {
	var out *outbox
	if c.deferSends {
		out = &outbox{}
		ctx = context.WithValue(ctx, outboxKey{}, out)
		defer out.close() // after flush, a no-op; on a panic, no Send is held for ever
	}
	err := func() error {
		defer span.End()
		return recordError(span, fn(ctx))
	}()
	if out != nil {
		if ferr := out.flush(); err == nil {
			err = ferr
		}
	}
	return err
}

func (c *config) startOptions(attrs ...attribute.KeyValue) []trace.SpanStartOption {
	return []trace.SpanStartOption{
		trace.WithSpanKind(trace.SpanKindConsumer),
		trace.WithAttributes(append(attrs, c.attrs...)...),
	}
}

// customStart reports whether consumer spans need start options beyond the
// payload's ready-made ones.
func (c *config) customStart() bool {
	return len(c.attrs) > 0 || c.linkedRoot || len(c.linkers) > 0 || len(c.parents) > 0
}

// startBuffer holds the start options of a plain consumer span with its
// queue time, reused through a pool so that adding the queue time costs no
// allocation: opts[1] points at attrs, which fill overwrites.
type startBuffer struct {
	attrs [2]attribute.KeyValue
	opts  [2]trace.SpanStartOption
}

var startBuffers = sync.Pool{New: func() any {
	b := new(startBuffer)
	b.opts[0] = trace.WithSpanKind(trace.SpanKindConsumer)
	b.opts[1] = trace.WithAttributes(b.attrs[:]...)
	return b
}}

func (b *startBuffer) fill(payload attribute.KeyValue, wait float64) []trace.SpanStartOption {
	b.attrs[0] = payload
	b.attrs[1] = attribute.Float64(QueueTimeKey, wait)
	return b.opts[:]
}

// payload describes a payload type once: its name, its attribute, the
// default span name and the start options of a plain consumer span.
type payload struct {
	name     string
	attr     attribute.KeyValue
	spanName string
	start    []trace.SpanStartOption
}

// payloads caches descriptions by reflect.Type, one map per naming.
var payloads, fullPayloads sync.Map

// payloadOf returns the description of T: named as its package writes it,
// or with full, with its import path.
func payloadOf[T any](full bool) *payload {
	t := reflect.TypeFor[T]()
	cache, name := &payloads, shortTypeName
	if full {
		cache, name = &fullPayloads, fullTypeName
	}
	if p, ok := cache.Load(t); ok {
		return p.(*payload)
	}
	n := name(t)
	attr := attribute.String(PayloadTypeKey, n)
	p, _ := cache.LoadOrStore(t, &payload{
		name:     n,
		attr:     attr,
		spanName: "consume " + n,
		start:    []trace.SpanStartOption{trace.WithSpanKind(trace.SpanKindConsumer), trace.WithAttributes(attr)},
	})
	return p.(*payload)
}

func recordError(span trace.Span, err error) error {
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
	}
	return err
}

// appendIndexLinks adds the links LinkTo options find for payload, up to
// the link cap, counting the rest as dropped.
func (c *config) appendIndexLinks(start []trace.SpanStartOption, payload any) []trace.SpanStartOption {
	var links []trace.Link
	for _, find := range c.linkers {
		links = append(links, find(payload)...)
	}
	if dropped := len(links) - c.maxLinks; dropped > 0 {
		links = links[:c.maxLinks]
		start = append(start, trace.WithAttributes(attribute.Int(DroppedLinksKey, dropped)))
	}
	return append(start, trace.WithLinks(links...))
}
