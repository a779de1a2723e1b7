// Package jaegertest queries a Jaeger query service for the end-to-end
// tests: the services it knows, and the traces of a service, as the
// /api/traces JSON gives them.
package jaegertest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"go.uber.org/goleak"
)

// Client talks to one Jaeger query service.
type Client struct {
	BaseURL string
	HTTP    *http.Client
}

// FromEnv returns a client for JAEGER_QUERY_URL, and false when it is not
// set (the e2e run script sets it).
func FromEnv() (*Client, bool) {
	u := os.Getenv("JAEGER_QUERY_URL")
	if u == "" {
		return nil, false
	}
	// No keep-alive: tests check for leaked goroutines when they end.
	transport := &http.Transport{DisableKeepAlives: true}
	return &Client{BaseURL: u, HTTP: &http.Client{Timeout: 10 * time.Second, Transport: transport}}, true
}

// Trace is one trace as Jaeger returns it.
type Trace struct {
	TraceID string `json:"traceID"`
	Spans   []Span `json:"spans"`
}

// Span is one stored span.
type Span struct {
	TraceID       string      `json:"traceID"`
	SpanID        string      `json:"spanID"`
	OperationName string      `json:"operationName"`
	References    []Reference `json:"references"`
	Tags          []KeyValue  `json:"tags"`
	Logs          []Log       `json:"logs"`
}

// Reference is a parent (CHILD_OF) or a link (FOLLOWS_FROM).
type Reference struct {
	RefType string `json:"refType"`
	TraceID string `json:"traceID"`
	SpanID  string `json:"spanID"`
}

// KeyValue is a tag or a log field.
type KeyValue struct {
	Key   string `json:"key"`
	Type  string `json:"type"`
	Value any    `json:"value"`
}

// Log is a span event.
type Log struct {
	Timestamp int64      `json:"timestamp"`
	Fields    []KeyValue `json:"fields"`
}

// Tag returns the value of the span's tag key.
func (s Span) Tag(key string) (any, bool) { return find(s.Tags, key) }

// Parent returns the span's CHILD_OF reference, if any.
func (s Span) Parent() (Reference, bool) {
	for _, r := range s.References {
		if r.RefType == "CHILD_OF" {
			return r, true
		}
	}
	return Reference{}, false
}

// Links returns the span's FOLLOWS_FROM references.
func (s Span) Links() []Reference {
	var links []Reference
	for _, r := range s.References {
		if r.RefType == "FOLLOWS_FROM" {
			links = append(links, r)
		}
	}
	return links
}

// Field returns the value of a log's field key.
func (l Log) Field(key string) (any, bool) { return find(l.Fields, key) }

func find(kvs []KeyValue, key string) (any, bool) {
	for _, kv := range kvs {
		if kv.Key == key {
			return kv.Value, true
		}
	}
	return nil, false
}

// Services lists the services Jaeger has spans of.
func (c *Client) Services(ctx context.Context) ([]string, error) {
	var resp struct {
		Data []string `json:"data"`
	}
	return resp.Data, c.get(ctx, "/api/services", nil, &resp)
}

// Traces returns the traces of service.
func (c *Client) Traces(ctx context.Context, service string) ([]Trace, error) {
	var resp struct {
		Data []Trace `json:"data"`
	}
	q := url.Values{"service": {service}, "limit": {"10000"}, "lookback": {"1h"}}
	return resp.Data, c.get(ctx, "/api/traces", q, &resp)
}

// WaitForSpans polls until Jaeger holds at least want spans of service, and
// returns the traces then, or the last ones seen when ctx ends first.
func (c *Client) WaitForSpans(ctx context.Context, service string, want int) ([]Trace, error) {
	for {
		traces, err := c.Traces(ctx, service)
		if err == nil && CountSpans(traces) >= want {
			return traces, nil
		}
		select {
		case <-ctx.Done():
			return traces, fmt.Errorf("jaeger holds %d spans of %s, want %d: %w", CountSpans(traces), service, want, ctx.Err())
		case <-time.After(200 * time.Millisecond): // Jaeger stores asynchronously
		}
	}
}

// CountSpans counts the spans of traces.
func CountSpans(traces []Trace) int {
	n := 0
	for _, t := range traces {
		n += len(t.Spans)
	}
	return n
}

// AllSpans flattens traces into their spans.
func AllSpans(traces []Trace) []Span {
	var spans []Span
	for _, t := range traces {
		spans = append(spans, t.Spans...)
	}
	return spans
}

func (c *Client) get(ctx context.Context, path string, q url.Values, out any) error {
	u := c.BaseURL + path
	if q != nil {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// OTLPEndpoint returns the endpoint of the Jaeger OTLP receiver for
// protocol ("http/protobuf" or "grpc"), from the ports the run script set.
func OTLPEndpoint(protocol string) string {
	if protocol == "grpc" {
		return "http://127.0.0.1:" + os.Getenv("JAEGER_OTLP_GRPC_PORT")
	}
	return "http://127.0.0.1:" + os.Getenv("JAEGER_OTLP_HTTP_PORT")
}

// Export points this test's OTLP span export at Jaeger over protocol, turns
// metric export off (Jaeger takes traces only), and returns a service name
// no other run has used, starting with prefix.
func Export(t interface{ Setenv(k, v string) }, protocol, prefix string) string {
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", OTLPEndpoint(protocol))
	t.Setenv("OTEL_EXPORTER_OTLP_PROTOCOL", protocol)
	t.Setenv("OTEL_EXPORTER_OTLP_INSECURE", "true")
	t.Setenv("OTEL_METRICS_EXPORTER", "none")
	return fmt.Sprintf("%s-e2e-%s-%d", prefix, strings.ReplaceAll(protocol, "/", "-"), time.Now().UnixNano())
}

// KeepAliveLeaks are goleak options for the goroutines an OTLP HTTP
// exporter leaves behind: it shares a package-level transport and does not
// close its idle keep-alive connection at Shutdown, so the connection's two
// goroutines live until it idles out (90 s). They are the SDK's, not ours.
func KeepAliveLeaks() []goleak.Option {
	return []goleak.Option{
		goleak.IgnoreAnyFunction("net/http.(*persistConn).readLoop"),
		goleak.IgnoreAnyFunction("net/http.(*persistConn).writeLoop"),
	}
}
