package logfmt

import (
	"strconv"
	"time"
)

// appendDuration appends d as time.Duration.String writes it ("1.234ms",
// "1h2m3.5s", "0s"), without building a string first. The result never
// needs quoting: digits, '.', '-', unit letters and the micro sign.
func appendDuration(b []byte, d time.Duration) []byte {
	if d == 0 {
		return append(b, "0s"...)
	}
	u := uint64(d)
	if d < 0 {
		b = append(b, '-')
		u = -u // also right for the most negative duration
	}
	switch {
	case u < uint64(time.Microsecond):
		return append(strconv.AppendUint(b, u, 10), "ns"...)
	case u < uint64(time.Millisecond):
		return append(appendDecimal(b, u, 3), "µs"...)
	case u < uint64(time.Second):
		return append(appendDecimal(b, u, 6), "ms"...)
	}
	secs := u / uint64(time.Second)
	if h := secs / 3600; h > 0 {
		b = append(strconv.AppendUint(b, h, 10), 'h')
		b = append(strconv.AppendUint(b, secs/60%60, 10), 'm')
	} else if m := secs / 60; m > 0 {
		b = append(strconv.AppendUint(b, m, 10), 'm')
	}
	return append(appendDecimal(b, secs%60*uint64(time.Second)+u%uint64(time.Second), 9), 's')
}

// appendDecimal appends u / 10^scale with its fraction, trailing zeros
// and a bare point left out: 1500 at scale 3 is "1.5", 2000 is "2".
func appendDecimal(b []byte, u uint64, scale int) []byte {
	unit := uint64(1)
	for range scale {
		unit *= 10
	}
	b = strconv.AppendUint(b, u/unit, 10)
	frac := u % unit
	if frac == 0 {
		return b
	}
	b = append(b, '.')
	for unit /= 10; frac > 0; unit /= 10 {
		b = append(b, byte('0'+frac/unit))
		frac %= unit
	}
	return b
}
