package logfmttest

import (
	"bytes"
	"testing"

	gologfmt "github.com/go-logfmt/logfmt"
)

// Decode parses data with go-logfmt into one map per line. It fails the
// test when data is not logfmt or when a line holds a key twice, which
// spanlog's line contract forbids.
func Decode(t testing.TB, data []byte) []map[string]string {
	t.Helper()
	var lines []map[string]string
	dec := gologfmt.NewDecoder(bytes.NewReader(data))
	for dec.ScanRecord() {
		kv := map[string]string{}
		for dec.ScanKeyval() {
			k := string(dec.Key())
			if _, dup := kv[k]; dup {
				t.Fatalf("key %q twice on line %d of:\n%s", k, len(lines)+1, data)
			}
			kv[k] = string(dec.Value())
		}
		lines = append(lines, kv)
	}
	if err := dec.Err(); err != nil {
		t.Fatalf("output is not logfmt: %v\n%s", err, data)
	}
	return lines
}
