package spanlog_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/spanlog/spanlog"
	"github.com/spanlog/spanlog/storage"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/trace"
)

// One option hides a secret everywhere: lines, child spans, metric labels.
func TestRedactedKeysEverywhere(t *testing.T) {
	var buf bytes.Buffer
	reader := sdkmetric.NewManualReader()
	p, err := spanlog.New(context.Background(), spanlog.WithWriter(&buf), spanlog.WithMetricReader(reader),
		spanlog.WithRedactedKeys("token", "password"))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Shutdown(context.Background())
	tracer := p.TracerProvider().Tracer("t")
	ctx, parent := tracer.Start(context.Background(), "login", trace.WithAttributes(
		attribute.String("auth.token", "tok-123"), attribute.String("user", "ann")))
	ctx, child := tracer.Start(ctx, "save", trace.WithAttributes(
		attribute.String("metric_name", "logins"), attribute.String("metric_label_password", "hunter2"),
		attribute.String("metric_label_method", "form")))
	p.Logger().InfoContext(ctx, "saved", "password", "hunter2")
	childFields := storage.Fields(ctx)
	child.End()
	parent.End()

	if strings.Contains(buf.String(), "tok-123") || strings.Contains(buf.String(), "hunter2") {
		t.Errorf("a secret was printed:\n%s", buf.String())
	}
	for _, kv := range childFields {
		if kv.Key == "auth.token" {
			t.Errorf("the child inherited %s", kv.Key)
		}
	}
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if sum, ok := m.Data.(metricdata.Sum[int64]); ok {
				for _, dp := range sum.DataPoints {
					if _, ok := dp.Attributes.Value("password"); ok {
						t.Errorf("%s has a password label", m.Name)
					}
					if v, _ := dp.Attributes.Value("method"); v.AsString() != "form" {
						t.Errorf("%s lost its other labels: %v", m.Name, dp.Attributes)
					}
				}
			}
		}
	}
}
