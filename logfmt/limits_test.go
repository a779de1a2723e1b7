package logfmt

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/spanlog/spanlog/redact"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
)

func TestLongValuesAreCutWithAMarker(t *testing.T) {
	var buf bytes.Buffer
	huge := strings.Repeat("é", 100_000) // 200,000 bytes
	slog.New(NewHandler(&buf, nil)).Info(strings.Repeat("m", 70_000), "v", huge, strings.Repeat("k", 70_000), 1)
	line := decodeLines(t, buf.Bytes())[0]
	v, _ := get(line, "v")
	if want := fmt.Sprintf("…[truncated %d bytes]", len(huge)-DefaultMaxValueBytes); !strings.HasSuffix(v, want) || !utf8.ValidString(v) {
		t.Errorf("value ends %q, want %q", v[len(v)-40:], want)
	}
	if len(v) > DefaultMaxValueBytes+64 {
		t.Errorf("value is %d bytes, cap is %d", len(v), DefaultMaxValueBytes)
	}
	if msg, _ := get(line, "msg"); !strings.HasSuffix(msg, fmt.Sprintf("[truncated %d bytes]", 70_000-DefaultMaxValueBytes)) {
		t.Error("message not capped")
	}

	// Many capped values still make one line go-logfmt can read.
	buf.Reset()
	var args []any
	for i := range 10 {
		args = append(args, fmt.Sprint("v", i), strings.Repeat("x y", 10_000))
	}
	slog.New(NewHandler(&buf, nil)).Info("many", args...)
	if buf.Len() > maxLineBytes+1 {
		t.Errorf("line is %d bytes, cap is %d", buf.Len(), maxLineBytes)
	}
	l := decodeLines(t, buf.Bytes())[0]
	if cut, ok := get(l, "line_truncated"); !ok || cut == "0" {
		t.Errorf("no line_truncated marker: last pair %v", l[len(l)-1])
	}

	buf.Reset()
	slog.New(NewHandler(&buf, &HandlerOptions{MaxValueBytes: -1})).Info("m", "v", huge)
	// Too long for go-logfmt's line reader, as the option says it may be.
	if !strings.Contains(buf.String(), " v="+huge+" ") {
		t.Error("MaxValueBytes -1 still cut the value")
	}
	buf.Reset()
	slog.New(NewHandler(&buf, &HandlerOptions{MaxValueBytes: 10})).Info("m", "v", "0123456789abc")
	if v, _ := get(decodeLines(t, buf.Bytes())[0], "v"); v != "0123456789…[truncated 3 bytes]" {
		t.Errorf("v = %q", v)
	}
}

func TestRedactedKeysNeverPrint(t *testing.T) {
	var buf bytes.Buffer
	out := NewSyncWriter(&buf)
	keys := redact.New("password", "authorization")
	tp, _ := newTestProvider(t, out, WithRedact(keys))
	log := slog.New(NewHandler(out, &HandlerOptions{Redact: keys}))
	ctx, span := tp.Tracer("t").Start(context.Background(), "login", trace.WithAttributes(
		attribute.String("http.request.header.authorization", "Bearer s3cr3t"), attribute.String("user", "ann")))
	log.WithGroup("form").InfoContext(ctx, "submitted", "password", "hunter2", "remember", true)
	span.AddEvent("retry", trace.WithAttributes(attribute.String("Password", "hunter2")))
	span.End()
	if strings.Contains(buf.String(), "hunter2") || strings.Contains(buf.String(), "s3cr3t") {
		t.Fatalf("a secret leaked:\n%s", buf.String())
	}
	for _, l := range decodeLines(t, buf.Bytes()) {
		if v, ok := get(l, "http.request.header.authorization"); ok && v != redact.Placeholder {
			t.Errorf("authorization = %q", v)
		}
		if v, ok := get(l, "form.password"); ok && v != redact.Placeholder {
			t.Errorf("form.password = %q", v)
		}
		if v, ok := get(l, "user"); ok && v != "ann" {
			t.Errorf("user = %q, other keys must print", v)
		}
	}
}

func TestShortWriteIsAnError(t *testing.T) {
	h := NewHandler(shortWriter{}, nil)
	if err := h.Handle(context.Background(), slog.NewRecord(time.Time{}, slog.LevelInfo, "m", 0)); err == nil {
		t.Error("a short write went unreported")
	}
}

type shortWriter struct{}

func (shortWriter) Write(p []byte) (int, error) { return len(p) / 2, nil }
