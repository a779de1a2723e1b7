package spanlog_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"testing"

	"github.com/spanlog/spanlog"
	"github.com/spanlog/spanlog/logfmt/logfmttest"
	"github.com/spanlog/spanlog/redact"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// The line contract as a reviewer reads it: each key once (the record over
// the span's field, the last value in a record), user keys named like
// spanlog's own under fields., secrets redacted whole, and a failed
// request's DEBUG detail replayed before its close line.
func TestLineContractGolden(t *testing.T) {
	var buf bytes.Buffer
	p, err := spanlog.New(context.Background(), spanlog.WithWriter(&buf),
		spanlog.WithIDGenerator(logfmttest.NewIDGenerator()), spanlog.WithRedactedKeys(redact.Common...),
		spanlog.WithTailBuffer())
	if err != nil {
		t.Fatal(err)
	}
	tracer := p.TracerProvider().Tracer("contract")
	log := p.Logger()
	ctx, req := tracer.Start(context.Background(), "request", trace.WithAttributes(
		attribute.String("symbol", "AAPL"), attribute.String("level", "user-level"),
		attribute.String("token", "s3cr3t")))
	log.With("symbol", "MSFT").InfoContext(ctx, "record beats field", "symbol", "GOOG", "msg", "forged")
	log.InfoContext(ctx, "groups", slog.Group("authorization", "bearer", "s3cr3t"), slog.Group("req", "method", "GET"))
	ctx, child := tracer.Start(ctx, "child")
	log.DebugContext(ctx, "held until the request fails", "attempt", 1)
	child.SetStatus(codes.Error, "boom")
	log.ErrorContext(ctx, "child failed", "err", errors.New("boom"))
	child.End()
	req.End()
	if err := p.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	logfmttest.Golden(t, "testdata/contract.golden", logfmttest.Scrub(buf.Bytes()))
}
