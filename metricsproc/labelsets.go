package metricsproc

import (
	"encoding/binary"
	"hash/maphash"
	"math"
	"slices"
	"sync"
	"sync/atomic"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// labelSetCacheSize bounds the label sets whose measurement option is kept,
// twice the SDK's default cardinality limit. Past it, sets are built per
// span, as without the cache.
const labelSetCacheSize = 4096

// labelSets caches, per distinct list of labels, the measurement options
// carrying their attribute.Set, so a steady stream of spans with the same
// labels builds no set and allocates nothing. Reads are lock-free.
type labelSets struct {
	seed    maphash.Seed
	entries sync.Map // label hash → *labelSet
	size    atomic.Int64
}

// labelSet holds a label list and its options, ready to pass to Add and
// Record without building an option slice per call.
type labelSet struct {
	labels     []attribute.KeyValue
	addOpts    []metric.AddOption
	recordOpts []metric.RecordOption
}

func newLabelSets() *labelSets { return &labelSets{seed: maphash.MakeSeed()} }

// lookup returns the label set for labels, trying first the one in recent
// and leaving the result there. A metric whose spans keep the same labels
// finds its set with one comparison of the labels, without hashing them.
// labels is not kept.
func (c *labelSets) lookup(recent *atomic.Pointer[labelSet], labels []attribute.KeyValue) *labelSet {
	if e := recent.Load(); e != nil && slices.Equal(e.labels, labels) {
		return e
	}
	e := c.get(labels)
	recent.Store(e)
	return e
}

// get returns the label set for labels. labels is not kept.
func (c *labelSets) get(labels []attribute.KeyValue) *labelSet {
	h := c.hash(labels)
	if v, ok := c.entries.Load(h); ok {
		if e := v.(*labelSet); slices.Equal(e.labels, labels) {
			return e
		}
		return build(labels) // a hash collision: leave the first entry be
	}
	e := build(labels)
	if c.size.Load() < labelSetCacheSize {
		if _, loaded := c.entries.LoadOrStore(h, e); !loaded {
			c.size.Add(1)
		}
	}
	return e
}

func build(labels []attribute.KeyValue) *labelSet {
	// NewSet sorts the slice it is given: keep the caller's order apart.
	opt := metric.WithAttributeSet(attribute.NewSet(slices.Clone(labels)...))
	return &labelSet{
		labels:     slices.Clone(labels),
		addOpts:    []metric.AddOption{opt},
		recordOpts: []metric.RecordOption{opt},
	}
}

func (c *labelSets) hash(labels []attribute.KeyValue) uint64 {
	var h maphash.Hash
	h.SetSeed(c.seed)
	var num [8]byte
	for _, kv := range labels {
		h.WriteString(string(kv.Key))
		h.WriteByte(byte(kv.Value.Type()))
		switch kv.Value.Type() {
		case attribute.STRING:
			h.WriteString(kv.Value.AsString())
		case attribute.INT64:
			binary.LittleEndian.PutUint64(num[:], uint64(kv.Value.AsInt64()))
			h.Write(num[:])
		case attribute.FLOAT64:
			binary.LittleEndian.PutUint64(num[:], math.Float64bits(kv.Value.AsFloat64()))
			h.Write(num[:])
		case attribute.BOOL:
			if kv.Value.AsBool() {
				h.WriteByte(1)
			}
		default:
			h.WriteString(kv.Value.String())
		}
	}
	return h.Sum64()
}
