package spanlog

import (
	"errors"
	"testing"
	"time"
)

// Drops are reported at once, then at most once a minute with the count
// since the last report, and whatever is left at flush (Shutdown).
func TestDropReporterReportsOncePerMinute(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	d := newDropReporter(256, func() time.Time { return now }, spanDrops)
	var reports []DroppedSpansError
	d.handle = func(err error) {
		var dropped *DroppedSpansError
		if !errors.As(err, &dropped) {
			t.Fatalf("reported %v, want a *DroppedSpansError", err)
		}
		reports = append(reports, *dropped)
	}

	d.add(1) // the first drop is reported at once
	for range 5 {
		now = now.Add(10 * time.Second)
		d.add(2)
		d.reportDue()
	}
	if len(reports) != 1 || reports[0].Count != 1 {
		t.Fatalf("reports %+v within the first minute, want one of 1 drop", reports)
	}
	now = now.Add(10 * time.Second) // a minute after the first report
	d.reportDue()
	if len(reports) != 2 || reports[1].Count != 10 || reports[1].Total != 11 {
		t.Fatalf("reports %+v, want a second one counting the 10 held back, 11 in all", reports)
	}
	d.reportDue()
	d.add(3)
	d.flush()
	if len(reports) != 3 || reports[2].Count != 3 || reports[2].Total != 14 || reports[2].QueueSize != 256 {
		t.Fatalf("reports %+v, want flush to report the last 3 drops, 14 in all", reports)
	}
	d.flush()
	if len(reports) != 3 {
		t.Errorf("flush with nothing dropped reported %+v", reports[3:])
	}
}
