package spanlog_test

import (
	"bytes"
	"context"
	"log/slog"
	"testing"

	"github.com/spanlog/spanlog"
	"github.com/spanlog/spanlog/logfmt/logfmttest"
	"go.opentelemetry.io/otel"
)

// checkout is code under test that, like most code, logs through slog's
// default logger and starts spans with otel.Tracer.
func checkout(ctx context.Context, orderID string) {
	ctx, span := otel.Tracer("checkout").Start(ctx, "charge")
	defer span.End()
	slog.InfoContext(ctx, "charging card", "order.id", orderID)
}

// TestReadmeGoldenRecipe follows the README's golden-test recipe word for
// word: what otel.Tracer and slog.InfoContext write ends up in the golden
// file.
func TestReadmeGoldenRecipe(t *testing.T) {
	hermeticEnv(t)
	ctx := context.Background()

	logfmttest.KeepGlobals(t) // Install below changes otel's and slog's globals
	var buf bytes.Buffer
	p, err := spanlog.New(ctx, spanlog.WithWriter(&buf), spanlog.WithIDGenerator(logfmttest.NewIDGenerator()))
	if err != nil {
		t.Fatal(err)
	}
	p.Install()             // otel.Tracer and slog.InfoContext now write to buf
	checkout(ctx, "o-1017") // the code under test
	if err := p.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	logfmttest.Golden(t, "testdata/checkout.golden", logfmttest.Scrub(buf.Bytes()))
}
