package logfmttest

import (
	"bytes"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// In a test binary, this package registers -update on the command line's
// flag set, unless a package initialized earlier already did. In any other
// program it registers nothing, so importing it never clashes with the
// program's own flags.
func init() {
	if testing.Testing() && flag.Lookup("update") == nil {
		flag.Bool("update", false, "write golden files compared by logfmttest.Golden instead of comparing")
	}
}

// Update reports whether the tests run with -update, that is whether
// [Golden] writes golden files instead of comparing with them. It looks the
// flag up when called: if another package registered a flag named "update"
// first, Update reports that flag's value (through [flag.Getter], or its
// String form); with no such flag, as outside tests, it reports false.
func Update() bool {
	updateFlag := flag.Lookup("update")
	if updateFlag == nil {
		return false
	}
	if g, ok := updateFlag.Value.(flag.Getter); ok {
		if v, ok := g.Get().(bool); ok {
			return v
		}
	}
	v, _ := strconv.ParseBool(updateFlag.Value.String())
	return v
}

// Golden compares got with the contents of the golden file at path and
// reports through t.Errorf if they differ, so the test goes on and fails at
// its end. The comparison is byte for byte; the report is a line diff (see
// below) and a go test command that would rewrite the file.
//
// If the file does not exist, Golden reports that, with the go test command
// (including -update) that would create it.
//
// When the tests run with -update (see [Update]), Golden instead writes got
// to path, creating missing directories, and records that it did with
// t.Logf; it fails the test only if writing fails.
//
// The diff lists lines only in the golden file with the prefix "- ", lines
// only in got with "+ ", and a few unchanged lines around each change with
// "  ". Longer unchanged stretches are left out; each group of changes is
// headed by "@@ -l,n +l,n @@", giving its first line and line count in the
// golden file and in got. For very large inputs the report shows only the
// first differing line from both sides.
//
// Empty output fails the comparison, and is never written as a golden
// file, unless the call passes [AllowEmpty]: a test whose code under test
// logged nowhere (a pipeline built but never installed, say) would
// otherwise pass against an empty file forever.
//
// Golden calls t.Helper, so failures point at its caller. It never calls
// t.Fatal or t.FailNow.
func Golden(t testing.TB, path string, got []byte, opts ...GoldenOption) {
	t.Helper()
	var o goldenOptions
	for _, opt := range opts {
		opt(&o)
	}
	if len(got) == 0 && !o.allowEmpty {
		t.Errorf("golden file %s: the output is empty; did the code under test log somewhere else? "+
			"(pass logfmttest.AllowEmpty() if no output is what the test expects)", path)
		return
	}
	if Update() {
		if err := writeGolden(path, got); err != nil {
			t.Errorf("golden file %s: %v", path, err)
			return
		}
		t.Logf("golden file %s: updated (-update)", path)
		return
	}

	want, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		t.Errorf("golden file %s does not exist; to create it, run in the package directory:\n\t%s", path, updateCommand(t.Name()))
		return
	}
	if err != nil {
		t.Errorf("golden file %s: %v", path, err)
		return
	}
	if bytes.Equal(want, got) {
		return
	}
	t.Errorf("output differs from golden file %s (-want +got):\n%s\nif the new output is right, run in the package directory:\n\t%s",
		path, strings.TrimSuffix(lineDiff(want, got), "\n"), updateCommand(t.Name()))
}

// GoldenOption changes what [Golden] accepts.
type GoldenOption func(*goldenOptions)

type goldenOptions struct{ allowEmpty bool }

// AllowEmpty lets [Golden] compare and write empty output, for a test that
// expects its code to log nothing.
func AllowEmpty() GoldenOption { return func(o *goldenOptions) { o.allowEmpty = true } }

// writeGolden writes got to path, creating missing directories.
func writeGolden(path string, got []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, got, 0o644)
}

// updateCommand returns a go test command that reruns only the test named
// name, with -update, in the current package. The -run pattern is quoted
// for a POSIX shell.
func updateCommand(name string) string {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	pattern := strings.ReplaceAll(strings.Join(parts, "/"), "'", `'\''`)
	return "go test -run '" + pattern + "' -update"
}
