package spanlog

import sdktrace "go.opentelemetry.io/otel/sdk/trace"

// recordUnsampled lets a sampler decide what is exported, not what the
// service itself records: a span the sampler would drop is recorded but
// not sampled (sdktrace.RecordOnly), so the span processors still see it
// — its lines print and its metrics count — while exporters, which take
// sampled spans only, never see it. A request cannot hide itself from the
// service's lines and metrics by sending an unsampled traceparent.
type recordUnsampled struct{ sdktrace.Sampler }

func (r recordUnsampled) ShouldSample(p sdktrace.SamplingParameters) sdktrace.SamplingResult {
	res := r.Sampler.ShouldSample(p)
	if res.Decision == sdktrace.Drop {
		res.Decision = sdktrace.RecordOnly
	}
	return res
}

func (r recordUnsampled) Description() string {
	return "RecordUnsampled{" + r.Sampler.Description() + "}"
}

// tracerSampler returns the tracer provider's sampler: the configured one, or
// the SDK's default (parent-based, always on), with drops turned into
// recording unless the strict sampler was chosen.
func (c *config) tracerSampler() sdktrace.Sampler {
	if c.strictSampler != nil {
		return c.strictSampler
	}
	s := c.sampler
	if s == nil {
		s = sdktrace.ParentBased(sdktrace.AlwaysSample())
	}
	return recordUnsampled{s}
}
