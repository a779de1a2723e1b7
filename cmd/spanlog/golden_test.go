package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/spanlog/spanlog/logfmt/logfmttest"
)

// The examples' captured output (testdata/<example>.log, recaptured with
// go generate) and testdata/edge.log, which gathers the odd cases, through
// tree and pretty: each golden file was reviewed by eye.
func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		golden string
		args   string
		input  string
	}{
		{"quickstart.tree", "tree", "quickstart.log"},
		{"quickstart.pretty", "pretty", "quickstart.log"},
		{"quickstart.tree-color", "tree --color always", "quickstart.log"},
		{"quickstart.pretty-color", "pretty --color always", "quickstart.log"},
		{"songs.tree", "tree", "songs.log"},
		{"songs.pretty", "pretty", "songs.log"},
		{"songs.tree-fields", "tree -fields", "songs.log"},
		{"songs.tree-errors", "tree --errors", "songs.log"},
		{"trading.tree", "tree", "trading.log"},
		{"trading.pretty", "pretty", "trading.log"},
		{"trading.tree-slow", "tree --slow 900us", "trading.log"},
		{"hybrid.tree", "tree", "hybrid.log"},
		{"hybrid.pretty", "pretty", "hybrid.log"},
		// Without waiting, each part of a trace handed on after its root
		// closed prints as a continuation.
		{"hybrid.tree-linger0", "tree --linger 0", "hybrid.log"},
		{"edge.tree", "tree", "edge.log"},
		{"edge.tree-fields", "tree -fields", "edge.log"},
		{"edge.pretty", "pretty", "edge.log"},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			args := append(strings.Fields(tc.args), filepath.Join("testdata", tc.input))
			out := mustRun(t, "", args...)
			logfmttest.Golden(t, filepath.Join("testdata", tc.golden+".golden"), []byte(out))
		})
	}
}
