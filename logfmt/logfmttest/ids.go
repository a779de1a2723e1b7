package logfmttest

import (
	"context"
	"encoding/binary"
	"sync/atomic"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

var _ sdktrace.IDGenerator = (*IDGenerator)(nil)

// IDGenerator is an [sdktrace.IDGenerator] that hands out sequential ids
// instead of random ones, so that golden files can contain them.
//
// Trace ids count 1, 2, 3, … as 16-byte big-endian numbers (the first is
// 00000000000000000000000000000001); span ids count 1, 2, 3, … as 8-byte
// big-endian numbers (the first is 0000000000000001). Span ids form a single
// sequence shared by all traces. No id is ever zero.
//
// An IDGenerator is safe for concurrent use: ids stay unique however many
// goroutines start spans. Which span gets which id is deterministic only
// when spans start in a deterministic order, so tests that start spans from
// several goroutines at once should not put the ids in golden files.
//
// The zero value is ready to use; use a new generator for each test.
type IDGenerator struct {
	traces atomic.Uint64
	spans  atomic.Uint64
}

// NewIDGenerator returns a generator whose first trace id and first span id
// are both 1. Pass it to the tracer provider, for example with
// sdktrace.WithIDGenerator.
func NewIDGenerator() *IDGenerator {
	return &IDGenerator{}
}

// NewIDs returns the next trace id and the next span id. The SDK calls it
// for a span that starts a new trace.
func (g *IDGenerator) NewIDs(context.Context) (trace.TraceID, trace.SpanID) {
	var tid trace.TraceID
	binary.BigEndian.PutUint64(tid[8:], g.traces.Add(1))
	return tid, g.nextSpanID()
}

// NewSpanID returns the next span id. The SDK calls it for a span that joins
// an existing trace; the trace id does not affect the result.
func (g *IDGenerator) NewSpanID(context.Context, trace.TraceID) trace.SpanID {
	return g.nextSpanID()
}

func (g *IDGenerator) nextSpanID() trace.SpanID {
	var sid trace.SpanID
	binary.BigEndian.PutUint64(sid[:], g.spans.Add(1))
	return sid
}
