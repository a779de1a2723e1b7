package storage

import "github.com/spanlog/spanlog/redact"

// Option configures a Processor.
type Option func(*Processor)

// WithInheritFilter limits inheritance to the parent fields whose key keep
// accepts. Per-span keys (see IsPerSpanKey) are never inherited, whatever
// keep says. By default every other field is inherited.
func WithInheritFilter(keep func(key string) bool) Option {
	return func(p *Processor) { p.inherit = keep }
}

// WithBaggageFilter limits the members of the process's own baggage (set
// with baggage.ContextWithBaggage, or carried in process by traced) that
// become fields to those whose key keep accepts. By default every member
// does. Passing a func that returns false turns it off.
func WithBaggageFilter(keep func(key string) bool) Option {
	return func(p *Processor) { p.baggage = keep }
}

// WithRemoteBaggage lets the members of remote baggage — baggage a request
// brought, marked by BaggagePropagator or ContextWithRemoteBaggage — whose
// key keep accepts become fields. By default none does: a field prints on
// every line of the request and can select its log level, so the service
// names the keys it trusts its callers with, for example
// OnlyKeys("tenant"). Pass func(string) bool { return true } to trust
// every key.
//
// Whatever the filters say, baggage never supplies a per-span key
// (keys.IsPerSpan), a reserved line key (keys.IsReserved) or a redacted
// key, and at most MaxBaggageFields members and MaxBaggageBytes bytes of it
// become fields of a span.
func WithRemoteBaggage(keep func(key string) bool) Option {
	return func(p *Processor) { p.remoteBaggage = keep }
}

// WithRedact keeps secret keys from spreading: a parent field or baggage
// member whose key matches is never copied into a child span.
func WithRedact(keys *redact.Keys) Option {
	return func(p *Processor) { p.redact = keys }
}

// OnlyKeys returns a filter accepting exactly the given keys, for
// WithInheritFilter and WithBaggageFilter.
func OnlyKeys(keys ...string) func(key string) bool {
	set := make(map[string]struct{}, len(keys))
	for _, k := range keys {
		set[k] = struct{}{}
	}
	return func(key string) bool {
		_, ok := set[key]
		return ok
	}
}
