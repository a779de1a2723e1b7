package traced_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/spanlog/spanlog/storage"
	"github.com/spanlog/spanlog/traced"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/baggage"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

var marking = propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, storage.BaggagePropagator{})

// A request's baggage stays the request's across a hop in the process and
// across an envelope: storage takes from it only the keys it is allowed.
func TestRemoteBaggageStaysRemoteAcrossHops(t *testing.T) {
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(storage.New(sdktrace.NewSimpleSpanProcessor(exp),
		storage.WithRemoteBaggage(storage.OnlyKeys("tenant")))))
	defer tp.Shutdown(context.Background())

	h := http.Header{}
	h.Set("baggage", "tenant=acme,user.id=forged")
	request := marking.Extract(context.Background(), propagation.HeaderCarrier(h))
	own, _ := baggage.NewMember("region", "eu") // set by the process: trusted
	bag, _ := baggage.FromContext(request).SetMember(own)
	request = baggage.ContextWithBaggage(request, bag)

	ch := make(chan traced.Message[order], 1)
	if err := traced.Send(request, ch, order{ID: "in-process"}); err != nil {
		t.Fatal(err)
	}
	_ = traced.Consume(context.Background(), <-ch, func(context.Context, order) error { return nil },
		traced.WithTracerProvider(tp), traced.WithSpanName("hop"))
	env := traced.Inject(traced.Wrap(request, order{ID: "envelope"}), marking)
	_ = traced.Consume(context.Background(), traced.Extract(env, marking), func(context.Context, order) error { return nil },
		traced.WithTracerProvider(tp), traced.WithSpanName("envelope"))

	for _, name := range []string{"hop", "envelope"} {
		s := spanNamed(t, exp, name)
		attrs := attribute.NewSet(s.Attributes...)
		if v, _ := attrs.Value("tenant"); v.AsString() != "acme" {
			t.Errorf("%s: allowed remote key tenant missing: %v", name, s.Attributes)
		}
		if _, ok := attrs.Value("user.id"); ok {
			t.Errorf("%s: the request's user.id became a field: %v", name, s.Attributes)
		}
	}
	hop := attribute.NewSet(spanNamed(t, exp, "hop").Attributes...)
	if v, _ := hop.Value("region"); v.AsString() != "eu" {
		t.Errorf("hop: the process's own baggage member region was lost")
	}
}

// A span the handler starts describes its own work: the consumer span's
// message keys (queue time, batch size, dropped links) are not inherited.
func TestChildSpansDoNotInheritMessageKeys(t *testing.T) {
	tp, exp := setup(t)
	msgs := []traced.Message[order]{traced.Wrap(context.Background(), order{ID: "a"})}
	_ = traced.ConsumeAll(context.Background(), msgs, func(ctx context.Context, _ []order) error {
		_, child := tp.Tracer("t").Start(ctx, "child")
		child.End()
		return nil
	}, traced.WithTracerProvider(tp))
	attrs := attribute.NewSet(spanNamed(t, exp, "child").Attributes...)
	for _, k := range []attribute.Key{traced.QueueTimeKey, traced.BatchSizeKey} {
		if _, ok := attrs.Value(k); ok {
			t.Errorf("the child inherited %s", k)
		}
	}
	if _, ok := attrs.Value(traced.PayloadTypeKey); !ok {
		t.Errorf("the child lost %s, which describes its work too", traced.PayloadTypeKey)
	}
}
