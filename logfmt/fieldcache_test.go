package logfmt

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/spanlog/spanlog/redact"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
)

// A span's fields print from the cache from its second line on; a change
// to the span's attributes shows on the next line all the same.
func TestCachedFieldsFollowTheSpan(t *testing.T) {
	var buf bytes.Buffer
	tp := newProviderWithChain(nil)
	defer tp.Shutdown(context.Background())
	log := slog.New(NewHandler(&buf, nil))
	ctx, span := tp.Tracer("t").Start(context.Background(), "op", trace.WithAttributes(attribute.String("a", "1")))
	defer span.End()
	for i := range 6 {
		log.InfoContext(ctx, "line", "i", i)
		switch i {
		case 2:
			span.SetAttributes(attribute.String("b", "2"))
		case 3:
			span.SetAttributes(attribute.String("a", "changed"))
		}
	}
	lines := decodeLines(t, buf.Bytes())
	for i, want := range []string{"a=1", "a=1", "a=1", "a=1 b=2", "a=changed b=2", "a=changed b=2"} {
		var got []string
		for _, p := range lines[i] {
			if p.key == "a" || p.key == "b" {
				got = append(got, p.key+"="+p.value)
			}
		}
		if strings.Join(got, " ") != want {
			t.Errorf("line %d fields %q, want %q", i, strings.Join(got, " "), want)
		}
	}
}

// Each Handler prints a span's fields by its own options, though they
// share the span.
func TestCachedFieldsPerHandler(t *testing.T) {
	var plain, redacted bytes.Buffer
	tp := newProviderWithChain(nil)
	defer tp.Shutdown(context.Background())
	a := slog.New(NewHandler(&plain, nil))
	b := slog.New(NewHandler(&redacted, &HandlerOptions{Redact: redact.New("password")}))
	ctx, span := tp.Tracer("t").Start(context.Background(), "op", trace.WithAttributes(attribute.String("password", "hunter2")))
	defer span.End()
	for range 3 {
		a.InfoContext(ctx, "m")
		b.InfoContext(ctx, "m")
	}
	if strings.Count(plain.String(), "password=hunter2") != 3 {
		t.Errorf("handler without redaction:\n%s", plain.String())
	}
	if strings.Contains(redacted.String(), "hunter2") || strings.Count(redacted.String(), "password=[REDACTED]") != 3 {
		t.Errorf("handler with redaction:\n%s", redacted.String())
	}
}

// Many goroutines log in many spans whose attributes change meanwhile;
// every line shows fields that the span really had (-race checks the rest).
func TestCachedFieldsConcurrently(t *testing.T) {
	var buf bytes.Buffer
	out := NewSyncWriter(&buf)
	tp := newProviderWithChain(nil)
	defer tp.Shutdown(context.Background())
	log := slog.New(NewHandler(out, nil))
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for s := range 50 {
				id := fmt.Sprintf("g%d-s%d", g, s)
				ctx, span := tp.Tracer("t").Start(context.Background(), "op", trace.WithAttributes(attribute.String("span.id", id)))
				for i := range 4 {
					log.InfoContext(ctx, "line", "want", id, "n", i)
					span.SetAttributes(attribute.Int("n.set", i))
				}
				span.End()
			}
		})
	}
	wg.Wait()
	for _, l := range decodeLines(t, buf.Bytes()) {
		want, _ := get(l, "want")
		got, _ := get(l, "span.id")
		if got != want {
			t.Fatalf("line of span %s printed span.id=%s", want, got)
		}
	}
}
