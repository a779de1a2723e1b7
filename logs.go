package spanlog

import (
	"context"

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

// bridgeHandler is the otelslog handler sending records to lp.
func bridgeHandler(lp otellog.LoggerProvider) *otelslog.Handler {
	return otelslog.NewHandler(bridgeScope, otelslog.WithLoggerProvider(lp))
}
