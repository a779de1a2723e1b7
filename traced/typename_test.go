package traced_test

import (
	"context"
	"testing"

	"github.com/spanlog/spanlog/traced"
	"go.opentelemetry.io/otel/attribute"
)

type box[T any] struct{ V T }

// consumeAs consumes a zero T and returns the payload type its span names.
func consumeAs[T any](t *testing.T, opts ...traced.Option) (payloadType, spanName string) {
	t.Helper()
	tp, exp := setup(t)
	var zero T
	opts = append(opts, traced.WithTracerProvider(tp))
	if err := traced.Consume(context.Background(), traced.Wrap(context.Background(), zero),
		func(context.Context, T) error { return nil }, opts...); err != nil {
		t.Fatal(err)
	}
	s := exp.GetSpans()[0]
	attrs := attribute.NewSet(s.Attributes...)
	v, _ := attrs.Value(traced.PayloadTypeKey)
	return v.AsString(), s.Name
}

// Payload types read as their Go type does inside its own package; the
// option gives the full import path.
func TestPayloadTypeNames(t *testing.T) {
	const pkg = "github.com/spanlog/spanlog/traced_test."
	for _, tc := range []struct {
		got        func(*testing.T, ...traced.Option) (string, string)
		short, all string
	}{
		{consumeAs[order], "order", pkg + "order"},
		{consumeAs[[]*order], "[]*order", "[]*" + pkg + "order"},
		{consumeAs[map[string]box[order]], "map[string]box[order]", "map[string]" + pkg + "box[" + pkg + "order]"},
		{consumeAs[<-chan int], "<-chan int", "<-chan int"},
		{consumeAs[struct{ A order }], "struct { A order }", "struct { A traced_test.order }"},
	} {
		if typ, name := tc.got(t); typ != tc.short || name != "consume "+tc.short {
			t.Errorf("payload type %q, span %q; want %q", typ, name, tc.short)
		}
		if typ, name := tc.got(t, traced.WithFullTypeName()); typ != tc.all || name != "consume "+tc.all {
			t.Errorf("full payload type %q, span %q; want %q", typ, name, tc.all)
		}
	}
}
