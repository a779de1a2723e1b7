package logfmt

import (
	"math"
	"testing"
	"time"
)

func TestAppendDurationMatchesString(t *testing.T) {
	for _, d := range []time.Duration{0, 1, -1, 999, 1000, 1001, 1234 * time.Microsecond, time.Millisecond,
		999999999, time.Second, 1500 * time.Millisecond, time.Minute, 90 * time.Minute, time.Hour,
		25*time.Hour + time.Nanosecond, math.MaxInt64, math.MinInt64, -1234567890} {
		if got, want := string(appendDuration(nil, d)), d.String(); got != want {
			t.Errorf("appendDuration(%d) = %q, want %q", int64(d), got, want)
		}
	}
}

func FuzzAppendDuration(f *testing.F) {
	f.Add(int64(0))
	f.Add(int64(1234567))
	f.Add(int64(math.MinInt64))
	f.Fuzz(func(t *testing.T, n int64) {
		d := time.Duration(n)
		if got, want := string(appendDuration(nil, d)), d.String(); got != want {
			t.Fatalf("appendDuration(%d) = %q, want %q", n, got, want)
		}
	})
}
