package logfmt

import (
	"context"
	"reflect"
	"sync/atomic"
	"unsafe"

	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// fieldCache remembers how the stored fields of recently logged spans
// print, so a span's second and later log lines copy its fields' text
// instead of encoding them again: with 8 or more fields, that is most of a
// line's work.
//
// It is keyed by the attribute slice an SDK span hands out. The SDK never
// changes a slice it has handed out (it copies the attributes before the
// next change), so one slice always prints the same way for one Handler's
// options; an entry holds the slice, so its address cannot be reused by
// another while cached. A slice is cached the second time it is printed:
// a span logged once costs no allocation. The cache holds fieldCacheSlots
// entries of at most maxCachedFields bytes; a newer span takes the slot of
// an older one. It is safe for concurrent use and takes no lock.
type fieldCache struct {
	seen    [fieldCacheSlots]atomic.Uintptr // slices printed once
	entries [fieldCacheSlots]atomic.Pointer[fieldText]
}

const (
	fieldCacheSlots = 256
	maxCachedFields = 4 << 10
)

// fieldText is the printed form of one attribute slice.
type fieldText struct {
	attrs []attribute.KeyValue
	pairedText
	maybeDup bool
}

// sdkSpanType is the type of the SDK's recording spans, the only spans
// whose attribute slices are known never to change.
var sdkSpanType = func() reflect.Type {
	tp := sdktrace.NewTracerProvider()
	_, span := tp.Tracer("probe").Start(context.Background(), "probe")
	span.End()
	return reflect.TypeOf(span)
}()

// appendSpanFields appends the stored fields of span as appendFields does,
// from the cache when it can.
// A nil c prints without the cache.
func (c *fieldCache) appendSpanFields(l *line, span trace.Span, lim limits) {
	fields := spanFields(span)
	if len(fields) == 0 {
		return
	}
	if c == nil || reflect.TypeOf(span) != sdkSpanType {
		l.appendFields(fields, nil, lim, false)
		return
	}
	data := unsafe.SliceData(fields)
	key := uintptr(unsafe.Pointer(data))
	slot := (key>>4 ^ key>>12) % fieldCacheSlots
	if e := c.entries[slot].Load(); e != nil && unsafe.SliceData(e.attrs) == data && len(e.attrs) == len(fields) &&
		len(l.b)+len(e.text) <= maxPairOffset {
		l.appendText(e.pairedText)
		l.maybeDupFields = l.maybeDupFields || e.maybeDup
		return
	}
	start, firstPair, dup := len(l.b), len(l.pairs), l.maybeDupFields
	l.maybeDupFields = false
	l.appendFields(fields, nil, lim, false)
	e := &fieldText{maybeDup: l.maybeDupFields}
	l.maybeDupFields = l.maybeDupFields || dup
	if c.seen[slot].Swap(key) != key || len(l.b)-start > maxCachedFields || len(l.pairs)-firstPair != len(fields) {
		return // printed once so far, too long, or pairs not all recorded
	}
	e.attrs = fields
	e.pairedText = l.textFrom(start, firstPair)
	c.entries[slot].Store(e)
}
