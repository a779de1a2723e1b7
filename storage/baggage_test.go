package storage_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/spanlog/spanlog/redact"
	"github.com/spanlog/spanlog/storage"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/baggage"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// extracted returns a context holding the baggage header value as a server
// receives it.
func extracted(header string) context.Context {
	h := http.Header{}
	h.Set("baggage", header)
	return storage.BaggagePropagator{}.Extract(context.Background(), propagation.HeaderCarrier(h))
}

func TestBaggageNeverSuppliesPerSpanOrReservedKeys(t *testing.T) {
	tracer, _ := setup(t, storage.WithRemoteBaggage(func(string) bool { return true }))
	hostile := "metric_name=evil,metric_label_victim=v1,error=true,otel.status_code=ERROR," +
		"exception.message=pwned,latency_ms=1,level=ERROR,msg=forged,trace_id=bad,timestamp=1999,span=x,tenant=acme"
	for name, ctx := range map[string]context.Context{
		"remote": extracted(hostile),
		"local":  baggage.ContextWithBaggage(context.Background(), mustBaggageHeader(t, hostile)),
	} {
		sctx, span := tracer.Start(ctx, "op")
		if got := render(storage.Fields(sctx)); got != "tenant=acme" {
			t.Errorf("%s baggage gave fields %q, want tenant=acme only", name, got)
		}
		span.End()
	}
}

func TestRemoteBaggageOnlyForAllowedKeys(t *testing.T) {
	ctx := extracted("tenant=acme,user.id=u-1,debug=on")
	for _, tc := range []struct {
		name string
		opts []storage.Option
		want string
	}{
		{"default: none", nil, ""},
		{"allow-list", []storage.Option{storage.WithRemoteBaggage(storage.OnlyKeys("tenant", "user.id"))}, "tenant=acme user.id=u-1"},
		{"trust all", []storage.Option{storage.WithRemoteBaggage(func(string) bool { return true })}, "debug=on tenant=acme user.id=u-1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tracer, _ := setup(t, tc.opts...)
			sctx, span := tracer.Start(ctx, "op")
			defer span.End()
			if got := render(storage.Fields(sctx)); got != tc.want {
				t.Errorf("fields %q, want %q", got, tc.want)
			}
		})
	}
}

// Baggage the process sets after extraction is its own: trusted, while
// the request's members stay remote.
func TestLocalMembersAddedToRemoteBaggage(t *testing.T) {
	tracer, _ := setup(t)
	ctx := extracted("tenant=acme,user.id=forged")
	bag := baggage.FromContext(ctx)
	own, err := baggage.NewMember("user.id", "u-42") // checked by the app
	if err != nil {
		t.Fatal(err)
	}
	bag, err = bag.SetMember(own)
	if err != nil {
		t.Fatal(err)
	}
	sctx, span := tracer.Start(baggage.ContextWithBaggage(ctx, bag), "op")
	defer span.End()
	if got := render(storage.Fields(sctx)); got != "user.id=u-42" {
		t.Errorf("fields %q, want the app's own user.id=u-42 only", got)
	}
}

func TestBaggageFieldsAreBounded(t *testing.T) {
	tracer, _ := setup(t)
	bag := baggage.Baggage{}
	for i := range 100 { // SetMember does not enforce the W3C limits
		m, err := baggage.NewMember(fmt.Sprintf("k%03d", i), strings.Repeat("v", 200))
		if err != nil {
			t.Fatal(err)
		}
		if bag, err = bag.SetMember(m); err != nil {
			t.Fatal(err)
		}
	}
	sctx, span := tracer.Start(baggage.ContextWithBaggage(context.Background(), bag), "op")
	defer span.End()
	fields := storage.Fields(sctx)
	size := 0
	for _, kv := range fields {
		size += len(kv.Key) + len(kv.Value.AsString())
	}
	if len(fields) > storage.MaxBaggageFields || size > storage.MaxBaggageBytes || len(fields) == 0 {
		t.Errorf("%d fields of %d bytes from baggage, want 1 to %d fields and at most %d bytes",
			len(fields), size, storage.MaxBaggageFields, storage.MaxBaggageBytes)
	}
	if fields[0].Key != "k000" {
		t.Errorf("first field %s, want k000: members are taken in key order", fields[0].Key)
	}
}

// The ended span storage hands on carries [REDACTED] for redacted keys, in
// its attributes and its events, so no exporter ships a secret.
func TestEndedSpanIsRedacted(t *testing.T) {
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(
		storage.New(sdktrace.NewSimpleSpanProcessor(exp), storage.WithRedact(redact.New("password")))))
	defer tp.Shutdown(context.Background())
	_, span := tp.Tracer("t").Start(context.Background(), "login")
	span.SetAttributes(attribute.String("db.password", "hunter2"), attribute.String("user", "ann"))
	span.AddEvent("retry", trace.WithAttributes(attribute.String("password", "hunter2")))
	span.AddEvent("plain", trace.WithAttributes(attribute.String("n", "1")))
	span.End()
	s := exp.GetSpans()[0]
	if got := render(s.Attributes); got != "db.password=[REDACTED] user=ann" {
		t.Errorf("exported attributes %q", got)
	}
	if got := render(s.Events[0].Attributes); got != "password=[REDACTED]" {
		t.Errorf("exported event attributes %q", got)
	}
	if got := render(s.Events[1].Attributes); got != "n=1" {
		t.Errorf("exported plain event attributes %q", got)
	}
}

func mustBaggageHeader(t *testing.T, header string) baggage.Baggage {
	t.Helper()
	b, err := baggage.Parse(header)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
