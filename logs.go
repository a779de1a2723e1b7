package spanlog

import (
	"context"
	"log/slog"

	"github.com/spanlog/spanlog/logfmt"
	"go.opentelemetry.io/contrib/bridges/otelslog"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploggrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploghttp"
	otellog "go.opentelemetry.io/otel/log"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	"go.opentelemetry.io/otel/sdk/resource"
)

// bridgeScope is the instrumentation scope of records sent through the
// otelslog bridge.
const bridgeScope = "github.com/spanlog/spanlog"

// newLoggerProvider returns the logger provider WithOTLPLogs asks for: the
// OTLP log exporter the environment configures (http/protobuf or grpc),
// behind a batch processor. Without an endpoint it returns nil.
func newLoggerProvider(ctx context.Context, res *resource.Resource) (*sdklog.LoggerProvider, error) {
	protocol, err := otlpProtocol("LOGS")
	if err != nil || protocol == "" {
		return nil, err
	}
	var exp sdklog.Exporter
	if protocol == "grpc" {
		exp, err = otlploggrpc.New(ctx)
	} else {
		exp, err = otlploghttp.New(ctx)
	}
	if err != nil {
		return nil, err
	}
	return sdklog.NewLoggerProvider(sdklog.WithResource(res), sdklog.WithProcessor(sdklog.NewBatchProcessor(exp))), nil
}

// bridgeHandler sends records to lp through the otelslog bridge, after the
// same attribute pipeline as the lines: the bridge sees no secret, no
// reserved key under its own name and one value per key.
func bridgeHandler(lp otellog.LoggerProvider, opts *logfmt.HandlerOptions) slog.Handler {
	bridge := otelslog.NewHandler(bridgeScope, otelslog.WithLoggerProvider(lp))
	return logfmt.NewAttrHandler(bridge.Handle, opts)
}
