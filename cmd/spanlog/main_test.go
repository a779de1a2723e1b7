package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// testEnv is an env over in-memory streams, with no environment variables
// and a clock that never ticks.
func testEnv(stdin io.Reader, stdout, stderr io.Writer) env {
	return env{
		stdin:    stdin,
		stdout:   stdout,
		stderr:   stderr,
		getenv:   func(string) string { return "" },
		openFile: os.Open,
		now:      time.Now,
		ticker:   func() (<-chan time.Time, func()) { return nil, func() {} },
	}
}

// runCLI runs the command with args over stdin and returns its exit
// status, standard output and standard error.
func runCLI(t testing.TB, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, testEnv(strings.NewReader(stdin), &out, &errOut))
	return code, out.String(), errOut.String()
}

// mustRun runs the command and fails the test unless it exits with 0 and
// writes nothing to standard error.
func mustRun(t testing.TB, stdin string, args ...string) string {
	t.Helper()
	code, out, errOut := runCLI(t, stdin, args...)
	if code != 0 || errOut != "" {
		t.Fatalf("spanlog %s: exit %d, stderr %q", strings.Join(args, " "), code, errOut)
	}
	return out
}
