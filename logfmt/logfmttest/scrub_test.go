package logfmttest

import (
	"bytes"
	"testing"
)

func TestScrub(t *testing.T) {
	for _, c := range []struct {
		name, in, want string
	}{
		{
			name: "span lines",
			in: "level=INFO span_name=load_user span=0000000000000002 parent_span=0000000000000001 span_event=new_span timestamp=2026-11-21T10:00:00.123456Z trace_id=00000000000000000000000000000001 http.method=GET\n" +
				"level=INFO span_name=load_user span=0000000000000002 span_event=close_span timestamp=2026-11-21T10:00:00.141660Z trace_id=00000000000000000000000000000001 latency_ms=18.204 http.method=GET\n",
			want: "level=INFO span_name=load_user span=0000000000000002 parent_span=0000000000000001 span_event=new_span timestamp=<timestamp> trace_id=00000000000000000000000000000001 http.method=GET\n" +
				"level=INFO span_name=load_user span=0000000000000002 span_event=close_span timestamp=<timestamp> trace_id=00000000000000000000000000000001 latency_ms=<latency_ms> http.method=GET\n",
		},
		{
			name: "key at line start, no final newline",
			in:   "timestamp=2026-11-21T10:00:00.123456Z msg=hi",
			want: "timestamp=<timestamp> msg=hi",
		},
		{
			name: "value at end of input",
			in:   "msg=hi latency_ms=0.5",
			want: "msg=hi latency_ms=<latency_ms>",
		},
		{
			name: "quoted value with escaped quote",
			in:   `a=1 timestamp="a \" b" c=2` + "\n",
			want: `a=1 timestamp=<timestamp> c=2` + "\n",
		},
		{
			name: "quoted value ending in escaped backslash",
			in:   `timestamp="a \\" c=2`,
			want: `timestamp=<timestamp> c=2`,
		},
		{
			name: "quoted value with unicode escape",
			in:   `timestamp="\u00e9 \t" c="x"`,
			want: `timestamp=<timestamp> c="x"`,
		},
		{
			name: "unterminated quoted value stops at line end",
			in:   "timestamp=\"abc def\nlatency_ms=3 x=1\n",
			want: "timestamp=<timestamp>\nlatency_ms=<latency_ms> x=1\n",
		},
		{
			name: "keys that merely contain timestamp",
			in:   "xtimestamp=1 timestamp_ms=2 http.timestamp=3 latency_ms_total=4 timestamp: 5 timestamp =6 TIMESTAMP=7\n",
			want: "xtimestamp=1 timestamp_ms=2 http.timestamp=3 latency_ms_total=4 timestamp: 5 timestamp =6 TIMESTAMP=7\n",
		},
		{
			name: "key inside a quoted value",
			in:   `level=INFO msg="set timestamp=5 now" timestamp=2026-11-21T10:00:00.123456Z`,
			want: `level=INFO msg="set timestamp=5 now" timestamp=<timestamp>`,
		},
		{
			name: "key inside a quoted value after an escaped quote",
			in:   `msg="a \" timestamp=5 \\" timestamp=6`,
			want: `msg="a \" timestamp=5 \\" timestamp=<timestamp>`,
		},
		{
			name: "empty values are kept",
			in:   "timestamp= latency_ms=\"\" x=1\ntimestamp=",
			want: "timestamp= latency_ms=\"\" x=1\ntimestamp=",
		},
		{
			name: "lines without the keys",
			in:   "level=INFO msg=\"user loaded\" rows=1 span=0000000000000002\n\nplain text, not logfmt = at all \"unbalanced\n",
			want: "level=INFO msg=\"user loaded\" rows=1 span=0000000000000002\n\nplain text, not logfmt = at all \"unbalanced\n",
		},
		{
			name: "prometheus exposition lines interleaved",
			in: "# HELP http_requests_total Total requests, by timestamp=bucket.\n" +
				"# TYPE http_requests_total counter\n" +
				"http_requests_total{method=\"GET\",code=\"200\"} 1027 1395066363000\n" +
				"level=INFO msg=\"user loaded\" rows=1 timestamp=2026-11-21T10:00:00.123456Z\n" +
				"request_latency_ms_bucket{le=\"+Inf\"} 3\n",
			want: "# HELP http_requests_total Total requests, by timestamp=<timestamp>\n" +
				"# TYPE http_requests_total counter\n" +
				"http_requests_total{method=\"GET\",code=\"200\"} 1027 1395066363000\n" +
				"level=INFO msg=\"user loaded\" rows=1 timestamp=<timestamp>\n" +
				"request_latency_ms_bucket{le=\"+Inf\"} 3\n",
		},
		{
			name: "CRLF line ends",
			in:   "a=1 timestamp=5\r\ntimestamp=\"6\r\nlatency_ms=7\r\n",
			want: "a=1 timestamp=<timestamp>\r\ntimestamp=<timestamp>\r\nlatency_ms=<latency_ms>\r\n",
		},
		{
			name: "empty input",
			in:   "",
			want: "",
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := []byte(c.in)
			got := Scrub(in)
			if string(got) != c.want {
				t.Errorf("Scrub(%q)\n got %q\nwant %q", c.in, got, c.want)
			}
			if string(in) != c.in {
				t.Errorf("Scrub modified its input: now %q", in)
			}
		})
	}
}

func TestScrubKeys(t *testing.T) {
	in := "msg=hi rows=1 user=\"ann \\\"a\\\"\" timestamp=1\n"
	for _, c := range []struct {
		name string
		keys []string
		want string
	}{
		{"named keys", []string{"rows", "user"}, "msg=hi rows=<rows> user=<user> timestamp=1\n"},
		{"no keys", nil, in},
		{"empty key ignored", []string{""}, in},
		{"unknown key", []string{"row"}, in},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := string(ScrubKeys([]byte(in), c.keys...)); got != c.want {
				t.Errorf("ScrubKeys(%q, %q)\n got %q\nwant %q", in, c.keys, got, c.want)
			}
		})
	}
}

func TestScrubDoesNotShareMemory(t *testing.T) {
	in := []byte("msg=hi timestamp=1 rows=2\n")
	orig := bytes.Clone(in)

	for _, out := range [][]byte{Scrub(in), ScrubKeys(in), ScrubKeys(in, "msg")} {
		for i := range out {
			out[i] = 'X'
		}
		if !bytes.Equal(in, orig) {
			t.Fatalf("writing to the result changed the input: %q", in)
		}
	}
}
