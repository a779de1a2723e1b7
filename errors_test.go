package spanlog

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestErrorReporterHoldsBackRepeats(t *testing.T) {
	var buf bytes.Buffer
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	r := &errorReporter{log: slog.New(slog.NewTextHandler(&buf, nil)), now: func() time.Time { return now }}
	for range 3 {
		r.Handle(errors.New("connection refused"))
		now = now.Add(10 * time.Second)
	}
	if n := strings.Count(buf.String(), "\n"); n != 1 {
		t.Fatalf("%d lines within a minute, want 1:\n%s", n, buf.String())
	}
	now = now.Add(errorReportInterval)
	r.Handle(errors.New("connection refused"))
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[1], "errors_not_shown=2") {
		t.Errorf("second report %q, want it to count the 2 held back", lines)
	}
}

// A collector that is down fills the error handler with failed exports;
// reports of dropped spans and log records still get through, each on its
// own schedule.
func TestErrorReporterLetsDropReportsThrough(t *testing.T) {
	var buf bytes.Buffer
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	r := &errorReporter{log: slog.New(slog.NewTextHandler(&buf, nil)), now: func() time.Time { return now }}
	r.Handle(errors.New("connection refused"))
	now = now.Add(time.Second)
	r.Handle(&DroppedSpansError{Count: 7, Total: 7, QueueSize: 2048})
	if !strings.Contains(buf.String(), "7 spans dropped") {
		t.Errorf("the drop report was held back behind a failed export:\n%s", buf.String())
	}
	now = now.Add(time.Second)
	r.Handle(&DroppedLogRecordsError{Count: 5, Total: 5, QueueSize: 2048})
	if !strings.Contains(buf.String(), "5 log records dropped") {
		t.Errorf("the log drop report was held back behind the span drop report:\n%s", buf.String())
	}
}

func TestItemNoun(t *testing.T) {
	for _, c := range []struct {
		signal string
		n      uint64
		want   string
	}{
		{signalTraces, 1, "span"}, {signalTraces, 2, "spans"},
		{signalMetrics, 1, "metric batch"}, {signalMetrics, 0, "metric batches"},
		{signalLogs, 1, "log record"}, {signalLogs, 7, "log records"},
	} {
		if got := itemNoun(c.signal, c.n); got != c.want {
			t.Errorf("itemNoun(%s, %d) = %q, want %q", c.signal, c.n, got, c.want)
		}
	}
}
