package levels

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// Switch holds the directives in force and answers, for each line, the
// level it must reach to be written. Set replaces the directives at
// runtime, for good or for a while. Its methods are safe for concurrent
// use; the queries (Floor, Enabled, EventLevel, SpanLevel) take no lock
// and do not allocate once a call site has been seen.
type Switch struct {
	cur      atomic.Pointer[inForce]
	base     slog.Level   // the default level when base is constant
	baseVar  slog.Leveler // the default level's source when it is not
	pcs      pcCache
	clock    Clock
	onChange func(Change)
	maxSpans int

	mu        sync.Mutex // serializes changes
	permanent *Filter    // what a temporary change reverts to
	pending   *pendingRevert
	gen       uint64 // counts changes, so a stale revert does nothing
}

// inForce is a Filter as a Switch applies it, with the scopes of the spans
// started under it when it has span directives.
type inForce struct {
	filter *Filter
	spans  *spanTable // nil without span directives
	simple bool       // no directive but the default: every query is the default
}

type pendingRevert struct {
	to   *Filter
	at   time.Time
	stop func() bool
}

// Option configures a Switch.
type Option func(*Switch)

// WithDefaultLevel sets the level where no directive applies and the
// directives name no default; slog.LevelInfo when not given. A
// *slog.LevelVar is read at each query.
func WithDefaultLevel(l slog.Leveler) Option {
	return func(s *Switch) {
		if l == nil {
			return
		}
		if lv, ok := l.(slog.Level); ok {
			s.base, s.baseVar = lv, nil
		} else {
			s.baseVar = l
		}
	}
}

// WithClock sets the clock that times reverts; the system clock when not
// given. Tests pass a fake one.
func WithClock(c Clock) Option {
	return func(s *Switch) {
		if c != nil {
			s.clock = c
		}
	}
}

// WithOnChange calls fn after every change of directives, by Set or by a
// revert, outside the Switch's lock; a program logs it as one line. Calls
// for changes that race may arrive out of order.
func WithOnChange(fn func(Change)) Option { return func(s *Switch) { s.onChange = fn } }

// WithMaxSpans bounds how many live spans the Switch remembers a span
// scope for (DefaultMaxSpans when not given or not positive). While span
// directives are in force the table takes 8 bytes for each span it can
// hold, and under 200 more for each span it holds.
func WithMaxSpans(n int) Option {
	return func(s *Switch) {
		if n > 0 {
			s.maxSpans = n
		}
	}
}

// NewSwitch returns a Switch with f in force; a nil f means no directives,
// so that the default level applies everywhere.
func NewSwitch(f *Filter, opts ...Option) *Switch {
	s := &Switch{base: slog.LevelInfo, clock: systemClock{}, maxSpans: DefaultMaxSpans, pcs: newPCCache()}
	for _, opt := range opts {
		opt(s)
	}
	if f == nil {
		f = noDirectives()
	}
	s.permanent = f
	s.install(f)
	return s
}

func (s *Switch) install(f *Filter) {
	in := &inForce{filter: f, simple: len(f.targets) == 0 && len(f.scoped) == 0}
	if len(f.scoped) > 0 {
		in.spans = newSpanTable(f, s.maxSpans)
	}
	s.cur.Store(in)
}

// Filter returns the directives in force.
func (s *Switch) Filter() *Filter { return s.cur.Load().filter }

// PendingRevert returns the directives a temporary change reverts to and
// when, and false when no revert is pending.
func (s *Switch) PendingRevert() (*Filter, time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pending == nil {
		return nil, time.Time{}, false
	}
	return s.pending.to, s.pending.at, true
}

// DefaultLevel returns the level where no directive applies: the
// directives' default, or the Switch's.
func (s *Switch) DefaultLevel() slog.Level { return s.defaultLevel(s.cur.Load().filter) }

func (s *Switch) defaultLevel(f *Filter) slog.Level {
	switch {
	case f.hasDef:
		return f.def
	case s.baseVar != nil:
		return s.baseVar.Level()
	default:
		return s.base
	}
}

// Floor returns the lowest level any directive in force could enable: a
// record below it is never written, whatever its package or span.
func (s *Switch) Floor() slog.Level {
	f := s.cur.Load().filter
	return min(f.floor, s.defaultLevel(f))
}

// Enabled reports whether a record at level, logged with ctx, could be
// written, before its call site is known (as slog.Handler.Enabled is
// asked): false when level is below the floor, or when only span
// directives could enable it and none of them reaches the span in ctx.
// When it returns true, EventLevel decides. It costs one comparison when
// the floor rules the level out, and a lookup of the ctx span when only
// span directives are in question.
func (s *Switch) Enabled(ctx context.Context, level slog.Level) bool {
	in := s.cur.Load()
	f := in.filter
	def := s.defaultLevel(f)
	if level < min(f.floor, def) {
		return false
	}
	if level >= min(f.staticFloor, def) || in.spans == nil {
		return true
	}
	if ctx == nil {
		return false
	}
	scope, ok := in.spans.scopeOf(trace.SpanContextFromContext(ctx))
	return ok && level >= scope.min
}

// EventLevel returns the level a record must reach to be written, given
// the PC of its call site (slog.Record.PC; 0 when unknown) and the span of
// its context (nil, or any trace.Span). A PC of 0 has no package, so only
// the default and the span directives without a package apply.
func (s *Switch) EventLevel(pc uintptr, span trace.Span) slog.Level {
	in := s.cur.Load()
	f := in.filter
	if in.simple {
		return s.defaultLevel(f)
	}
	var r *resolved
	if pc != 0 && f.byPath {
		r = s.pcs.lookup(pc, f)
	}
	if in.spans != nil && span != nil {
		mask := f.unscoped
		if r != nil {
			mask = r.scopes
		}
		if scope, ok := in.spans.scopeOf(span.SpanContext()); ok {
			if level, ok := scope.level(mask); ok {
				return level
			}
		}
	}
	if r != nil && r.found {
		return r.level
	}
	return s.defaultLevel(f)
}

// SpanLevel returns the level a line of span s (new_span, close_span or
// one of its events) must reach to be written. The target is the name of
// the span's instrumentation scope (its tracer). The span's scope is known
// from the Processor's OnStart until its OnEnd has returned.
func (s *Switch) SpanLevel(span sdktrace.ReadOnlySpan) slog.Level {
	in := s.cur.Load()
	f := in.filter
	if in.simple {
		return s.defaultLevel(f)
	}
	path := span.InstrumentationScope().Name
	if in.spans != nil {
		if scope, ok := in.spans.scopeOf(span.SpanContext()); ok {
			if level, ok := scope.level(f.scopeMask(path)); ok {
				return level
			}
		}
	}
	if level, ok := f.static(path); ok {
		return level
	}
	return s.defaultLevel(f)
}

// Change describes one change of the directives in force.
type Change struct {
	From, To string        // Filter.String before and after
	TTL      time.Duration // > 0: To is temporary and reverts after TTL
	Revert   bool          // the change is the end of a temporary one
}

// LogValue describes the change as attributes: from, to ("(none)" for no
// directives), and ttl or revert=true.
func (c Change) LogValue() slog.Value {
	attrs := []slog.Attr{slog.String("from", shown(c.From)), slog.String("to", shown(c.To))}
	if c.TTL > 0 {
		attrs = append(attrs, slog.Duration("ttl", c.TTL))
	}
	if c.Revert {
		attrs = append(attrs, slog.Bool("revert", true))
	}
	return slog.GroupValue(attrs...)
}

// shown is directives' text as people read it: "(none)" for no directives,
// where the default level applies everywhere.
func shown(text string) string {
	if text == "" {
		return "(none)"
	}
	return text
}

// errNegativeTTL is returned by Set for a ttl below zero.
var errNegativeTTL = errors.New("levels: ttl must not be negative")

// Set parses text and puts it in force. With ttl > 0 the change is
// temporary: after ttl the last directives set for good come back by
// themselves (a later Set cancels that). On a parse error nothing changes.
func (s *Switch) Set(text string, ttl time.Duration) (Change, error) {
	if ttl < 0 {
		return Change{}, errNegativeTTL
	}
	f, err := Parse(text)
	if err != nil {
		return Change{}, err
	}
	return s.SetFilter(f, ttl), nil
}

// SetFilter is Set with directives already parsed; a nil f means no
// directives. A ttl <= 0 makes the change permanent.
func (s *Switch) SetFilter(f *Filter, ttl time.Duration) Change {
	if f == nil {
		f = noDirectives()
	}
	s.mu.Lock()
	from := s.cur.Load().filter
	s.install(f)
	s.cancelRevert()
	if ttl > 0 {
		gen := s.gen
		stop := s.clock.AfterFunc(ttl, func() { s.revert(gen) })
		s.pending = &pendingRevert{to: s.permanent, at: s.clock.Now().Add(ttl), stop: stop}
	} else {
		ttl = 0
		s.permanent = f
	}
	s.mu.Unlock()
	c := Change{From: from.String(), To: f.String(), TTL: ttl}
	s.changed(c)
	return c
}

// revert ends the temporary change numbered gen, unless another change
// came after it.
func (s *Switch) revert(gen uint64) {
	s.mu.Lock()
	if s.gen != gen || s.pending == nil {
		s.mu.Unlock()
		return
	}
	from := s.cur.Load().filter
	to := s.pending.to
	s.pending = nil
	s.gen++
	s.install(to)
	s.mu.Unlock()
	s.changed(Change{From: from.String(), To: to.String(), Revert: true})
}

// cancelRevert drops any pending revert; s.mu is held.
func (s *Switch) cancelRevert() {
	s.gen++
	if s.pending != nil {
		s.pending.stop()
		s.pending = nil
	}
}

// Close cancels a pending revert, leaving the directives in force as they
// are. Call it when the program shuts down; the Switch still works after.
func (s *Switch) Close() {
	s.mu.Lock()
	s.cancelRevert()
	s.mu.Unlock()
}

func (s *Switch) changed(c Change) {
	if s.onChange != nil {
		s.onChange(c)
	}
}
