package main

import (
	"bytes"
	"strings"
	"testing"

	gologfmt "github.com/go-logfmt/logfmt"
)

func TestScanPairs(t *testing.T) {
	for _, tc := range []struct {
		line string
		want []string // key, raw value, key, raw value...
		ok   bool
	}{
		{``, nil, true},
		{`a=1 b="x y" c`, []string{"a", "1", "b", `"x y"`, "c", ""}, true},
		{`  a=  b=`, []string{"a", "", "b", ""}, true},
		{"a=1\tb=2", []string{"a", "1", "b", "2"}, true},
		{`msg="say \"hi\"\n" k=v`, []string{"msg", `"say \"hi\"\n"`, "k", "v"}, true},
		{`k="\u00e9\/"`, []string{"k", `"\u00e9\/"`}, true},
		{`=v`, nil, false},            // no key
		{`k"=v`, nil, false},          // quote in key
		{`k=a=b`, nil, false},         // '=' in a bare value
		{`k=a"b`, nil, false},         // quote in a bare value
		{`k="open`, nil, false},       // unterminated
		{`k="\x"`, nil, false},        // unknown escape
		{`k="\u12"`, nil, false},      // short \u
		{"k=\"\\n\x01\"", nil, false}, // raw control with an escape
		{"k=\"\x01\"", []string{"k", "\"\x01\""}, true},
		{"k\xff=v", nil, false}, // invalid UTF-8 in a key
		{"k=\xff", []string{"k", "\xff"}, true},
	} {
		ps, ok := scanPairs([]byte(tc.line), nil)
		if ok != tc.ok {
			t.Errorf("scanPairs(%q) ok = %v, want %v", tc.line, ok, tc.ok)
			continue
		}
		if !ok {
			continue
		}
		var got []string
		for _, p := range ps {
			got = append(got, string(p.key([]byte(tc.line))), string(p.val([]byte(tc.line))))
		}
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("scanPairs(%q) = %q, want %q", tc.line, got, tc.want)
		}
	}
}

// FuzzScanPairs checks the scanner against go-logfmt, the decoder spanlog's
// lines are written for: on any one line, both accept or both refuse it,
// and when they accept it they find the same keys and values. It never
// panics.
func FuzzScanPairs(f *testing.F) {
	for _, s := range []string{
		`level=INFO span_name="HTTP request" span=0d5500f7e5644c96 span_event=new_span timestamp=2026-11-30T17:27:31.390129Z trace_id=639f2dcd33b1405f57177bded93a3de0 a=b`,
		`level=ERROR msg="x \"y\" \\ \u001b" k= v span=0d5500f7e5644c96 trace_id=639f2dcd33b1405f57177bded93a3de0`,
		`a="\ud83d\ude00" b="\ud800"`, "k=\xff\xfe", `k="\u12g4"`, `=`, `"`, `k="a\`, "a\x00b=c\x7f",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		if bytes.ContainsAny(line, "\r\n") {
			return // one line only; line endings are the reader's business
		}
		ps, ok := scanPairs(line, nil)

		dec := gologfmt.NewDecoder(bytes.NewReader(line))
		var want [][2]string
		if dec.ScanRecord() {
			for dec.ScanKeyval() {
				want = append(want, [2]string{string(dec.Key()), string(dec.Value())})
			}
		}
		wantOK := dec.Err() == nil
		if ok != wantOK {
			t.Fatalf("scanPairs(%q) ok = %v, go-logfmt err = %v", line, ok, dec.Err())
		}
		if !ok {
			return
		}
		if len(ps) != len(want) {
			t.Fatalf("scanPairs(%q): %d pairs, go-logfmt %d", line, len(ps), len(want))
		}
		for i, p := range ps {
			if k := string(p.key(line)); k != want[i][0] {
				t.Fatalf("scanPairs(%q) key %d = %q, go-logfmt %q", line, i, k, want[i][0])
			}
			v := p.val(line)
			if len(v) > 0 && v[0] == '"' && !bytes.Contains(v, []byte(`\`)) {
				v = v[1 : len(v)-1] // go-logfmt strips the quotes; escapes it decodes
			}
			if !bytes.Contains(v, []byte(`\`)) && string(v) != want[i][1] {
				t.Fatalf("scanPairs(%q) value %d = %q, go-logfmt %q", line, i, v, want[i][1])
			}
		}
	})
}
