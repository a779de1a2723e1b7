package spanlog

import (
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

// bridgeHandler is the otelslog handler sending records to lp.
func bridgeHandler(lp otellog.LoggerProvider) *otelslog.Handler {
	return otelslog.NewHandler(bridgeScope, otelslog.WithLoggerProvider(lp))
}
