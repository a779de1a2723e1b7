package spanlog_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/spanlog/spanlog"
	"go.opentelemetry.io/otel/attribute"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// capturedLogs is an sdklog.Exporter keeping what it is given, in text.
type capturedLogs struct {
	mu   sync.Mutex
	text strings.Builder
}

func (c *capturedLogs) Export(_ context.Context, recs []sdklog.Record) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, r := range recs {
		fmt.Fprintf(&c.text, "%s", r.Body().String())
		r.WalkAttributes(func(kv attribute.KeyValue) bool {
			fmt.Fprintf(&c.text, " %s=%s", kv.Key, kv.Value.String())
			return true
		})
		c.text.WriteByte('\n')
	}
	return nil
}
func (c *capturedLogs) Shutdown(context.Context) error   { return nil }
func (c *capturedLogs) ForceFlush(context.Context) error { return nil }
func (c *capturedLogs) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.text.String()
}

// secretRecords logs every shape in which a secret can travel.
func secretRecords(ctx context.Context, log *slog.Logger) {
	log.InfoContext(ctx, "login", "password", "hunter2-a")
	log.InfoContext(ctx, "header", slog.Group("authorization", "bearer", "hunter2-b"))
	log.With("token", slog.GroupValue(slog.String("raw", "hunter2-c"))).InfoContext(ctx, "with")
	log.WithGroup("form").InfoContext(ctx, "form", "password", "hunter2-d", "user", "ann")
}

// A redacted key is redacted in every copy spanlog makes: the line, the
// span event, the OTLP log record, and the exported span and its events.
func TestSecretsStaySecretEverywhere(t *testing.T) {
	var lines bytes.Buffer
	spans := tracetest.NewInMemoryExporter()
	logs := &capturedLogs{}
	lp := sdklog.NewLoggerProvider(sdklog.WithProcessor(sdklog.NewSimpleProcessor(logs)))
	defer lp.Shutdown(context.Background())
	p, err := spanlog.New(context.Background(), spanlog.WithWriter(&lines), spanlog.WithSpanExporter(spans),
		spanlog.WithLogsAsSpanEvents(), spanlog.WithLoggerProvider(lp), spanlog.WithRedactedKeys("password", "token", "authorization"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, span := p.TracerProvider().Tracer("t").Start(context.Background(), "login",
		trace.WithAttributes(attribute.String("password", "hunter2-e"), attribute.String("user", "ann")))
	secretRecords(ctx, p.Logger())
	span.AddEvent("retry", trace.WithAttributes(attribute.String("token", "hunter2-f")))
	span.End()
	if err := p.ForceFlush(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer p.Shutdown(context.Background())

	exported := exportedAttributes(spans)
	for name, text := range map[string]string{"lines": lines.String(), "OTLP logs": logs.String(), "exported spans": exported} {
		if strings.Contains(text, "hunter2") {
			t.Errorf("a secret reached the %s:\n%s", name, text)
		}
		if !strings.Contains(text, "[REDACTED]") {
			t.Errorf("the %s show no [REDACTED]:\n%s", name, text)
		}
	}
	if !strings.Contains(exported, "user=ann") || !strings.Contains(logs.String(), "form.user=ann") {
		t.Errorf("other keys were lost:\nspans %s\nlogs %s", exported, logs.String())
	}
}
