package metricsproc

import (
	"fmt"
	"sync"
	"sync/atomic"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/metric"
)

// instruments are the counter and histogram of one metric name, with the
// label set they were last recorded with.
type instruments struct {
	name     string
	total    metric.Int64Counter
	duration metric.Float64Histogram
	recent   atomic.Pointer[labelSet]
}

// instrumentCache creates the instruments of a metric name once and hands
// them out lock-free afterwards, checking first the name asked for last. It never holds a lock while calling the SDK.
type instrumentCache struct {
	meter    metric.Meter
	buckets  []float64
	maxNames int

	byName   sync.Map                    // metric name → *instruments
	last     atomic.Pointer[instruments] // those asked for last
	names    atomic.Int64
	overfull atomic.Bool // a name was refused for being over maxNames
}

// get returns the instruments for name, creating them on first use, or nil
// when name is over the cap on distinct names.
func (c *instrumentCache) get(name string) *instruments {
	if last := c.last.Load(); last != nil && last.name == name {
		return last
	}
	inst := c.load(name)
	if inst != nil {
		c.last.Store(inst)
	}
	return inst
}

// load is get without the check of the name last asked for.
func (c *instrumentCache) load(name string) *instruments {
	if v, ok := c.byName.Load(name); ok {
		return v.(*instruments)
	}
	if c.names.Load() >= int64(c.maxNames) {
		if !c.overfull.Swap(true) {
			otel.Handle(fmt.Errorf("metricsproc: metric %q not recorded: more than %d metric names", name, c.maxNames))
		}
		return nil
	}
	inst, err := c.create(name)
	if err != nil {
		// The SDK still returns working instruments with the error (an
		// invalid name, say); report it once, as this name is now cached.
		otel.Handle(fmt.Errorf("metricsproc: metric %q: %w", name, err))
	}
	v, loaded := c.byName.LoadOrStore(name, inst)
	if !loaded {
		c.names.Add(1)
	}
	return v.(*instruments)
}

func (c *instrumentCache) create(name string) (*instruments, error) {
	total, err1 := c.meter.Int64Counter(name,
		metric.WithDescription("Spans ended with metric_name="+name+"."))
	duration, err2 := c.meter.Float64Histogram(name+"_duration",
		metric.WithUnit("s"),
		metric.WithDescription("Duration of spans with metric_name="+name+"."),
		metric.WithExplicitBucketBoundaries(c.buckets...))
	if err1 == nil {
		err1 = err2
	}
	return &instruments{name: name, total: total, duration: duration}, err1
}
