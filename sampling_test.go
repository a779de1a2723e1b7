package spanlog_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/spanlog/spanlog"
	"github.com/spanlog/spanlog/traced"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// A message whose envelope says "not sampled" is still handled in a span
// the service prints and counts; only its export follows the flag.
// WithStrictSampler restores the SDK's behaviour.
func TestUnsampledEnvelopeIsPrintedAndCounted(t *testing.T) {
	for _, tc := range []struct {
		name    string
		opt     spanlog.Option
		counted int64
	}{
		{"default", nil, 1},
		{"strict sampler", spanlog.WithStrictSampler(sdktrace.ParentBased(sdktrace.AlwaysSample())), 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			reader := sdkmetric.NewManualReader()
			exp := tracetest.NewInMemoryExporter()
			opts := []spanlog.Option{spanlog.WithWriter(&buf), spanlog.WithMetricReader(reader), spanlog.WithSpanExporter(exp)}
			if tc.opt != nil {
				opts = append(opts, tc.opt)
			}
			p, err := spanlog.New(context.Background(), opts...)
			if err != nil {
				t.Fatal(err)
			}
			defer p.Shutdown(context.Background())
			env := traced.Envelope[string]{
				Headers: propagation.MapCarrier{"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00"},
				Payload: "job",
			}
			_ = traced.Consume(context.Background(), traced.Extract(env, p.Propagator()),
				func(context.Context, string) error { return nil },
				traced.WithTracerProvider(p.TracerProvider()), traced.WithSpanName("consume"),
				traced.WithAttributes(attribute.String("metric_name", "jobs")))
			if err := p.ForceFlush(context.Background()); err != nil {
				t.Fatal(err)
			}
			if counted := counterValue(t, reader, "jobs"); counted != tc.counted {
				t.Errorf("jobs counted %d, want %d", counted, tc.counted)
			}
			if printed := strings.Contains(buf.String(), "span_name=consume"); printed != (tc.counted == 1) {
				t.Errorf("span lines printed %v:\n%s", printed, buf.String())
			}
			if n := len(exp.GetSpans()); n != 0 {
				t.Errorf("%d unsampled spans exported, want 0", n)
			}
		})
	}
}
