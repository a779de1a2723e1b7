package traced_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/spanlog/spanlog/storage"
	"github.com/spanlog/spanlog/traced"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/baggage"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

type order struct {
	ID  string `json:"id"`
	Qty int    `json:"qty"`
}

func setup(t *testing.T) (*sdktrace.TracerProvider, *tracetest.InMemoryExporter) {
	t.Helper()
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(storage.New(sdktrace.NewSimpleSpanProcessor(exp))))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	return tp, exp
}

func withBaggage(t *testing.T, ctx context.Context, kv ...string) context.Context {
	t.Helper()
	b := baggage.FromContext(ctx)
	for i := 0; i < len(kv); i += 2 {
		m, err := baggage.NewMember(kv[i], kv[i+1])
		if err != nil {
			t.Fatal(err)
		}
		if b, err = b.SetMember(m); err != nil {
			t.Fatal(err)
		}
	}
	return baggage.ContextWithBaggage(ctx, b)
}

func spanNamed(t *testing.T, exp *tracetest.InMemoryExporter, name string) tracetest.SpanStub {
	t.Helper()
	for _, s := range exp.GetSpans() {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no span %q among %d", name, len(exp.GetSpans()))
	return tracetest.SpanStub{}
}

func TestChannelHopKeepsTraceAndBaggage(t *testing.T) {
	tp, exp := setup(t)
	ctx := withBaggage(t, context.Background(), "user.id", "u-1")
	ctx, sender := tp.Tracer("t").Start(ctx, "send")
	ch := make(chan traced.Message[order], 1)
	if err := traced.Send(ctx, ch, order{ID: "o-1", Qty: 3}); err != nil {
		t.Fatal(err)
	}
	sender.End()
	close(ch)

	var got order
	var gotUser string
	err := traced.Serve(context.Background(), ch, func(ctx context.Context, o order) error {
		got = o
		gotUser = baggage.FromContext(ctx).Member("user.id").Value()
		return nil
	}, traced.WithTracerProvider(tp))
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != "o-1" || gotUser != "u-1" {
		t.Errorf("handler got %+v with user.id %q", got, gotUser)
	}
	consumer := spanNamed(t, exp, "consume order")
	if consumer.SpanKind != trace.SpanKindConsumer {
		t.Errorf("span kind %v, want consumer", consumer.SpanKind)
	}
	if consumer.Parent.SpanID() != sender.SpanContext().SpanID() || consumer.SpanContext.TraceID() != sender.SpanContext().TraceID() {
		t.Error("consumer span is not a child of the sender's span in the same trace")
	}
	attrs := attribute.NewSet(consumer.Attributes...)
	if v, _ := attrs.Value(traced.PayloadTypeKey); v.AsString() != "order" {
		t.Errorf("payload type %q", v.AsString())
	}
	if v, _ := attrs.Value("user.id"); v.AsString() != "u-1" {
		t.Errorf("consumer span lacks user.id from baggage: %v", consumer.Attributes)
	}
}

func TestAsLinkedRoot(t *testing.T) {
	tp, exp := setup(t)
	ctx, sender := tp.Tracer("t").Start(context.Background(), "send")
	m := traced.Wrap(ctx, order{ID: "o-2"})
	sender.End()
	_ = traced.Consume(context.Background(), m, func(context.Context, order) error { return nil },
		traced.WithTracerProvider(tp), traced.AsLinkedRoot(), traced.WithSpanName("process"))
	s := spanNamed(t, exp, "process")
	if s.Parent.IsValid() || s.SpanContext.TraceID() == sender.SpanContext().TraceID() {
		t.Error("linked root has a parent or shares the sender's trace")
	}
	if len(s.Links) != 1 || !s.Links[0].SpanContext.Equal(sender.SpanContext()) {
		t.Errorf("links %v, want the sender's span", s.Links)
	}
}

func TestConsumeRecordsError(t *testing.T) {
	tp, exp := setup(t)
	boom := errors.New("rejected")
	err := traced.Consume(context.Background(), traced.Wrap(context.Background(), order{}),
		func(context.Context, order) error { return boom }, traced.WithTracerProvider(tp))
	if !errors.Is(err, boom) {
		t.Errorf("Consume returned %v", err)
	}
	s := exp.GetSpans()[0]
	if s.Status.Code != codes.Error || len(s.Events) != 1 || s.Events[0].Name != "exception" {
		t.Errorf("status %v events %v, want Error with an exception event", s.Status, s.Events)
	}
}

func TestFanInLinksAreCapped(t *testing.T) {
	tp, exp := setup(t)
	var msgs []traced.Message[order]
	var senders []trace.SpanContext
	for i := range 5 {
		ctx, s := tp.Tracer("t").Start(context.Background(), "send")
		msgs = append(msgs, traced.Wrap(ctx, order{ID: fmt.Sprint(i)}))
		senders = append(senders, s.SpanContext())
		s.End()
	}
	msgs = append(msgs, traced.Wrap(context.Background(), order{ID: "untraced"}), msgs[0])
	var ids []string
	err := traced.ConsumeAll(context.Background(), msgs, func(_ context.Context, os []order) error {
		for _, o := range os {
			ids = append(ids, o.ID)
		}
		return nil
	}, traced.WithTracerProvider(tp), traced.WithMaxLinks(3), traced.WithSpanName("match"))
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(ids) != "[0 1 2 3 4 untraced 0]" {
		t.Errorf("payloads %v", ids)
	}
	s := spanNamed(t, exp, "match")
	if len(s.Links) != 3 {
		t.Fatalf("%d links, want 3", len(s.Links))
	}
	for i, l := range s.Links {
		if !l.SpanContext.Equal(senders[i]) {
			t.Errorf("link %d is not sender %d", i, i)
		}
	}
	attrs := attribute.NewSet(s.Attributes...)
	if v, _ := attrs.Value(traced.DroppedLinksKey); v.AsInt64() != 2 {
		t.Errorf("dropped links = %v, want 2", v.AsInt64())
	}
	if v, _ := attrs.Value(traced.BatchSizeKey); v.AsInt64() != 7 {
		t.Errorf("batch size = %v, want 7", v.AsInt64())
	}
}

// A message crosses a process as JSON: the receiver's span joins the
// sender's trace and gets its baggage.
func TestInjectExtractRoundTrip(t *testing.T) {
	tp, exp := setup(t)
	prop := propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})
	ctx := withBaggage(t, context.Background(), "client.order_id", "c-9")
	ctx, sender := tp.Tracer("t").Start(ctx, "send")
	wire, err := json.Marshal(traced.Inject(traced.Wrap(ctx, order{ID: "o-9", Qty: 2}), prop))
	sender.End()
	if err != nil {
		t.Fatal(err)
	}

	var env traced.Envelope[order]
	if err := json.Unmarshal(wire, &env); err != nil {
		t.Fatal(err)
	}
	m := traced.Extract(env, prop)
	if m.Payload != (order{ID: "o-9", Qty: 2}) {
		t.Errorf("payload %+v", m.Payload)
	}
	if !m.SpanContext().IsRemote() || m.SpanContext().SpanID() != sender.SpanContext().SpanID() {
		t.Errorf("extracted span context %v, want the sender's, remote", m.SpanContext())
	}
	if got := m.Baggage().Member("client.order_id").Value(); got != "c-9" {
		t.Errorf("baggage client.order_id = %q", got)
	}
	_ = traced.Consume(context.Background(), m, func(context.Context, order) error { return nil }, traced.WithTracerProvider(tp))
	if c := spanNamed(t, exp, "consume order"); c.SpanContext.TraceID() != sender.SpanContext().TraceID() {
		t.Error("consumer is not in the sender's trace")
	}

	broken := traced.Extract(traced.Envelope[order]{Headers: propagation.MapCarrier{"traceparent": "garbage"}, Payload: order{ID: "kept"}}, prop)
	if broken.SpanContext().IsValid() || broken.Payload.ID != "kept" {
		t.Errorf("bad headers: %v %+v, want no span context and the payload kept", broken.SpanContext(), broken.Payload)
	}
}

func TestDeferSendsDeliversAfterSpanEnds(t *testing.T) {
	tp, exp := setup(t)
	in := make(chan traced.Message[order], 1)
	out := make(chan traced.Message[order], 2)
	send := traced.Sender(out)
	in <- traced.Wrap(context.Background(), order{ID: "o"})
	close(in)
	var endedBeforeDelivery bool
	_ = traced.Serve(context.Background(), in, func(ctx context.Context, o order) error {
		_ = send(ctx, order{ID: o.ID + "-a"})
		_ = send(ctx, order{ID: o.ID + "-b"})
		if len(out) != 0 {
			t.Error("a message left before the handler returned")
		}
		return nil
	}, traced.WithTracerProvider(tp), traced.DeferSends())
	endedBeforeDelivery = len(exp.GetSpans()) == 1
	if !endedBeforeDelivery || len(out) != 2 {
		t.Fatalf("spans %d, delivered %d", len(exp.GetSpans()), len(out))
	}
	a, b := <-out, <-out
	if a.Payload.ID != "o-a" || b.Payload.ID != "o-b" {
		t.Errorf("order %s %s", a.Payload.ID, b.Payload.ID)
	}
	if a.SpanContext().SpanID() != exp.GetSpans()[0].SpanContext.SpanID() {
		t.Error("deferred message does not carry the handler's span")
	}
}

func TestSendHonoursContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := traced.Send(ctx, make(chan traced.Message[order]), order{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Send on a full channel with a canceled ctx = %v", err)
	}
	if err := traced.Serve(ctx, make(chan traced.Message[order]), func(context.Context, order) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("Serve with a canceled ctx = %v", err)
	}
}

func TestIndexLinksManyToMany(t *testing.T) {
	tp, exp := setup(t)
	idx := traced.NewIndex[string](2)
	orders := make(chan traced.Message[order], 3)
	for _, id := range []string{"a", "b", "c"} {
		ctx, s := tp.Tracer("t").Start(context.Background(), "client "+id)
		orders <- traced.Wrap(ctx, order{ID: id})
		s.End()
	}
	close(orders)
	_ = traced.Serve(context.Background(), orders, func(context.Context, order) error { return nil },
		traced.WithTracerProvider(tp), traced.WithSpanName("accept"),
		traced.RememberAs(idx, func(o order) string { return o.ID }))

	type fill struct{ orders []string }
	fills := make(chan traced.Message[fill], 1)
	fills <- traced.Wrap(context.Background(), fill{orders: []string{"a", "b", "c", "b"}})
	close(fills)
	_ = traced.Serve(context.Background(), fills, func(context.Context, fill) error { return nil },
		traced.WithTracerProvider(tp), traced.WithSpanName("match"),
		traced.LinkTo(idx, func(f fill) []string { return f.orders }))

	var accepted []trace.SpanContext
	for _, s := range exp.GetSpans() {
		if s.Name == "accept" {
			accepted = append(accepted, s.SpanContext)
		}
	}
	match := spanNamed(t, exp, "match")
	// Capacity 2: "a" was forgotten when "c" came; "b" appears once.
	if len(match.Links) != 2 || !match.Links[0].SpanContext.Equal(accepted[1]) || !match.Links[1].SpanContext.Equal(accepted[2]) {
		t.Errorf("match links %v, want the accept spans of b and c", match.Links)
	}
}

func TestServeBatches(t *testing.T) {
	tp, exp := setup(t)
	ch := make(chan traced.Message[order], 5)
	for i := range 5 {
		ch <- traced.Wrap(context.Background(), order{ID: fmt.Sprint(i)})
	}
	close(ch)
	var batches []string
	err := traced.ServeBatches(context.Background(), ch, 2, func(_ context.Context, os []order) error {
		batches = append(batches, fmt.Sprint(os))
		return nil
	}, traced.WithTracerProvider(tp))
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(batches) != "[[{0 0} {1 0}] [{2 0} {3 0}] [{4 0}]]" {
		t.Errorf("batches %v, want pairs then the rest at close", batches)
	}
	if n := len(exp.GetSpans()); n != 3 {
		t.Errorf("%d spans, want one per batch", n)
	}
}

// ChildOf brings a message that came through a shared step back into the
// trace of the key it is for: child of the remembered span, with its
// baggage, linked to the sender. An unknown key gives a plain child.
func TestChildOfContinuesRememberedTrace(t *testing.T) {
	tp, exp := setup(t)
	idx := traced.NewIndex[string](4)
	opt := traced.WithTracerProvider(tp)
	nop := func(context.Context, order) error { return nil }
	ctx := withBaggage(t, context.Background(), "client.order_id", "c-1")
	ctx, client := tp.Tracer("t").Start(ctx, "client")
	_ = traced.Consume(context.Background(), traced.Wrap(ctx, order{ID: "c-1"}), nop, opt,
		traced.WithSpanName("accept"), traced.RememberAs(idx, func(o order) string { return o.ID }))
	client.End()
	accept := spanNamed(t, exp, "accept")

	shared, batch := tp.Tracer("t").Start(context.Background(), "batch")
	var gotOrder string
	byOrder := traced.ChildOf(idx, func(o order) string { return o.ID })
	for _, id := range []string{"c-1", "unknown"} {
		_ = traced.Consume(context.Background(), traced.Wrap(shared, order{ID: id}), func(ctx context.Context, o order) error {
			if o.ID == "c-1" {
				gotOrder = baggage.FromContext(ctx).Member("client.order_id").Value()
			}
			return nil
		}, opt, traced.WithSpanName("fill "+id), byOrder)
	}
	batch.End()

	fill := spanNamed(t, exp, "fill c-1")
	if fill.Parent.SpanID() != accept.SpanContext.SpanID() || fill.SpanContext.TraceID() != accept.SpanContext.TraceID() {
		t.Error("fill is not a child of the remembered accept span in its trace")
	}
	if len(fill.Links) != 1 || !fill.Links[0].SpanContext.Equal(batch.SpanContext()) {
		t.Errorf("fill links %v, want the sender's span", fill.Links)
	}
	if gotOrder != "c-1" {
		t.Errorf("handler's baggage client.order_id = %q, want the remembered span's", gotOrder)
	}
	attrs := attribute.NewSet(fill.Attributes...)
	if v, _ := attrs.Value("client.order_id"); v.AsString() != "c-1" {
		t.Errorf("fill span lacks client.order_id: %v", fill.Attributes)
	}
	unknown := spanNamed(t, exp, "fill unknown")
	if unknown.Parent.SpanID() != batch.SpanContext().SpanID() || len(unknown.Links) != 0 {
		t.Error("a payload the index does not know is not a plain child of its sender")
	}
}
