package spanlog_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// counterValue collects reader and returns the value of the int64
// counter name's first point, or 0 when there is none.
func counterValue(t *testing.T, reader *sdkmetric.ManualReader, name string) int64 {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if sum, ok := m.Data.(metricdata.Sum[int64]); ok && m.Name == name && len(sum.DataPoints) > 0 {
				return sum.DataPoints[0].Value
			}
		}
	}
	return 0
}

// exportedAttributes returns the attributes of the exported spans and of
// their events, one key=value a line.
func exportedAttributes(spans *tracetest.InMemoryExporter) string {
	var b strings.Builder
	for _, s := range spans.GetSpans() {
		for _, kv := range s.Attributes {
			fmt.Fprintf(&b, "%s=%s\n", kv.Key, kv.Value.String())
		}
		for _, ev := range s.Events {
			for _, kv := range ev.Attributes {
				fmt.Fprintf(&b, "%s=%s\n", kv.Key, kv.Value.String())
			}
		}
	}
	return b.String()
}
