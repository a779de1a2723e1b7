package levels_test

import (
	"bytes"
	"context"
	"log/slog"
	"math"
	"regexp"
	"testing"

	"github.com/spanlog/spanlog/levels"
	"github.com/spanlog/spanlog/levels/internal/callsite"
	"github.com/spanlog/spanlog/logfmt"
)

// TestTargetIsWhatLogfmtPrints logs through spanlog's logfmt handler with
// source on and checks that a directive naming the printed target= covers
// the record's call site.
func TestTargetIsWhatLogfmtPrints(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(logfmt.NewHandler(&buf, &logfmt.HandlerOptions{AddSource: true, Level: slog.Level(math.MinInt)}))
	callsite.Log(context.Background(), log, slog.LevelInfo, "hello")
	m := regexp.MustCompile(` target=(\S+)`).FindStringSubmatch(buf.String())
	if m == nil {
		t.Fatalf("no target= in %q", buf.String())
	}
	sw := newSwitch(t, "error,"+m[1]+"=debug")
	if got := sw.EventLevel(callsite.PC(), nil); got != slog.LevelDebug {
		t.Errorf("directive %s=debug gives the call site %v", m[1], got)
	}
	sw = newSwitch(t, "error,"+m[1]+"=debug", levels.WithMaxSpans(1))
	log = slog.New(levels.NewHandler(logfmt.NewHandler(&buf, &logfmt.HandlerOptions{Level: slog.Level(math.MinInt)}), sw))
	buf.Reset()
	callsite.Log(context.Background(), log, slog.LevelDebug, "kept")
	log.Debug("dropped")
	if got := buf.String(); !regexp.MustCompile(`^level=DEBUG msg=kept timestamp=\S+\n$`).MatchString(got) {
		t.Errorf("wrote %q, want the callsite's debug line only", got)
	}
}
