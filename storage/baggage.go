package storage

import (
	"context"
	"slices"
	"strings"

	"github.com/spanlog/spanlog/keys"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/baggage"
	"go.opentelemetry.io/otel/propagation"
)

// Bounds on the fields a span takes from baggage: the W3C minimum a
// baggage implementation must carry, 64 members and 8192 bytes of keys
// and values. Past them, members are left out in key order.
const (
	MaxBaggageFields = 64
	MaxBaggageBytes  = 8192
)

// Baggage that came from outside the process, through a propagator's
// Extract, is untrusted: a request may name any key and any value. Storage
// tells it apart from baggage that code in the process set, and copies
// from it only the keys WithRemoteBaggage allows (none by default).

type remoteBaggageKey struct{}

// ContextWithRemoteBaggage returns ctx marking the members of bag as having
// come from outside the process. BaggagePropagator calls it on Extract; a
// transport that carries baggage by other means can call it too.
func ContextWithRemoteBaggage(ctx context.Context, bag baggage.Baggage) context.Context {
	return context.WithValue(ctx, remoteBaggageKey{}, bag)
}

// RemoteBaggage returns the baggage ctx marks as remote, if any.
func RemoteBaggage(ctx context.Context) baggage.Baggage {
	bag, _ := ctx.Value(remoteBaggageKey{}).(baggage.Baggage)
	return bag
}

// BaggagePropagator is the W3C baggage propagator (propagation.Baggage)
// that also marks what it extracts as remote, with
// ContextWithRemoteBaggage. Use it in place of propagation.Baggage;
// spanlog.Pipeline's propagator does.
type BaggagePropagator struct{ propagation.Baggage }

var _ propagation.TextMapPropagator = BaggagePropagator{}

// Extract returns ctx with the carrier's baggage, marked as remote.
func (p BaggagePropagator) Extract(ctx context.Context, carrier propagation.TextMapCarrier) context.Context {
	if !hasBaggageHeader(carrier) {
		return ctx
	}
	ctx = p.Baggage.Extract(ctx, carrier)
	return ContextWithRemoteBaggage(ctx, baggage.FromContext(ctx))
}

func hasBaggageHeader(carrier propagation.TextMapCarrier) bool {
	if many, ok := carrier.(propagation.ValuesGetter); ok {
		return slices.ContainsFunc(many.Values("baggage"), func(v string) bool { return v != "" })
	}
	return carrier.Get("baggage") != ""
}

// baggageFields appends to fields the baggage members of ctx that may
// become fields, in key order, one value per key: never a per-span key
// (keys.IsPerSpan) nor a reserved line key, never a redacted key, a remote
// member only when the remote filter allows its key, a local one when the
// baggage filter does; at most MaxBaggageFields members and MaxBaggageBytes
// bytes.
func (p *Processor) baggageFields(fields []attribute.KeyValue, ctx context.Context) []attribute.KeyValue {
	bag := baggage.FromContext(ctx)
	if bag.Len() == 0 {
		return fields
	}
	remote := RemoteBaggage(ctx)
	members := bag.Members()
	// Baggage keeps no order; sorting keeps every line's order fixed.
	slices.SortFunc(members, func(a, b baggage.Member) int { return strings.Compare(a.Key(), b.Key()) })
	taken, size := 0, 0
	for _, m := range members {
		k, v := m.Key(), m.Value()
		if keys.IsPerSpan(k) || keys.IsReserved(k) || p.redact.Match(k) {
			continue
		}
		if isRemote(remote, m) {
			if p.remoteBaggage == nil || !p.remoteBaggage(k) {
				continue
			}
		} else if p.baggage != nil && !p.baggage(k) {
			continue
		}
		if taken == MaxBaggageFields || size+len(k)+len(v) > MaxBaggageBytes {
			break
		}
		taken, size = taken+1, size+len(k)+len(v)
		fields = setField(fields, attribute.String(k, v))
	}
	return fields
}

// isRemote reports whether m is a member of the remote baggage, same key
// and same value: a member that code in the process set or changed after
// extraction is its own.
func isRemote(remote baggage.Baggage, m baggage.Member) bool {
	if remote.Len() == 0 {
		return false
	}
	r := remote.Member(m.Key())
	return r.Key() != "" && r.Value() == m.Value()
}
