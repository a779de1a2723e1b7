package logfmttest

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// fakeTB records what Golden reports instead of failing the real test.
// Methods it does not override go to the real test.
type fakeTB struct {
	testing.TB
	errors, fatals, logs []string
	helpers              int
}

func (f *fakeTB) Helper() { f.helpers++ }

func (f *fakeTB) Errorf(format string, args ...any) {
	f.errors = append(f.errors, fmt.Sprintf(format, args...))
}

func (f *fakeTB) Fatalf(format string, args ...any) {
	f.fatals = append(f.fatals, fmt.Sprintf(format, args...))
}

func (f *fakeTB) Logf(format string, args ...any) {
	f.logs = append(f.logs, fmt.Sprintf(format, args...))
}

// runGolden runs Golden against a fakeTB and checks that it called Helper
// and never Fatalf.
func runGolden(t *testing.T, path string, got []byte) *fakeTB {
	t.Helper()
	f := &fakeTB{TB: t}
	Golden(f, path, got)
	if f.helpers == 0 {
		t.Error("Golden did not call t.Helper")
	}
	if len(f.fatals) > 0 {
		t.Errorf("Golden called Fatalf: %q", f.fatals)
	}
	return f
}

// setUpdate sets the -update flag for the rest of the test.
func setUpdate(t *testing.T, on bool) {
	t.Helper()
	old := Update()
	if err := flag.Set("update", strconv.FormatBool(on)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = flag.Set("update", strconv.FormatBool(old)) })
}

func writeFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "out.golden")
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestUpdateFlagRegistered(t *testing.T) {
	f := flag.Lookup("update")
	if f == nil {
		t.Fatal("no -update flag registered")
	}
	setUpdate(t, true)
	if !Update() {
		t.Error("Update() = false after -update=true")
	}
	setUpdate(t, false)
	if Update() {
		t.Error("Update() = true after -update=false")
	}
}

func TestGoldenEqual(t *testing.T) {
	setUpdate(t, false)
	content := "level=INFO msg=hi timestamp=<timestamp>\n"
	path := writeFile(t, content)

	f := runGolden(t, path, []byte(content))
	if len(f.errors) > 0 {
		t.Errorf("Golden reported errors for equal content: %q", f.errors)
	}
	Golden(t, path, []byte(content)) // and with a real testing.T
}

func TestGoldenMismatch(t *testing.T) {
	setUpdate(t, false)
	path := writeFile(t, "level=INFO msg=a\nlevel=INFO msg=b\nlevel=INFO msg=c\n")

	f := runGolden(t, path, []byte("level=INFO msg=a\nlevel=INFO msg=B\nlevel=INFO msg=c\n"))
	if len(f.errors) != 1 {
		t.Fatalf("Golden reported %d errors, want 1: %q", len(f.errors), f.errors)
	}
	msg := f.errors[0]
	for _, want := range []string{
		path,
		"(-want +got)",
		"@@ -1,3 +1,3 @@\n  level=INFO msg=a\n- level=INFO msg=b\n+ level=INFO msg=B\n  level=INFO msg=c\n",
		"go test -run '^TestGoldenMismatch$' -update",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("mismatch message does not contain %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "\n\n") {
		t.Errorf("mismatch message has an empty line:\n%s", msg)
	}
}

func TestGoldenMissing(t *testing.T) {
	setUpdate(t, false)
	path := filepath.Join(t.TempDir(), "testdata", "missing.golden")

	f := runGolden(t, path, []byte("x=1\n"))
	if len(f.errors) != 1 {
		t.Fatalf("Golden reported %d errors, want 1: %q", len(f.errors), f.errors)
	}
	for _, want := range []string{path, "does not exist", "go test -run '^TestGoldenMissing$' -update"} {
		if !strings.Contains(f.errors[0], want) {
			t.Errorf("missing-file message does not contain %q:\n%s", want, f.errors[0])
		}
	}
	if _, err := os.Stat(path); err == nil {
		t.Error("Golden created the golden file without -update")
	}
}

func TestGoldenUpdate(t *testing.T) {
	setUpdate(t, true)
	path := filepath.Join(t.TempDir(), "testdata", "nested", "new.golden")
	content := "level=INFO msg=hi\n"

	f := runGolden(t, path, []byte(content))
	if len(f.errors) > 0 {
		t.Fatalf("Golden reported errors under -update: %q", f.errors)
	}
	if len(f.logs) != 1 || !strings.Contains(f.logs[0], path) {
		t.Errorf("Golden logged %q, want one message naming %s", f.logs, path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != content {
		t.Errorf("golden file holds %q, want %q", b, content)
	}

	// Rewriting an existing file with different content does not fail.
	f = runGolden(t, path, []byte("changed\n"))
	if len(f.errors) > 0 {
		t.Errorf("Golden reported errors rewriting under -update: %q", f.errors)
	}
	setUpdate(t, false)
	Golden(t, path, []byte("changed\n"))
}

func TestUpdateCommand(t *testing.T) {
	for name, want := range map[string]string{
		"TestX":           `go test -run '^TestX$' -update`,
		"TestX/case_1.2":  `go test -run '^TestX$/^case_1\.2$' -update`,
		"TestX/it's(fun)": `go test -run '^TestX$/^it'\''s\(fun\)$' -update`,
	} {
		if got := updateCommand(name); got != want {
			t.Errorf("updateCommand(%q) = %s, want %s", name, got, want)
		}
	}
}
