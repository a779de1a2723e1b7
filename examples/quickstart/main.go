// Quickstart handles one request through nested spans and prints what
// spanlog makes of it: span lines with inherited fields and latency, a log
// line enriched with its span's fields, and a failing step at ERROR.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/spanlog/spanlog"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
)

func main() {
	ctx := context.Background()
	p, err := spanlog.New(ctx, spanlog.WithServiceName("quickstart"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	p.Install()
	defer shutdown(p)

	handleRequest(ctx, otel.Tracer("quickstart"), slog.Default())
}

// shutdown flushes the telemetry, within Shutdown's default budget of 5 s.
// What could not be delivered, with a collector down, is a WARN line: the
// program's own work succeeded, so it still exits 0.
func shutdown(p *spanlog.Pipeline) {
	if err := p.Shutdown(context.Background()); err != nil {
		slog.Warn("telemetry not fully delivered", "err", err)
	}
}

// errCardDeclined is the failure of the example's last step.
var errCardDeclined = errors.New("card declined")

// handleRequest serves one made-up checkout request.
func handleRequest(ctx context.Context, tracer trace.Tracer, log *slog.Logger) {
	ctx, request := tracer.Start(ctx, "checkout", trace.WithAttributes(
		attribute.String("http.method", "POST"),
		attribute.String("http.route", "/checkout"),
		attribute.String("request_id", "req-7f3a"),
	))
	defer request.End()

	loadCart(ctx, tracer, log)
	if err := charge(ctx, tracer, log); err != nil {
		log.WarnContext(ctx, "checkout failed", "err", err)
	}
}

// loadCart and its child show inheritance: the innermost log line carries
// the fields set on the request span two levels up.
func loadCart(ctx context.Context, tracer trace.Tracer, log *slog.Logger) {
	ctx, span := tracer.Start(ctx, "load_cart", trace.WithAttributes(attribute.Int("user.id", 42)))
	defer span.End()

	ctx, query := tracer.Start(ctx, "query_db", trace.WithAttributes(attribute.String("db.table", "cart_items")))
	defer query.End()
	log.InfoContext(ctx, "cart loaded", "items", 3, "total", "59.90 EUR")
}

// charge fails; the error-level record marks its span's status as Error, so
// the span closes at level=ERROR.
func charge(ctx context.Context, tracer trace.Tracer, log *slog.Logger) error {
	ctx, span := tracer.Start(ctx, "charge_card", trace.WithAttributes(attribute.String("payment.provider", "acme")))
	defer span.End()

	span.RecordError(errCardDeclined)
	log.ErrorContext(ctx, "payment refused", "err", errCardDeclined)
	return errCardDeclined
}
