package spanlog

import (
	"context"
	"errors"
	"log/slog"
	"reflect"
	"sync"
	"time"
)

// errorReportInterval is the least time between two lines about OTel SDK
// errors.
const errorReportInterval = time.Minute

// errorReporter is the otel.ErrorHandler Install sets: it turns the SDK's
// internal errors, such as failed exports while a collector is down, into
// at most one WARN line per interval, the later ones counting what was
// held back, instead of a line per failed batch. Reports of dropped spans
// and log records (DroppedSpansError, DroppedLogRecordsError), which
// spanlog already limits to one a minute per queue, have an interval of
// their own per type, so failed exports never hold them back. It is safe
// for concurrent use.
type errorReporter struct {
	log *slog.Logger
	now func() time.Time

	mu    sync.Mutex
	kinds map[reflect.Type]*reportState // by drop report type; nil for other errors
}

// reportState is what errorReporter remembers about one kind of error.
type reportState struct {
	lastReport time.Time
	suppressed int
}

func (r *errorReporter) Handle(err error) {
	var kind reflect.Type
	if dropped, ok := errors.AsType[dropReport](err); ok {
		kind = reflect.TypeOf(dropped)
	}
	r.mu.Lock()
	if r.kinds == nil {
		r.kinds = map[reflect.Type]*reportState{}
	}
	st := r.kinds[kind]
	if st == nil {
		st = &reportState{}
		r.kinds[kind] = st
	}
	now := r.now()
	if !st.lastReport.IsZero() && now.Sub(st.lastReport) < errorReportInterval {
		st.suppressed++
		r.mu.Unlock()
		return
	}
	suppressed := st.suppressed
	st.lastReport, st.suppressed = now, 0
	r.mu.Unlock()

	// Logged outside the lock: the log line may itself fail and report.
	attrs := []slog.Attr{slog.String("err", err.Error())}
	if suppressed > 0 {
		attrs = append(attrs, slog.Int("errors_not_shown", suppressed))
	}
	r.log.LogAttrs(context.Background(), slog.LevelWarn,
		"opentelemetry error; telemetry may be lost (repeats are held back for a minute)", attrs...)
}
