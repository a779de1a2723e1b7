package traced

import (
	"context"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// QueueTimeMetric is the histogram, in seconds, of how long messages
// waited in their channel, recorded when WithMeterProvider is given. Its
// labels are the payload type (messaging.payload.type) and the consumer
// span's name (span_name).
const QueueTimeMetric = "traced.queue_time"

// MaxQueueTimeSeries bounds the label sets of QueueTimeMetric in a
// process: payload type and span name pairs past it are recorded under
// otel.metric.overflow=true, as the OTel SDK does past its own limit.
const MaxQueueTimeSeries = 256

// QueueTimeBuckets are the bucket boundaries of QueueTimeMetric, in
// seconds: ten microseconds to ten seconds.
var QueueTimeBuckets = []float64{
	0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005,
	0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
}

// epoch is where traced's monotonic clock starts. Messages are stamped
// with nanoseconds since it: 8 bytes, unaffected by wall-clock jumps.
var epoch = time.Now()

// monotonicNow reads traced's clock. It never returns 0, which marks a
// Message that was never stamped.
func monotonicNow() int64 { return int64(time.Since(epoch)) + 1 }

// queueMillis returns how long a message stamped at sent waited until
// received, in milliseconds rounded to the microsecond, and false for an
// unstamped message. A receive before the send (clocks of two processes)
// counts as no wait.
func queueMillis(sent, received int64) (float64, bool) {
	if sent == 0 {
		return 0, false
	}
	d := max(received-sent, 0)
	return math.Round(float64(d)/float64(time.Microsecond)) / 1000, true
}

// lastHistogram remembers the queue-time histogram of the meter provider
// used last, as lastTracer does the tracer.
var lastHistogram atomic.Pointer[providerHistogram]

type providerHistogram struct {
	provider  metric.MeterProvider
	histogram metric.Float64Histogram
}

func queueTimeHistogram(mp metric.MeterProvider) metric.Float64Histogram {
	if last := lastHistogram.Load(); last != nil && same(last.provider, mp) {
		return last.histogram
	}
	// The name, unit and buckets are constant and valid: no error to report.
	h, _ := mp.Meter(ScopeName).Float64Histogram(QueueTimeMetric,
		metric.WithUnit("s"),
		metric.WithDescription("How long messages waited in their channel, from send to receive."),
		metric.WithExplicitBucketBoundaries(QueueTimeBuckets...))
	lastHistogram.Store(&providerHistogram{provider: mp, histogram: h})
	return h
}

// labelCache holds the record options of each label set seen, so that
// recording allocates nothing; at most MaxQueueTimeSeries of them. It is
// safe for concurrent use.
type labelCache struct {
	mu     sync.RWMutex
	byPair map[[2]string][]metric.RecordOption
}

// queueTimeLabels is the process's one labelCache: the bound holds
// whichever meter provider records.
var queueTimeLabels labelCache

var overflowLabels = []metric.RecordOption{metric.WithAttributes(attribute.Bool("otel.metric.overflow", true))}

// recordOptions returns the labels of the queue time of payloads named
// payloadType consumed in spans named spanName.
func (l *labelCache) recordOptions(payloadType, spanName string) []metric.RecordOption {
	pair := [2]string{payloadType, spanName}
	l.mu.RLock()
	opts, ok := l.byPair[pair]
	l.mu.RUnlock()
	if ok {
		return opts
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if opts, ok := l.byPair[pair]; ok {
		return opts
	}
	if len(l.byPair) >= MaxQueueTimeSeries {
		return overflowLabels
	}
	if l.byPair == nil {
		l.byPair = map[[2]string][]metric.RecordOption{}
	}
	opts = []metric.RecordOption{metric.WithAttributeSet(attribute.NewSet(
		attribute.String(PayloadTypeKey, payloadType), attribute.String("span_name", spanName)))}
	l.byPair[pair] = opts
	return opts
}

// recordQueueTime adds one wait, in milliseconds, to the histogram.
func recordQueueTime(ctx context.Context, h metric.Float64Histogram, ms float64, opts []metric.RecordOption) {
	h.Record(ctx, ms/1000, opts...)
}
