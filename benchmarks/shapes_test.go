package benchmarks

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strconv"
	"testing"
	"time"

	phuslog "github.com/phuslu/log"
	"github.com/rs/zerolog"
	"github.com/spanlog/spanlog/logfmt"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// Two record shapes that other projects publish numbers for, so spanlog's
// rows can be set beside theirs: phuslu/log's "Simple" (a message and
// three fields) and the Go source's log/slog BenchmarkAttrs (5, 10 and 40
// attributes of five kinds, the five keys repeating). Every logger writes
// to io.Discard with its timestamp on; zap, zerolog and phuslu/log write
// JSON, their fastest encoder.

// The Simple shape: a message and three fields, a string, an int and a float.
const simpleMessage = "The quick brown fox jumps over the lazy dog"

// BenchmarkSimple sets spanlog beside slog.TextHandler (the baseline),
// zap, zerolog and phuslu/log on the Simple shape.
func BenchmarkSimple(b *testing.B) {
	ctx := context.Background()
	slogRow := func(h slog.Handler) func(*testing.B) {
		return func(b *testing.B) {
			log := slog.New(h)
			b.ReportAllocs()
			for b.Loop() {
				log.LogAttrs(ctx, slog.LevelInfo, simpleMessage,
					slog.String("rate", "15"), slog.Int("low", 16), slog.Float64("high", 123.2))
			}
		}
	}
	b.Run("impl=slog.TextHandler", slogRow(slog.NewTextHandler(io.Discard, nil)))
	b.Run("impl=spanlog", slogRow(logfmt.NewHandler(io.Discard, nil)))
	b.Run("impl=zap", func(b *testing.B) {
		log := zapJSON()
		b.ReportAllocs()
		for b.Loop() {
			log.Info(simpleMessage, zap.String("rate", "15"), zap.Int("low", 16), zap.Float64("high", 123.2))
		}
	})
	b.Run("impl=zerolog", func(b *testing.B) {
		log := zerolog.New(io.Discard).With().Timestamp().Logger()
		b.ReportAllocs()
		for b.Loop() {
			log.Info().Str("rate", "15").Int("low", 16).Float64("high", 123.2).Msg(simpleMessage)
		}
	})
	b.Run("impl=phuslu", func(b *testing.B) {
		log := phuslog.Logger{Writer: phuslog.IOWriter{Writer: io.Discard}}
		b.ReportAllocs()
		for b.Loop() {
			log.Info().Str("rate", "15").Int("low", 16).Float64("high", 123.2).Msg(simpleMessage)
		}
	})
}

// The values of the Attrs shape, chosen as slog's own benchmark chooses
// them: a long message, a long string, a status, a duration, a time and an
// error.
const attrsMessage = "Test logging, but use a somewhat realistic message length."

var (
	attrsString   = "7e3b3b2aaeff56a7108fe11e154200dd/7819479873059528190"
	attrsInt      = 32768
	attrsDuration = 23 * time.Second
	attrsTime     = time.Date(2022, time.May, 1, 0, 0, 0, 0, time.UTC)
	errAttrs      = errors.New("fail")
)

// attrsN returns n attributes, the five kinds in turn.
func attrsN(n int) []slog.Attr {
	five := []slog.Attr{
		slog.String("string", attrsString),
		slog.Int("status", attrsInt),
		slog.Duration("duration", attrsDuration),
		slog.Time("time", attrsTime),
		slog.Any("error", errAttrs),
	}
	out := make([]slog.Attr, 0, n)
	for len(out) < n {
		out = append(out, five[:min(5, n-len(out))]...)
	}
	return out
}

func zapFieldsN(n int) []zap.Field {
	five := []zap.Field{
		zap.String("string", attrsString),
		zap.Int("status", attrsInt),
		zap.Duration("duration", attrsDuration),
		zap.Time("time", attrsTime),
		zap.Error(errAttrs),
	}
	out := make([]zap.Field, 0, n)
	for len(out) < n {
		out = append(out, five[:min(5, n-len(out))]...)
	}
	return out
}

// BenchmarkAttrs sets spanlog beside slog.TextHandler (the baseline), zap,
// zerolog and phuslu/log on the shapes of slog's BenchmarkAttrs: 5, 10 and
// 40 attributes. At 10 and 40 the five keys repeat; spanlog, keeping one
// value per key, prints each key once, the others print every value.
func BenchmarkAttrs(b *testing.B) {
	ctx := context.Background()
	for _, n := range []int{5, 10, 40} {
		as := attrsN(n)
		slogRow := func(h slog.Handler) func(*testing.B) {
			return func(b *testing.B) {
				log := slog.New(h)
				b.ReportAllocs()
				for b.Loop() {
					log.LogAttrs(ctx, slog.LevelInfo, attrsMessage, as...)
				}
			}
		}
		args := "args=" + strconv.Itoa(n)
		b.Run(args+"/impl=slog.TextHandler", slogRow(slog.NewTextHandler(io.Discard, nil)))
		b.Run(args+"/impl=spanlog", slogRow(logfmt.NewHandler(io.Discard, nil)))
		b.Run(args+"/impl=zap", func(b *testing.B) {
			log, fields := zapJSON(), zapFieldsN(n)
			b.ReportAllocs()
			for b.Loop() {
				log.Info(attrsMessage, fields...)
			}
		})
		b.Run(args+"/impl=zerolog", func(b *testing.B) {
			log := zerolog.New(io.Discard).With().Timestamp().Logger()
			b.ReportAllocs()
			for b.Loop() {
				e := log.Info()
				for range n / 5 {
					e = e.Str("string", attrsString).Int("status", attrsInt).Dur("duration", attrsDuration).
						Time("time", attrsTime).Err(errAttrs)
				}
				e.Msg(attrsMessage)
			}
		})
		b.Run(args+"/impl=phuslu", func(b *testing.B) {
			log := phuslog.Logger{Writer: phuslog.IOWriter{Writer: io.Discard}}
			b.ReportAllocs()
			for b.Loop() {
				e := log.Info()
				for range n / 5 {
					e = e.Str("string", attrsString).Int("status", attrsInt).Dur("duration", attrsDuration).
						Time("time", attrsTime).Err(errAttrs)
				}
				e.Msg(attrsMessage)
			}
		})
	}
}

// zapJSON is zap's production JSON logger writing to io.Discard.
func zapJSON() *zap.Logger {
	enc := zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig())
	return zap.New(zapcore.NewCore(enc, zapcore.AddSync(io.Discard), zapcore.InfoLevel))
}
