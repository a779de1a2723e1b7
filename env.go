package spanlog

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

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

// This file is the one place where the environment chooses exporters.
// readEnv reads and checks every variable spanlog acts on, building
// nothing, so New can refuse a bad configuration before any goroutine
// starts; the new*Exporter methods then build what it chose.
//
// Variables read here:
//
//	OTEL_TRACES_EXPORTER, OTEL_METRICS_EXPORTER, OTEL_LOGS_EXPORTER
//	    "otlp" or "none"; unset means otlp when an endpoint is set.
//	OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_<SIGNAL>_ENDPOINT
//	OTEL_EXPORTER_OTLP_PROTOCOL, OTEL_EXPORTER_OTLP_<SIGNAL>_PROTOCOL
//	    "http/protobuf" (the default) or "grpc".
//	OTEL_EXPORTER_OTLP_TIMEOUT, OTEL_EXPORTER_OTLP_<SIGNAL>_TIMEOUT
//	OTEL_EXPORTER_OTLP_CERTIFICATE, _CLIENT_CERTIFICATE, _CLIENT_KEY
//	    (and their <SIGNAL> forms), for the HTTP client spanlog gives the
//	    OTLP HTTP exporters so that Shutdown can close its connections.
//	OTEL_BSP_SCHEDULE_DELAY, OTEL_BSP_EXPORT_TIMEOUT,
//	OTEL_BSP_MAX_QUEUE_SIZE, OTEL_BSP_MAX_EXPORT_BATCH_SIZE
//	OTEL_BLRP_MAX_QUEUE_SIZE, with WithOTLPLogs: spanlog counts the
//	    records that queue drops. The SDK reads the other OTEL_BLRP_*.
//
// The OTLP exporters read the rest themselves: endpoint, headers,
// compression, and everything of the gRPC exporters.
//
// go.opentelemetry.io/contrib/exporters/autoexport reads the same
// variables, but it hands back a metric Reader rather than the exporter,
// and builds its HTTP exporters on a transport nobody can close; spanlog
// needs to wrap each exporter (refused signals, exports cancelled when the
// shutdown budget runs out) and to close its connections at Shutdown.

// Signal names, as the OTEL_<SIGNAL>_* variables spell them.
const (
	signalTraces  = "TRACES"
	signalMetrics = "METRICS"
	signalLogs    = "LOGS"
)

// Protocols an OTLP exporter may speak.
const (
	protocolHTTP = "http/protobuf"
	protocolGRPC = "grpc"
)

// defaultOTLPTimeout is the OTLP exporters' own default for one export.
const defaultOTLPTimeout = 10 * time.Second

// otlpChoice is what the environment asks of one signal: no export when
// protocol is "", else OTLP over protocol.
type otlpChoice struct {
	protocol string
	timeout  time.Duration // HTTP only
	tls      *tls.Config   // HTTP only; nil for the default
}

// envConfig is everything New takes from the environment.
type envConfig struct {
	traces, metrics, logs otlpChoice
	batch                 batchSettings
	logQueueSize          *int // OTEL_BLRP_MAX_QUEUE_SIZE; nil when unset
}

// readEnv reads and checks the environment. Logs are looked at only when
// wantLogs is set (WithOTLPLogs).
func readEnv(wantLogs bool) (envConfig, error) {
	var env envConfig
	var err error
	if env.traces, err = readOTLPChoice(signalTraces); err != nil {
		return env, err
	}
	if env.metrics, err = readOTLPChoice(signalMetrics); err != nil {
		return env, err
	}
	if wantLogs {
		if env.logs, err = readOTLPChoice(signalLogs); err != nil {
			return env, err
		}
		if env.logQueueSize, err = envPositive("OTEL_BLRP_MAX_QUEUE_SIZE"); err != nil {
			return env, err
		}
	}
	env.batch, err = readBatchSettings()
	return env, err
}

// readOTLPChoice decides whether signal is exported, and how.
func readOTLPChoice(signal string) (otlpChoice, error) {
	var c otlpChoice
	exporterVar := "OTEL_" + signal + "_EXPORTER"
	switch name := strings.TrimSpace(os.Getenv(exporterVar)); name {
	case "none":
		return c, nil
	case "":
		if getenv("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_"+signal+"_ENDPOINT") == "" {
			return c, nil
		}
	case "otlp":
	default:
		return c, fmt.Errorf("spanlog: %s=%q is not supported; use otlp or none", exporterVar, name)
	}

	protocol := getenv("OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_"+signal+"_PROTOCOL")
	switch p := strings.TrimSpace(protocol); p {
	case "", protocolHTTP:
		c.protocol = protocolHTTP
	case protocolGRPC:
		c.protocol = protocolGRPC
		return c, nil
	default:
		return c, fmt.Errorf("spanlog: OTLP protocol %q for %s is not supported; use http/protobuf or grpc", protocol, strings.ToLower(signal))
	}

	timeout, err := envMillis("OTEL_EXPORTER_OTLP_TIMEOUT", "OTEL_EXPORTER_OTLP_"+signal+"_TIMEOUT")
	if err != nil {
		return c, err
	}
	c.timeout = defaultOTLPTimeout
	if timeout != nil {
		c.timeout = *timeout
	}
	c.tls, err = readTLS(signal)
	return c, err
}

// readTLS builds the TLS configuration the certificate variables ask for,
// or nil when they are unset.
func readTLS(signal string) (*tls.Config, error) {
	ca := getenv("OTEL_EXPORTER_OTLP_CERTIFICATE", "OTEL_EXPORTER_OTLP_"+signal+"_CERTIFICATE")
	cert := getenv("OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE", "OTEL_EXPORTER_OTLP_"+signal+"_CLIENT_CERTIFICATE")
	key := getenv("OTEL_EXPORTER_OTLP_CLIENT_KEY", "OTEL_EXPORTER_OTLP_"+signal+"_CLIENT_KEY")
	if ca == "" && cert == "" && key == "" {
		return nil, nil
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if ca != "" {
		pem, err := os.ReadFile(ca)
		if err != nil {
			return nil, fmt.Errorf("spanlog: OTLP certificate: %w", err)
		}
		cfg.RootCAs = x509.NewCertPool()
		if !cfg.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("spanlog: OTLP certificate %s holds no PEM certificate", ca)
		}
	}
	if cert != "" || key != "" {
		pair, err := tls.LoadX509KeyPair(cert, key)
		if err != nil {
			return nil, fmt.Errorf("spanlog: OTLP client certificate: %w", err)
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	return cfg, nil
}

// batchSettings are the batch span processor's settings from OTEL_BSP_*;
// nil fields were not set.
type batchSettings struct {
	scheduleDelay, exportTimeout *time.Duration
	maxQueueSize, maxBatchSize   *int
}

func readBatchSettings() (batchSettings, error) {
	var b batchSettings
	var err error
	if b.scheduleDelay, err = envMillis("OTEL_BSP_SCHEDULE_DELAY"); err != nil {
		return b, err
	}
	if b.exportTimeout, err = envMillis("OTEL_BSP_EXPORT_TIMEOUT"); err != nil {
		return b, err
	}
	if b.maxQueueSize, err = envPositive("OTEL_BSP_MAX_QUEUE_SIZE"); err != nil {
		return b, err
	}
	b.maxBatchSize, err = envPositive("OTEL_BSP_MAX_EXPORT_BATCH_SIZE")
	return b, err
}

// getenv returns the value of the last of names that is set and not
// blank: pass the general variable first, the specific one last.
func getenv(names ...string) string {
	_, v := lastSet(names)
	return v
}

// lastSet returns the last of names that is set and not blank, and its
// value trimmed; "" and "" when none is.
func lastSet(names []string) (name, value string) {
	for _, n := range names {
		if v := strings.TrimSpace(os.Getenv(n)); v != "" {
			name, value = n, v
		}
	}
	return name, value
}

// envMillis reads a non-negative number of milliseconds, as getenv picks
// it; nil when unset.
func envMillis(names ...string) (*time.Duration, error) {
	n, name, err := envInt(names...)
	if n == nil || err != nil {
		return nil, err
	}
	if *n < 0 {
		return nil, fmt.Errorf("spanlog: %s=%d: want milliseconds, 0 or more", name, *n)
	}
	d := time.Duration(*n) * time.Millisecond
	return &d, nil
}

// envPositive reads an integer above zero; nil when unset.
func envPositive(name string) (*int, error) {
	n, _, err := envInt(name)
	if n == nil || err != nil {
		return nil, err
	}
	if *n <= 0 {
		return nil, fmt.Errorf("spanlog: %s=%d: want a number above 0", name, *n)
	}
	return n, nil
}

// envInt reads an integer, as getenv picks it, and the variable it came
// from; nil when unset.
func envInt(names ...string) (*int, string, error) {
	name, value := lastSet(names)
	if name == "" {
		return nil, "", nil
	}
	v, err := strconv.Atoi(value)
	if err != nil {
		return nil, name, fmt.Errorf("spanlog: %s=%q is not a whole number", name, value)
	}
	return &v, name, nil
}

// httpClient returns the HTTP client of an OTLP HTTP exporter: a transport
// of its own, which Shutdown closes, with the timeout and TLS settings the
// environment gives, and a recorder of the last response status, which
// tells a refused signal.
func (c otlpChoice) httpClient(conns *connections, status *statusRecorder) *http.Client {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	if c.tls != nil {
		transport.TLSClientConfig = c.tls
	}
	conns.add(transport)
	return &http.Client{Timeout: c.timeout, Transport: &recordingTransport{base: transport, status: status}}
}

// newSpanExporter builds the OTLP span exporter c chose, or returns nil.
// No connection is made before the first export.
func (c otlpChoice) newSpanExporter(ctx context.Context, conns *connections, status *statusRecorder) (sdktrace.SpanExporter, error) {
	switch c.protocol {
	case protocolGRPC:
		return otlptracegrpc.New(ctx)
	case protocolHTTP:
		return otlptracehttp.New(ctx, otlptracehttp.WithHTTPClient(c.httpClient(conns, status)))
	}
	return nil, nil
}

// newMetricExporter builds the OTLP metric exporter c chose, or returns nil.
func (c otlpChoice) newMetricExporter(ctx context.Context, conns *connections, status *statusRecorder) (sdkmetric.Exporter, error) {
	switch c.protocol {
	case protocolGRPC:
		return otlpmetricgrpc.New(ctx)
	case protocolHTTP:
		return otlpmetrichttp.New(ctx, otlpmetrichttp.WithHTTPClient(c.httpClient(conns, status)))
	}
	return nil, nil
}

// newLogExporter builds the OTLP log exporter c chose, or returns nil.
func (c otlpChoice) newLogExporter(ctx context.Context, conns *connections, status *statusRecorder) (sdklog.Exporter, error) {
	switch c.protocol {
	case protocolGRPC:
		return otlploggrpc.New(ctx)
	case protocolHTTP:
		return otlploghttp.New(ctx, otlploghttp.WithHTTPClient(c.httpClient(conns, status)))
	}
	return nil, nil
}
