package main

import "time"

// parseTimestamp reads a timestamp value as µs since the Unix epoch.
// spanlog's own form, 2026-11-21T20:11:34.722885Z, is read by hand; any
// other RFC 3339 time through the time package.
func parseTimestamp(v []byte) (int64, bool) {
	if len(v) == len("2006-01-02T15:04:05.000000Z") && v[4] == '-' && v[7] == '-' && v[10] == 'T' &&
		v[13] == ':' && v[16] == ':' && v[19] == '.' && v[26] == 'Z' {
		year, ok1 := digits(v[0:4])
		month, ok2 := digits(v[5:7])
		day, ok3 := digits(v[8:10])
		hour, ok4 := digits(v[11:13])
		minute, ok5 := digits(v[14:16])
		sec, ok6 := digits(v[17:19])
		frac, ok7 := digits(v[20:26])
		if ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && ok7 &&
			1 <= month && month <= 12 && 1 <= day && day <= 31 && hour < 24 && minute < 60 && sec < 61 {
			days := daysFromCivil(year, month, day)
			return ((days*24+hour)*60+minute)*60*1e6 + sec*1e6 + frac, true
		}
	}
	if len(v) == 0 || len(v) > 64 {
		return 0, false
	}
	t, err := time.Parse(time.RFC3339Nano, string(v))
	if err != nil {
		return 0, false
	}
	return t.UnixMicro(), true
}

func digits(b []byte) (int64, bool) {
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// daysFromCivil returns the days from 1970-01-01 to the given date of the
// proleptic Gregorian calendar (Howard Hinnant's algorithm).
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}
