package logfmttest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Empty output is a failure unless the test says it expects none: the
// golden file must not quietly record that nothing was logged.
func TestGoldenFailsOnEmptyOutput(t *testing.T) {
	empty := writeFile(t, "")
	setUpdate(t, false)
	if f := runGolden(t, empty, nil); len(f.errors) != 1 || !strings.Contains(f.errors[0], "empty") {
		t.Errorf("compare, empty output: errors %q, want one about the empty output", f.errors)
	}
	if f := runGolden(t, empty, []byte{}); len(f.errors) != 1 {
		t.Errorf("compare, empty output: errors %q, want one", f.errors)
	}
	f := &fakeTB{TB: t}
	Golden(f, empty, nil, AllowEmpty())
	if len(f.errors) != 0 {
		t.Errorf("AllowEmpty: errors %q, want none", f.errors)
	}

	setUpdate(t, true)
	fresh := filepath.Join(t.TempDir(), "new.golden")
	if f := runGolden(t, fresh, nil); len(f.errors) != 1 {
		t.Errorf("-update, empty output: errors %q, want one", f.errors)
	}
	if _, err := os.Stat(fresh); !os.IsNotExist(err) {
		t.Errorf("-update wrote a golden file from empty output (stat: %v)", err)
	}
	f = &fakeTB{TB: t}
	Golden(f, fresh, nil, AllowEmpty())
	if b, err := os.ReadFile(fresh); err != nil || len(b) != 0 || len(f.errors) != 0 {
		t.Errorf("-update with AllowEmpty: file %q, %v, errors %q; want an empty file", b, err, f.errors)
	}
}

// A program that is not a test may import logfmttest and define -update.
func TestNonTestProgramKeepsItsOwnUpdateFlag(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "ownupdate")
	if out, err := exec.Command("go", "build", "-o", bin, "./testdata/ownupdate").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "-update").CombinedOutput()
	if err != nil {
		t.Fatalf("the program failed: %v\n%s", err, out)
	}
	if got := strings.TrimSpace(string(out)); got != "update: true golden update: true" {
		t.Errorf("printed %q", got)
	}
}
