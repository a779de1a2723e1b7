package spanlog

import (
	"context"
	"fmt"
	"os"
	"strings"

	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploggrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploghttp"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetricgrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetrichttp"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// otlpProtocol returns the OTLP protocol for a signal ("TRACES",
// "METRICS", "LOGS") when the environment names an endpoint for it, and ""
// when it does not or when OTEL_<SIGNAL>_EXPORTER is "none" (a traces-only
// backend such as Jaeger wants OTEL_METRICS_EXPORTER=none). The protocol follows OTEL_EXPORTER_OTLP_<SIGNAL>_PROTOCOL,
// then OTEL_EXPORTER_OTLP_PROTOCOL: http/protobuf by default, or grpc; any
// other is an error. The exporters read the rest of the OTEL_EXPORTER_OTLP_*
// variables (endpoint, headers, timeout, TLS) themselves.
func otlpProtocol(signal string) (string, error) {
	if strings.TrimSpace(os.Getenv("OTEL_"+signal+"_EXPORTER")) == "none" {
		return "", nil
	}
	if os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT") == "" && os.Getenv("OTEL_EXPORTER_OTLP_"+signal+"_ENDPOINT") == "" {
		return "", nil
	}
	protocol := os.Getenv("OTEL_EXPORTER_OTLP_" + signal + "_PROTOCOL")
	if protocol == "" {
		protocol = os.Getenv("OTEL_EXPORTER_OTLP_PROTOCOL")
	}
	switch p := strings.TrimSpace(protocol); p {
	case "", "http/protobuf":
		return "http/protobuf", nil
	case "grpc":
		return p, nil
	default:
		return "", fmt.Errorf("spanlog: OTLP protocol %q is not supported; use http/protobuf or grpc", protocol)
	}
}

// otlpTraceExporter returns an OTLP span exporter, or nil when no endpoint
// is configured. No connection is made before the first export.
func otlpTraceExporter(ctx context.Context) (sdktrace.SpanExporter, error) {
	switch protocol, err := otlpProtocol("TRACES"); {
	case err != nil || protocol == "":
		return nil, err
	case protocol == "grpc":
		return otlptracegrpc.New(ctx)
	default:
		return otlptracehttp.New(ctx)
	}
}

// otlpMetricExporter returns an OTLP metric exporter, or nil when no
// endpoint is configured.
func otlpMetricExporter(ctx context.Context) (sdkmetric.Exporter, error) {
	switch protocol, err := otlpProtocol("METRICS"); {
	case err != nil || protocol == "":
		return nil, err
	case protocol == "grpc":
		return otlpmetricgrpc.New(ctx)
	default:
		return otlpmetrichttp.New(ctx)
	}
}

// otlpLogExporter returns an OTLP log exporter, or nil when no endpoint is
// configured.
func otlpLogExporter(ctx context.Context) (sdklog.Exporter, error) {
	switch protocol, err := otlpProtocol("LOGS"); {
	case err != nil || protocol == "":
		return nil, err
	case protocol == "grpc":
		return otlploggrpc.New(ctx)
	default:
		return otlploghttp.New(ctx)
	}
}
