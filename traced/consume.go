package traced

import (
	"context"
	"reflect"
	"sync"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// Consume runs fn on m's payload inside a consumer span: a child of the
// sender's span, or with AsLinkedRoot a new root linked to it. fn's ctx
// carries that span and the sender's baggage. An error from fn is recorded
// on the span, which then ends with status Error; Consume returns it.
func Consume[T any](ctx context.Context, m Message[T], fn func(context.Context, T) error, opts ...Option) error {
	cfg := newConfig(opts)
	return consume(&cfg, ctx, m, fn)
}

func consume[T any](cfg *config, ctx context.Context, m Message[T], fn func(context.Context, T) error) error {
	info := payloadOf[T]()
	ctx = m.Context(ctx)
	start := info.start
	if cfg.customStart() {
		start = cfg.startOptions(info.attr)
		if cfg.linkedRoot {
			start = append(start, trace.WithNewRoot())
			if m.spanContext.IsValid() {
				start = append(start, trace.WithLinks(m.Link()))
			}
		}
		if len(cfg.linkers) > 0 {
			start = cfg.appendIndexLinks(start, m.Payload)
		}
	}
	ctx, span := cfg.tracer.Start(ctx, cfg.spanName(info), start...)
	for _, remember := range cfg.remember {
		remember(ctx, m.Payload)
	}
	if !cfg.deferSends {
		defer span.End()
		return recordError(span, fn(ctx, m.Payload))
	}
	return cfg.runDeferringSends(ctx, span, func(ctx context.Context) error { return fn(ctx, m.Payload) })
}

// ConsumeAll runs fn on the payloads of msgs, in order, inside one consumer
// span that links to each sender's span, once per span: fan-in. The span is a child of
// ctx's span, if any. At most the configured number of links (default
// DefaultMaxLinks) are added; the number left out is recorded as
// traced.links.dropped. Baggage stays ctx's: messages from many senders
// have no single baggage.
func ConsumeAll[T any](ctx context.Context, msgs []Message[T], fn func(context.Context, []T) error, opts ...Option) error {
	cfg := newConfig(opts)
	return consumeAll(&cfg, ctx, msgs, fn)
}

func consumeAll[T any](cfg *config, ctx context.Context, msgs []Message[T], fn func(context.Context, []T) error) error {
	payloads := make([]T, len(msgs))
	links := make([]trace.Link, 0, min(len(msgs), max(cfg.maxLinks, 0)))
	dropped := 0
	for i, m := range msgs {
		payloads[i] = m.Payload
		switch {
		case !m.spanContext.IsValid() || hasLink(links, m.spanContext):
		case len(links) < cfg.maxLinks:
			links = append(links, m.Link())
		default:
			dropped++
		}
	}
	info := payloadOf[T]()
	start := cfg.startOptions(info.attr, attribute.Int(BatchSizeKey, len(msgs)))
	start = append(start, trace.WithLinks(links...))
	if dropped > 0 {
		start = append(start, trace.WithAttributes(attribute.Int(DroppedLinksKey, dropped)))
	}
	ctx, span := cfg.tracer.Start(ctx, cfg.spanName(info), start...)
	return cfg.runDeferringSends(ctx, span, func(ctx context.Context) error { return fn(ctx, payloads) })
}

// runDeferringSends calls fn in span, records its error, ends the span,
// and then, with DeferSends, delivers the messages fn sent. A panic in fn
// ends the span (the SDK records it) and goes on up.
func (c *config) runDeferringSends(ctx context.Context, span trace.Span, fn func(context.Context) error) error {
	var out *outbox
	if c.deferSends {
		out = &outbox{}
		ctx = context.WithValue(ctx, outboxKey{}, out)
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
	return len(c.attrs) > 0 || c.linkedRoot || len(c.linkers) > 0
}

func (c *config) spanName(p *payload) string {
	if c.name != "" {
		return c.name
	}
	return p.spanName
}

// payload describes a payload type once: its attribute, the default span
// name and the start options of a plain consumer span.
type payload struct {
	attr     attribute.KeyValue
	spanName string
	start    []trace.SpanStartOption
}

var payloads sync.Map // reflect.Type → *payload

// payloadOf returns the description of T, e.g. main.Order.
func payloadOf[T any]() *payload {
	t := reflect.TypeFor[T]()
	if p, ok := payloads.Load(t); ok {
		return p.(*payload)
	}
	name := t.String()
	attr := attribute.String(PayloadTypeKey, name)
	p, _ := payloads.LoadOrStore(t, &payload{
		attr:     attr,
		spanName: "consume " + name,
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
