package spanlog_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/spanlog/spanlog"
	"github.com/spanlog/spanlog/logfmt/logfmttest"
	"go.opentelemetry.io/otel"
)

// reentrantWriter calls back into the installed globals from its Write:
// slog.Default and otel.Handle, as a writer that logs its own trouble does.
type reentrantWriter struct {
	out bytes.Buffer
}

func (w *reentrantWriter) Write(p []byte) (int, error) {
	slog.Default().Warn("writer: slow disk")
	otel.Handle(errors.New("writer: retrying"))
	return w.out.Write(p)
}

// After Install, a writer that logs through slog.Default or otel.Handle
// does not deadlock its host: its nested lines are dropped.
func TestInstalledWriterThatLogsDoesNotDeadlock(t *testing.T) {
	hermeticEnv(t)
	logfmttest.KeepGlobals(t)
	w := &reentrantWriter{}
	p, err := spanlog.New(context.Background(), spanlog.WithWriter(w))
	if err != nil {
		t.Fatal(err)
	}
	p.Install()
	done := make(chan struct{})
	go func() {
		defer close(done)
		ctx, span := otel.Tracer("t").Start(context.Background(), "op")
		slog.InfoContext(ctx, "outer")
		span.End()
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second): // a safety net against the deadlock, not a measure
		t.Fatal("deadlock: a writer that logs blocked its own Write")
	}
	if err := p.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	out := w.out.String()
	if strings.Count(out, "\n") != 3 || strings.Contains(out, "writer:") {
		t.Errorf("want the new_span, outer and close_span lines only:\n%s", out)
	}
}
