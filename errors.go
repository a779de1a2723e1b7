package spanlog

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// errorReportInterval is the least time between two lines about OTel SDK
// errors.
const errorReportInterval = time.Minute

// errorReporter is the otel.ErrorHandler Install sets: it turns the SDK's
// internal errors, such as failed exports while a collector is down, into
// at most one WARN line per interval, the later ones counting what was
// held back, instead of a line per failed batch. It is safe for concurrent
// use.
type errorReporter struct {
	log *slog.Logger
	now func() time.Time

	mu         sync.Mutex
	lastReport time.Time
	suppressed int
}

func (r *errorReporter) Handle(err error) {
	r.mu.Lock()
	now := r.now()
	if !r.lastReport.IsZero() && now.Sub(r.lastReport) < errorReportInterval {
		r.suppressed++
		r.mu.Unlock()
		return
	}
	suppressed := r.suppressed
	r.lastReport, r.suppressed = now, 0
	r.mu.Unlock()

	// Logged outside the lock: the log line may itself fail and report.
	attrs := []slog.Attr{slog.String("err", err.Error())}
	if suppressed > 0 {
		attrs = append(attrs, slog.Int("errors_not_shown", suppressed))
	}
	r.log.LogAttrs(context.Background(), slog.LevelWarn,
		"opentelemetry error; telemetry may be lost (repeats are held back for a minute)", attrs...)
}
