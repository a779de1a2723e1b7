package traced_test

import (
	"context"
	"testing"

	"github.com/spanlog/spanlog/traced"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
)

// uncomparableProvider is a TracerProvider value whose type == cannot
// compare: it holds a slice.
type uncomparableProvider struct {
	trace.TracerProvider
	_ []int
}

func TestUncomparableTracerProvider(t *testing.T) {
	tp, exp := setup(t)
	opt := traced.WithTracerProvider(uncomparableProvider{TracerProvider: tp})
	for range 2 { // the second call finds the first's provider remembered
		err := traced.Consume(context.Background(), traced.Wrap(context.Background(), order{}),
			func(context.Context, order) error { return nil }, opt)
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := len(exp.GetSpans()); n != 2 {
		t.Errorf("%d spans, want 2 from the wrapped provider", n)
	}
}

// A negative link cap counts as zero: no links, every one counted as
// dropped, and no panic.
func TestNegativeMaxLinks(t *testing.T) {
	tp, exp := setup(t)
	idx := traced.NewIndex[string](4)
	for _, id := range []string{"a", "b"} {
		ctx, s := tp.Tracer("t").Start(context.Background(), "client "+id)
		idx.Remember(ctx, id)
		s.End()
	}
	err := traced.Consume(context.Background(), traced.Wrap(context.Background(), order{ID: "f"}),
		func(context.Context, order) error { return nil },
		traced.WithTracerProvider(tp), traced.WithMaxLinks(-1), traced.WithSpanName("match"),
		traced.LinkTo(idx, func(order) []string { return []string{"a", "b"} }))
	if err != nil {
		t.Fatal(err)
	}
	s := spanNamed(t, exp, "match")
	if len(s.Links) != 0 {
		t.Errorf("%d links, want none", len(s.Links))
	}
	attrs := attribute.NewSet(s.Attributes...)
	if v, _ := attrs.Value(traced.DroppedLinksKey); v.AsInt64() != 2 {
		t.Errorf("dropped links = %v, want 2", v.AsInt64())
	}
}

// Options missing their index or key func do nothing rather than panic
// when a message arrives.
func TestNilIndexOptions(t *testing.T) {
	tp, exp := setup(t)
	idx := traced.NewIndex[string](4)
	err := traced.Consume(context.Background(), traced.Wrap(context.Background(), order{ID: "o"}),
		func(context.Context, order) error { return nil },
		traced.WithTracerProvider(tp),
		traced.RememberAs[order, string](nil, func(o order) string { return o.ID }),
		traced.RememberAs[order, string](idx, nil),
		traced.LinkTo[order, string](nil, func(o order) []string { return []string{o.ID} }),
		traced.LinkTo[order, string](idx, nil))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(exp.GetSpans()); n != 1 {
		t.Errorf("%d spans, want 1", n)
	}
}
