package levels_test

import (
	"bytes"
	"context"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/spanlog/spanlog/levels"
)

// fakeClock is a Clock whose time moves only by Advance, which runs the
// timers that come due, in order, in the caller's goroutine.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*fakeTimer
	// leaky makes stop report false and leave the timer running, as when
	// a real timer has already fired and its function is about to run.
	leaky bool
}

type fakeTimer struct {
	at   time.Time
	f    func()
	done bool
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 11, 21, 20, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) AfterFunc(d time.Duration, f func()) func() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &fakeTimer{at: c.now.Add(d), f: f}
	c.timers = append(c.timers, t)
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		if t.done || c.leaky {
			return false
		}
		t.done = true
		return true
	}
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	var due []*fakeTimer
	for _, t := range c.timers {
		if !t.done && !t.at.After(c.now) {
			t.done = true
			due = append(due, t)
		}
	}
	c.mu.Unlock()
	slices.SortFunc(due, func(a, b *fakeTimer) int { return a.at.Compare(b.at) })
	for _, t := range due {
		t.f()
	}
}

// changes records the Changes a Switch reports.
type changes struct {
	mu   sync.Mutex
	list []levels.Change
}

func (c *changes) add(ch levels.Change) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.list = append(c.list, ch)
}

func (c *changes) all() []levels.Change {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.list)
}

func inForce(t *testing.T, sw *levels.Switch, want string) {
	t.Helper()
	if got := sw.Filter().String(); got != want {
		t.Errorf("directives in force %q, want %q", got, want)
	}
}

func TestSetWithTTLRevertsByItself(t *testing.T) {
	clock := newFakeClock()
	var seen changes
	sw := newSwitch(t, "info", levels.WithClock(clock), levels.WithOnChange(seen.add))
	ch, err := sw.Set("info,github.com/acme/app=debug", 10*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	want := levels.Change{From: "info", To: "info,github.com/acme/app=debug", TTL: 10 * time.Minute}
	if ch != want {
		t.Errorf("Set returned %+v, want %+v", ch, want)
	}
	to, at, ok := sw.PendingRevert()
	if !ok || to.String() != "info" || !at.Equal(clock.Now().Add(10*time.Minute)) {
		t.Errorf("PendingRevert = %v, %v, %v; want info at now+10m", to, at, ok)
	}
	clock.Advance(10*time.Minute - time.Nanosecond)
	inForce(t, sw, "info,github.com/acme/app=debug")
	clock.Advance(time.Nanosecond)
	inForce(t, sw, "info")
	if _, _, ok := sw.PendingRevert(); ok {
		t.Error("a revert is still pending after it ran")
	}
	wantSeen := []levels.Change{want, {From: "info,github.com/acme/app=debug", To: "info", Revert: true}}
	if got := seen.all(); !slices.Equal(got, wantSeen) {
		t.Errorf("changes reported %+v, want %+v", got, wantSeen)
	}
}

func TestTemporaryOverTemporaryRevertsToThePermanent(t *testing.T) {
	clock := newFakeClock()
	sw := newSwitch(t, "warn", levels.WithClock(clock))
	if _, err := sw.Set("info", 10*time.Minute); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Minute)
	if _, err := sw.Set("debug", 20*time.Minute); err != nil {
		t.Fatal(err)
	}
	clock.Advance(9 * time.Minute) // the first change's ttl: cancelled
	inForce(t, sw, "debug")
	clock.Advance(11 * time.Minute)
	inForce(t, sw, "warn")
}

func TestPermanentSetCancelsTheRevert(t *testing.T) {
	clock := newFakeClock()
	var seen changes
	sw := newSwitch(t, "warn", levels.WithClock(clock), levels.WithOnChange(seen.add))
	if _, err := sw.Set("debug", time.Minute); err != nil {
		t.Fatal(err)
	}
	if _, err := sw.Set("error", 0); err != nil {
		t.Fatal(err)
	}
	if _, _, ok := sw.PendingRevert(); ok {
		t.Error("a revert is pending after a permanent Set")
	}
	clock.Advance(time.Hour)
	inForce(t, sw, "error")
	if n := len(seen.all()); n != 2 {
		t.Errorf("%d changes reported, want 2 (no revert)", n)
	}
	// Later temporary changes revert to the new permanent directives.
	if _, err := sw.Set("debug", time.Minute); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Minute)
	inForce(t, sw, "error")
}

// TestStaleRevertDoesNothing covers a timer that fires although it was
// stopped, as a real one may when Stop races with it.
func TestStaleRevertDoesNothing(t *testing.T) {
	clock := newFakeClock()
	clock.leaky = true
	sw := newSwitch(t, "warn", levels.WithClock(clock))
	if _, err := sw.Set("debug", time.Minute); err != nil {
		t.Fatal(err)
	}
	if _, err := sw.Set("error", 0); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Minute)
	inForce(t, sw, "error")
}

func TestCloseCancelsTheRevert(t *testing.T) {
	clock := newFakeClock()
	sw := newSwitch(t, "warn", levels.WithClock(clock))
	if _, err := sw.Set("debug", time.Minute); err != nil {
		t.Fatal(err)
	}
	sw.Close()
	clock.Advance(time.Hour)
	inForce(t, sw, "debug")
}

func TestSetRejectsBadInputAndChangesNothing(t *testing.T) {
	var seen changes
	sw := newSwitch(t, "warn", levels.WithOnChange(seen.add))
	if _, err := sw.Set("info,app=loud", 0); err == nil {
		t.Error("Set accepted an unknown level")
	}
	if _, err := sw.Set("debug", -time.Second); err == nil {
		t.Error("Set accepted a negative ttl")
	}
	inForce(t, sw, "warn")
	if n := len(seen.all()); n != 0 {
		t.Errorf("%d changes reported for rejected input", n)
	}
}

func TestChangeLogsAsOneLine(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}}))
	sw := newSwitch(t, "info", levels.WithClock(newFakeClock()), levels.WithOnChange(func(c levels.Change) {
		log.Warn("log levels changed", "levels", c)
	}))
	if _, err := sw.Set("info,[checkout]=debug", 10*time.Minute); err != nil {
		t.Fatal(err)
	}
	want := `level=WARN msg="log levels changed" levels.from=info levels.to="info,[checkout]=debug" levels.ttl=10m0s` + "\n"
	if got := buf.String(); got != want {
		t.Errorf("logged %q, want %q", got, want)
	}
}

func TestNoDirectives(t *testing.T) {
	sw := levels.NewSwitch(nil, levels.WithDefaultLevel(slog.LevelWarn))
	defer sw.Close()
	ctx := context.Background()
	if sw.Enabled(ctx, slog.LevelInfo) || !sw.Enabled(ctx, slog.LevelWarn) {
		t.Error("without directives, Enabled does not follow the default level")
	}
	f, _ := levels.Parse("debug")
	sw.SetFilter(f, 0)
	if c := sw.SetFilter(nil, 0); c.From != "debug" || c.To != "" {
		t.Errorf("SetFilter(nil) = %+v", c)
	}
	if got := sw.EventLevel(here(), nil); got != slog.LevelWarn {
		t.Errorf("after SetFilter(nil), EventLevel = %v, want the default %v", got, slog.LevelWarn)
	}
}
