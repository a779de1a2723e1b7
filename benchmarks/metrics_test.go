package benchmarks

import (
	"context"
	"strings"
	"testing"

	"github.com/spanlog/spanlog/metricsproc"
	"github.com/spanlog/spanlog/storage"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// handProcessor is what a user writes without spanlog to get the same
// metrics from the record.save_event span: one counter and one histogram
// made up front, and in OnEnd the same four labels passed with
// metric.WithAttributes. With exemplars set, it records in a context
// holding the span's context, as spanlog does, so exemplars point at the
// span; without, it records in context.Background().
type handProcessor struct {
	total     metric.Int64Counter
	duration  metric.Float64Histogram
	exemplars bool
}

func newHandProcessor(b *testing.B, exemplars bool) *handProcessor {
	meter := meterProvider(b).Meter("hand")
	total, err := meter.Int64Counter("db_event")
	if err != nil {
		b.Fatal(err)
	}
	duration, err := meter.Float64Histogram("db_event_duration", metric.WithUnit("s"),
		metric.WithExplicitBucketBoundaries(metricsproc.DefaultBuckets...))
	if err != nil {
		b.Fatal(err)
	}
	return &handProcessor{total: total, duration: duration, exemplars: exemplars}
}

func (p *handProcessor) OnStart(context.Context, sdktrace.ReadWriteSpan) {}
func (p *handProcessor) ForceFlush(context.Context) error                { return nil }
func (p *handProcessor) Shutdown(context.Context) error                  { return nil }

func (p *handProcessor) OnEnd(s sdktrace.ReadOnlySpan) {
	var table, kind string
	for _, kv := range s.Attributes() {
		switch kv.Key {
		case "metric_label_event_table":
			table = kv.Value.AsString()
		case "metric_label_event_type":
			kind = kv.Value.AsString()
		}
	}
	result := "ok"
	if s.Status().Code == codes.Error {
		result = "error"
	}
	labels := metric.WithAttributes(
		attribute.String("event_table", table), attribute.String("event_type", kind),
		attribute.String("span_name", s.Name()), attribute.String("result", result))
	ctx := context.Background()
	if p.exemplars {
		ctx = trace.ContextWithSpanContext(ctx, s.SpanContext())
	}
	p.total.Add(ctx, 1, labels)
	p.duration.Record(ctx, s.EndTime().Sub(s.StartTime()).Seconds(), labels)
}

// BenchmarkSpanMetrics is target 3: span start+end through
// storage+metricsproc against the hand-written processor recording the
// same counter and histogram, with and without exemplars. spanlog records
// exemplars, so hand+exemplars is the like-for-like row; metricsproc alone,
// without storage's field inheritance, does what the hand-written
// processor does.
func BenchmarkSpanMetrics(b *testing.B) {
	b.Run("impl=hand", func(b *testing.B) {
		metricSpan(b, provider(b, newHandProcessor(b, false)), nil)
	})
	b.Run("impl=hand+exemplars", func(b *testing.B) {
		metricSpan(b, provider(b, newHandProcessor(b, true)), nil)
	})
	b.Run("impl=storage+metricsproc", func(b *testing.B) {
		metricSpan(b, provider(b, storage.New(metricsproc.New(nil, meterProvider(b)))), nil)
	})
	b.Run("impl=metricsproc", func(b *testing.B) {
		metricSpan(b, provider(b, metricsproc.New(nil, meterProvider(b))), nil)
	})
}

// BenchmarkMetricFloor measures the metric SDK's own cost of what
// metricsproc records per span, one Add and one Record with four labels,
// without any span: with a cached attribute set (what metricsproc passes)
// or labels given with WithAttributes (a set built per call), in a context
// with a sampled span (an exemplar offered to each reservoir) or without.
// The first row is the floor under metricsproc's recording.
func BenchmarkMetricFloor(b *testing.B) {
	labels := []attribute.KeyValue{
		attribute.String("event_table", "events"), attribute.String("event_type", "Song"),
		attribute.String("span_name", "record.save_event"), attribute.String("result", "ok"),
	}
	set := attribute.NewSet(labels...)
	spanCtx := trace.ContextWithSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{
		TraceID:    trace.TraceID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16},
		SpanID:     trace.SpanID{1, 2, 3, 4, 5, 6, 7, 8},
		TraceFlags: trace.FlagsSampled,
	}))
	for _, c := range []struct {
		name    string
		ctx     context.Context
		options func() metric.MeasurementOption
	}{
		{"impl=set+exemplar", spanCtx, func() metric.MeasurementOption { return metric.WithAttributeSet(set) }},
		{"impl=set", context.Background(), func() metric.MeasurementOption { return metric.WithAttributeSet(set) }},
		{"impl=withattributes+exemplar", spanCtx, func() metric.MeasurementOption { return metric.WithAttributes(labels...) }},
		{"impl=withattributes", context.Background(), func() metric.MeasurementOption { return metric.WithAttributes(labels...) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			hand := newHandProcessor(b, false)
			cached := c.options()
			perCall := strings.HasPrefix(c.name, "impl=withattributes")
			const seconds = 0.001235
			b.ReportAllocs()
			for b.Loop() {
				opt := cached
				if perCall {
					opt = c.options()
				}
				hand.total.Add(c.ctx, 1, opt)
				hand.duration.Record(c.ctx, seconds, opt)
			}
		})
	}
}
