package levels_test

import (
	"bytes"
	"context"
	"log/slog"
	"math"
	"strings"
	"testing"

	"github.com/spanlog/spanlog/levels"
	"github.com/spanlog/spanlog/levels/internal/callsite"
)

// newLogger returns a logger through a levels.Handler over a TextHandler
// that takes every level, and the buffer it writes to.
func newLogger(sw *levels.Switch) (*slog.Logger, *bytes.Buffer) {
	var buf bytes.Buffer
	text := slog.NewTextHandler(&buf, &slog.HandlerOptions{
		Level: slog.Level(math.MinInt),
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	})
	return slog.New(levels.NewHandler(text, sw)), &buf
}

func TestHandlerFiltersByPackageAndSpan(t *testing.T) {
	sw := newSwitch(t, "info,"+sitePkg+"=debug,[health]=off")
	log, buf := newLogger(sw)
	tracer := newProvider(t, sw, nil).Tracer("app")
	ctx := context.Background()

	log.DebugContext(ctx, "test debug")                   // this package: info
	callsite.Log(ctx, log, slog.LevelDebug, "site debug") // callsite: debug
	log.InfoContext(ctx, "test info")
	hctx := startNested(t, ctx, tracer, span{"health", nil}, span{"ping", nil})
	log.ErrorContext(hctx, "health error")
	callsite.Log(hctx, log, slog.LevelError, "site health error")
	//lint:ignore SA1012 a nil context must not panic
	log.Log(nil, slog.LevelInfo, "nil context")

	want := "level=DEBUG msg=\"site debug\"\nlevel=INFO msg=\"test info\"\nlevel=INFO msg=\"nil context\"\n"
	if got := buf.String(); got != want {
		t.Errorf("wrote\n%s\nwant\n%s", got, want)
	}
}

func TestHandlerEnabledUsesTheFloor(t *testing.T) {
	sw := newSwitch(t, "warn,"+sitePkg+"=info")
	log, _ := newLogger(sw)
	ctx := context.Background()
	if log.Enabled(ctx, slog.LevelDebug) {
		t.Error("Enabled(debug) under a floor of info")
	}
	if !log.Enabled(ctx, slog.LevelInfo) {
		t.Error("not Enabled(info) though a directive enables info")
	}
}

func TestHandlerKeepsFilteringAfterWithAttrsAndWithGroup(t *testing.T) {
	sw := newSwitch(t, "warn")
	log, buf := newLogger(sw)
	h := log.Handler()
	if h.WithGroup("") != h {
		t.Error(`WithGroup("") did not return the handler`)
	}
	sub := log.With("k", "v").WithGroup("g")
	sub.Info("dropped")
	sub.Warn("kept", "a", 1)
	if got, want := buf.String(), "level=WARN msg=kept k=v g.a=1\n"; got != want {
		t.Errorf("wrote %q, want %q", got, want)
	}
}

func TestFromEnv(t *testing.T) {
	t.Setenv(levels.EnvVar, "")
	if f, err := levels.FromEnv(); f != nil || err != nil {
		t.Errorf("empty %s: %v, %v", levels.EnvVar, f, err)
	}
	t.Setenv(levels.EnvVar, " \t")
	if f, err := levels.FromEnv(); f != nil || err != nil {
		t.Errorf("blank %s: %v, %v", levels.EnvVar, f, err)
	}
	t.Setenv(levels.EnvVar, "warn,github.com/acme/app=debug")
	if f, err := levels.FromEnv(); err != nil || f.String() != "warn,github.com/acme/app=debug" {
		t.Errorf("FromEnv = %v, %v", f, err)
	}
	t.Setenv(levels.EnvVar, "warn,github.com/acme/app=verbose")
	_, err := levels.FromEnv()
	if err == nil || !strings.HasPrefix(err.Error(), "SPANLOG_LEVEL: ") || !strings.Contains(err.Error(), "offset 25") {
		t.Errorf("malformed %s: %v", levels.EnvVar, err)
	}
}
