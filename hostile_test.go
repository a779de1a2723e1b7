package spanlog_test

import (
	"bytes"
	"context"
	"fmt"
	"hash/fnv"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	gologfmt "github.com/go-logfmt/logfmt"
	"github.com/spanlog/spanlog"
	spankeys "github.com/spanlog/spanlog/keys"
	"github.com/spanlog/spanlog/redact"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// The hostile-input suite: requests with random, hostile baggage,
// traceparent and data against a real net/http server instrumented with
// otelhttp on loopback, and random records in random spans. Whatever they
// hold, every line decodes, holds each key once, carries no forged
// reserved key and no secret; no exported span, span event or OTLP log
// record carries a secret; the client creates no metric name or label; and
// every request is counted, sampled or not.

// Marker strings: "FORGED" in a value under a reserved key means a forgery
// got through; "SECRET" anywhere means a secret did.
const (
	forged = "FORGED"
	secret = "SECRET"
)

// hostileKeys are the keys an attacker or a careless caller picks.
var hostileKeys = []string{
	"level", "msg", "span_name", "span", "parent_span", "span_event", "timestamp", "trace_id",
	"latency_ms", "links", "target", "location", "line_truncated", "replayed",
	"metric_name", "metric_label_victim", "error", "otel.status_code", "exception.message",
	"password", "token", "authorization", "user.id", "tenant", "k", "k", "fields.level", "a b", "a=b", "\x1b[2J",
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// hostileValue is a value for key: a secret under a secret-looking key, a
// forgery under the others, sometimes with bytes that break lines.
func hostileValue(r *rand.Rand, key string) string {
	v := forged
	if redact.New(redact.Common...).Match(key) {
		v = secret
	}
	switch r.IntN(4) {
	case 0:
		return v + "\nlevel=ERROR msg=" + forged
	case 1:
		return v + "\u2028\x00\xff" + strings.Repeat("x", r.IntN(300))
	default:
		return v
	}
}

// hostileBaggage is a baggage header of random hostile members.
func hostileBaggage(r *rand.Rand) string {
	var members []string
	for range 1 + r.IntN(12) {
		key := pick(r, hostileKeys)
		if strings.ContainsAny(key, " =\x1b") {
			key = fmt.Sprintf("k%d", r.IntN(50)) // baggage keys must be tokens
		}
		members = append(members, key+"="+strings.NewReplacer("\n", "%0A", "\u2028", "", "\x00", "", "\xff", "").Replace(hostileValue(r, key)))
	}
	if r.IntN(10) == 0 { // many distinct metric names
		members = append(members, fmt.Sprintf("metric_name=evil%d", r.IntN(1000)))
	}
	return strings.Join(members, ",")
}

// hostileTraceparent is a valid sampled or unsampled traceparent, a broken
// one, or none.
func hostileTraceparent(r *rand.Rand) string {
	tid, sid := fmt.Sprintf("%032x", r.Uint64()|1), fmt.Sprintf("%016x", r.Uint64()|1)
	switch r.IntN(5) {
	case 0:
		return "00-" + tid + "-" + sid + "-00" // unsampled
	case 1:
		return "00-" + tid + "-" + sid + "-01"
	case 2:
		return "00-" + strings.Repeat("0", 32) + "-" + sid + "-01" // invalid trace id
	case 3:
		return "zz-not-a-traceparent"
	default:
		return ""
	}
}

// hostileArgs are random record arguments, groups and repeats included.
func hostileArgs(r *rand.Rand) []any {
	var args []any
	for range r.IntN(10) {
		key := pick(r, hostileKeys)
		switch r.IntN(5) {
		case 0:
			args = append(args, slog.Group(key, pick(r, hostileKeys), hostileValue(r, key)))
		case 1:
			args = append(args, slog.Group(key, slog.Group(pick(r, hostileKeys), pick(r, hostileKeys), hostileValue(r, key))))
		default:
			args = append(args, key, hostileValue(r, key))
		}
	}
	return args
}

// hostileService is the app under attack: a span per request that feeds
// the app's own metric, fields and records from the request's data.
type hostileService struct {
	p      *spanlog.Pipeline
	tracer trace.Tracer
}

func (s *hostileService) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	h := fnv.New64a()
	_, _ = io.WriteString(h, req.URL.RawQuery)
	r := rand.New(rand.NewPCG(h.Sum64(), 7))
	// The app sets its own metric; a field from request data under any
	// other key, reserved ones included.
	fieldKey := pick(r, hostileKeys)
	if strings.HasPrefix(fieldKey, "metric_") {
		fieldKey = "k"
	}
	ctx, span := s.tracer.Start(req.Context(), "handle", trace.WithAttributes(
		attribute.String("metric_name", "app_request"),
		attribute.String("metric_label_route", "/hostile"),
		attribute.String(fieldKey, req.URL.Query().Get("v")),
		attribute.String("password", secret+"-stored")))
	defer span.End()
	log := s.p.Logger()
	log.With(hostileArgs(r)...).InfoContext(ctx, "request", hostileArgs(r)...)
	log.WithGroup(pick(r, hostileKeys)).WarnContext(ctx, "grouped", hostileArgs(r)...)
	span.AddEvent("ev", trace.WithAttributes(attribute.String(pick(r, hostileKeys), req.URL.Query().Get("v"))))
	_, child := s.tracer.Start(ctx, "child")
	log.DebugContext(ctx, "debug", hostileArgs(r)...)
	child.End()
	w.WriteHeader(http.StatusNoContent)
}

func TestHostileInput(t *testing.T) {
	var lines lockedBuffer
	spans := tracetest.NewInMemoryExporter()
	logs := &capturedLogs{}
	lp := sdklog.NewLoggerProvider(sdklog.WithProcessor(sdklog.NewSimpleProcessor(logs)))
	defer lp.Shutdown(context.Background())
	reader := sdkmetric.NewManualReader()
	p, err := spanlog.New(context.Background(), spanlog.WithWriter(&lines), spanlog.WithSpanExporter(spans),
		spanlog.WithMetricReader(reader), spanlog.WithLogsAsSpanEvents(), spanlog.WithLoggerProvider(lp),
		spanlog.WithRedactedKeys(redact.Common...), spanlog.WithLevel(slog.LevelDebug))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Shutdown(context.Background())
	svc := &hostileService{p: p, tracer: p.TracerProvider().Tracer("hostile")}
	srv := httptest.NewServer(otelhttp.NewHandler(svc, "hostile",
		otelhttp.WithTracerProvider(p.TracerProvider()), otelhttp.WithPropagators(p.Propagator())))
	defer srv.Close()

	const requests = 300
	r := rand.New(rand.NewPCG(1, 2))
	for i := range requests {
		req, err := http.NewRequest("GET", fmt.Sprintf("%s/hostile?v=%s%d", srv.URL, forged, i), nil)
		if err != nil {
			t.Fatal(err)
		}
		if tp := hostileTraceparent(r); tp != "" {
			req.Header.Set("traceparent", tp)
		}
		req.Header.Set("baggage", hostileBaggage(r))
		req.Header.Set("Authorization", "Bearer "+secret)
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	srv.Close()
	if err := p.ForceFlush(context.Background()); err != nil {
		t.Fatal(err)
	}

	n := assertHonestLines(t, []byte(lines.String()))
	if n < requests*6 {
		t.Errorf("%d lines for %d requests, want at least %d: were requests hidden?", n, requests, requests*6)
	}
	assertNoSecretExported(t, spans, logs)
	assertNoClientMetrics(t, reader, requests)
}

// TestHostileRecords logs random records in random spans, in process.
func TestHostileRecords(t *testing.T) {
	var lines lockedBuffer
	p, err := spanlog.New(context.Background(), spanlog.WithWriter(&lines), spanlog.WithRedactedKeys(redact.Common...),
		spanlog.WithSource(true))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Shutdown(context.Background())
	tracer := p.TracerProvider().Tracer("hostile")
	r := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		ctx := context.Background()
		var attrs []attribute.KeyValue
		for range r.IntN(6) {
			k := pick(r, hostileKeys)
			attrs = append(attrs, attribute.String(k, hostileValue(r, k)))
		}
		ctx, span := tracer.Start(ctx, forged+"\nspan", trace.WithAttributes(attrs...))
		log := p.Logger()
		if r.IntN(2) == 0 {
			log = log.With(hostileArgs(r)...)
		}
		if r.IntN(3) == 0 {
			log = log.WithGroup(pick(r, hostileKeys))
		}
		log.InfoContext(ctx, forged, hostileArgs(r)...)
		span.End()
	}
	assertHonestLines(t, []byte(lines.String()))
}

// assertHonestLines checks every line and returns how many there were.
func assertHonestLines(t *testing.T, data []byte) int {
	t.Helper()
	dec := gologfmt.NewDecoder(bytes.NewReader(data))
	n := 0
	for dec.ScanRecord() {
		n++
		seen := map[string]bool{}
		var line []string
		for dec.ScanKeyval() {
			k, v := string(dec.Key()), string(dec.Value())
			line = append(line, k+"="+v)
			if seen[k] {
				t.Fatalf("key %q twice on line %d: %v", k, n, line)
			}
			seen[k] = true
			if spankeys.IsReserved(k) && strings.Contains(v, forged) && k != spankeys.SpanName && k != spankeys.Msg {
				t.Fatalf("forged %s on line %d: %v", k, n, line)
			}
			if strings.Contains(v, secret) {
				t.Fatalf("secret under %q on line %d: %v", k, n, line)
			}
		}
		if lv := fmt.Sprint(line[0]); !strings.HasPrefix(lv, "level=") {
			t.Fatalf("line %d does not start with level: %v", n, line)
		}
	}
	if err := dec.Err(); err != nil {
		t.Fatalf("go-logfmt cannot decode line %d: %v", n+1, err)
	}
	return n
}

func assertNoSecretExported(t *testing.T, spans *tracetest.InMemoryExporter, logs *capturedLogs) {
	t.Helper()
	for name, text := range map[string]string{"exported spans": exportedAttributes(spans), "OTLP logs": logs.String()} {
		if i := strings.Index(text, secret); i >= 0 {
			t.Errorf("a secret reached the %s: %q", name, text[max(0, i-80):i+10])
		}
		if i := strings.Index(text, "metric_name="+"evil"); i >= 0 {
			t.Errorf("client baggage reached the %s: %q", name, text[max(0, i-80):i+30])
		}
	}
}

// assertNoClientMetrics checks that the only metrics are the app's, with
// the app's labels, and that every request was counted.
func assertNoClientMetrics(t *testing.T, reader *sdkmetric.ManualReader, requests int) {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	wantLabels := map[string]bool{"route": true, "span_name": true, "result": true}
	var counted int64
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if !strings.HasPrefix(m.Name, "app_request") {
				t.Errorf("metric %s was created by a client", m.Name)
			}
			sum, ok := m.Data.(metricdata.Sum[int64])
			if !ok {
				continue
			}
			for _, dp := range sum.DataPoints {
				counted += dp.Value
				for _, kv := range dp.Attributes.ToSlice() {
					if !wantLabels[string(kv.Key)] {
						t.Errorf("%s has label %s=%s from a client", m.Name, kv.Key, kv.Value.String())
					}
				}
			}
		}
	}
	if counted != int64(requests) {
		t.Errorf("app_request_total counted %d requests, want %d: unsampled ones must count too", counted, requests)
	}
}
