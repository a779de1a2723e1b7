package logfmt

import (
	"bytes"
	"testing"

	gologfmt "github.com/go-logfmt/logfmt"
	"github.com/spanlog/spanlog/logfmt/logfmttest"
	"go.opentelemetry.io/otel"
)

// setErrorHandler routes otel.Handle to f until t ends, when the error
// handler before it comes back.
func setErrorHandler(t testing.TB, f func(error)) {
	logfmttest.KeepGlobals(t)
	otel.SetErrorHandler(otel.ErrorHandlerFunc(f))
}

// pair is one decoded key/value.
type pair struct{ key, value string }

// decodeLines decodes every line in data with go-logfmt, failing the test on
// any decoding error.
func decodeLines(t testing.TB, data []byte) [][]pair {
	t.Helper()
	var lines [][]pair
	dec := gologfmt.NewDecoder(bytes.NewReader(data))
	for dec.ScanRecord() {
		var line []pair
		for dec.ScanKeyval() {
			line = append(line, pair{string(dec.Key()), string(dec.Value())})
		}
		lines = append(lines, line)
	}
	if err := dec.Err(); err != nil {
		t.Fatalf("go-logfmt cannot decode %q: %v", data, err)
	}
	return lines
}

// get returns the value of the first pair with key, and whether there was one.
func get(line []pair, key string) (string, bool) {
	for _, p := range line {
		if p.key == key {
			return p.value, true
		}
	}
	return "", false
}

// count returns how many pairs of line have key.
func count(line []pair, key string) int {
	n := 0
	for _, p := range line {
		if p.key == key {
			n++
		}
	}
	return n
}
