package spanlog

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"time"

	"github.com/spanlog/spanlog/levels"
	"github.com/spanlog/spanlog/logfmt"
)

// WithLevels sets level directives: by package, span and span field, in
// the syntax package levels documents, for example
//
//	info,github.com/acme/app/db=debug,[checkout{user.id=42}]=debug
//
// A malformed text makes New fail with the directive and position at
// fault. SPANLOG_LEVEL, when set, wins over this option; both win over
// WithLevel, which is the level where no directive applies.
func WithLevels(directives string) Option {
	return func(c *config) { c.levels = &directives }
}

// levelDirectives parses SPANLOG_LEVEL, or else WithLevels' text; nil
// when neither names any.
func (c *config) levelDirectives() (*levels.Filter, error) {
	f, err := levels.FromEnv()
	if f != nil || err != nil || c.levels == nil {
		return f, err
	}
	if f, err = levels.Parse(*c.levels); err != nil {
		return nil, fmt.Errorf("spanlog: WithLevels: %w", err)
	}
	return f, nil
}

// newLevelSwitch returns the Switch that decides every line's level: the
// directives f, or none, over the handler's level. It logs each change of
// directives as one INFO line on out, whatever the directives say.
func newLevelSwitch(f *levels.Filter, level slog.Leveler, out *logfmt.SyncWriter) *levels.Switch {
	changes := slog.New(logfmt.NewHandler(out, &logfmt.HandlerOptions{Level: slog.Level(math.MinInt)}))
	return levels.NewSwitch(f, levels.WithDefaultLevel(level), levels.WithOnChange(func(c levels.Change) {
		changes.LogAttrs(context.Background(), slog.LevelInfo, "level directives changed", slog.Any("change", c))
	}))
}

// Levels returns the Switch holding the level directives in force, for
// reading them or changing them (see levels.Switch.Set).
func (p *Pipeline) Levels() *levels.Switch { return p.levels }

// SetLevels replaces the level directives; with ttl > 0 the directives set
// before come back by themselves after ttl. The change is logged as one
// line. It returns an error, and changes nothing, when directives is
// malformed. Safe for concurrent use.
func (p *Pipeline) SetLevels(directives string, ttl time.Duration) error {
	_, err := p.levels.Set(directives, ttl)
	return err
}

// LevelHandler serves the level directives: GET shows those in force and
// any pending revert, PUT replaces them with the request body, for the
// time the optional ttl query parameter gives (PUT /levels?ttl=10m). It is
// an admin endpoint: mount it on a listener only operators reach, never
// on a public mux, as it changes what the service logs.
func (p *Pipeline) LevelHandler() http.Handler { return p.levels.HTTPHandler() }
