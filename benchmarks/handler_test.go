package benchmarks

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	phuslog "github.com/phuslu/log"
	"github.com/rs/zerolog"
	"github.com/spanlog/spanlog/logfmt"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// discardHandler is the floor: enabled, and does nothing. What a handler
// costs above it is its own work; the rest is slog's front end.
type discardHandler struct{}

func (discardHandler) Enabled(context.Context, slog.Level) bool  { return true }
func (discardHandler) Handle(context.Context, slog.Record) error { return nil }
func (h discardHandler) WithAttrs([]slog.Attr) slog.Handler      { return h }
func (h discardHandler) WithGroup(string) slog.Handler           { return h }

// BenchmarkEventLine is target 1: an event line with 5 attrs, no span,
// through slog's front end (Logger.LogAttrs), to io.Discard.
func BenchmarkEventLine(b *testing.B) {
	for _, h := range []struct {
		name string
		h    slog.Handler
	}{
		{"impl=slog.TextHandler", slog.NewTextHandler(io.Discard, nil)},
		{"impl=spanlog", logfmt.NewHandler(io.Discard, nil)},
		{"impl=floor", discardHandler{}},
	} {
		b.Run(h.name, func(b *testing.B) {
			log := slog.New(h.h)
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				log.LogAttrs(ctx, slog.LevelInfo, message, attrs...)
			}
		})
	}
	b.Run("impl=zap", func(b *testing.B) {
		enc := zap.NewProductionEncoderConfig()
		log := zap.New(zapcore.NewCore(zapcore.NewConsoleEncoder(enc), zapcore.AddSync(io.Discard), zapcore.InfoLevel))
		b.ReportAllocs()
		for b.Loop() {
			log.Info(message, zap.String("method", "GET"), zap.String("path", "/songs/42"),
				zap.Int("status", 200), zap.Duration("elapsed", 1234*time.Microsecond), zap.Bool("cached", false))
		}
	})
	b.Run("impl=zerolog", func(b *testing.B) {
		log := zerolog.New(zerolog.ConsoleWriter{Out: io.Discard, NoColor: true}).With().Timestamp().Logger()
		b.ReportAllocs()
		for b.Loop() {
			log.Info().Str("method", "GET").Str("path", "/songs/42").Int("status", 200).
				Dur("elapsed", 1234*time.Microsecond).Bool("cached", false).Msg(message)
		}
	})
	b.Run("impl=zerolog.json", func(b *testing.B) {
		log := zerolog.New(io.Discard).With().Timestamp().Logger()
		b.ReportAllocs()
		for b.Loop() {
			log.Info().Str("method", "GET").Str("path", "/songs/42").Int("status", 200).
				Dur("elapsed", 1234*time.Microsecond).Bool("cached", false).Msg(message)
		}
	})
	b.Run("impl=phuslu", func(b *testing.B) {
		log := phuslog.Logger{Writer: phuslog.IOWriter{Writer: io.Discard}}
		b.ReportAllocs()
		for b.Loop() {
			log.Info().Str("method", "GET").Str("path", "/songs/42").Int("status", 200).
				Dur("elapsed", 1234*time.Microsecond).Bool("cached", false).Msg(message)
		}
	})
}

// BenchmarkEventLineInSpan is target 2: spanlog printing the record inside
// a span with 8 stored fields (span, trace_id and the fields too), against
// slog.TextHandler on the same record without span fields.
func BenchmarkEventLineInSpan(b *testing.B) {
	spanCtx := spanWith8Fields(b)
	for _, c := range []struct {
		name string
		h    slog.Handler
		ctx  context.Context
	}{
		{"impl=slog.TextHandler", slog.NewTextHandler(io.Discard, nil), context.Background()},
		{"impl=spanlog.span8", logfmt.NewHandler(io.Discard, nil), spanCtx},
	} {
		b.Run(c.name, func(b *testing.B) {
			log := slog.New(c.h)
			b.ReportAllocs()
			for b.Loop() {
				log.LogAttrs(c.ctx, slog.LevelInfo, message, attrs...)
			}
		})
	}
}
