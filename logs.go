package spanlog

import (
	"log/slog"

	"github.com/spanlog/spanlog/logfmt"
	"go.opentelemetry.io/contrib/bridges/otelslog"
	otellog "go.opentelemetry.io/otel/log"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	"go.opentelemetry.io/otel/sdk/resource"
)

// bridgeScope is the instrumentation scope of records sent through the
// otelslog bridge.
const bridgeScope = "github.com/spanlog/spanlog"

// newLoggerProvider returns the logger provider WithOTLPLogs asks for:
// exp, the OTLP log exporter the environment configures, behind a batch
// processor.
func newLoggerProvider(res *resource.Resource, exp sdklog.Exporter) *sdklog.LoggerProvider {
	return sdklog.NewLoggerProvider(sdklog.WithResource(res), sdklog.WithProcessor(sdklog.NewBatchProcessor(exp)))
}

// bridgeHandler sends records to lp through the otelslog bridge, after the
// same attribute pipeline as the lines: the bridge sees no secret, no
// reserved key under its own name and one value per key.
func bridgeHandler(lp otellog.LoggerProvider, opts *logfmt.HandlerOptions) slog.Handler {
	bridge := otelslog.NewHandler(bridgeScope, otelslog.WithLoggerProvider(lp))
	return logfmt.NewAttrHandler(bridge.Handle, opts)
}
