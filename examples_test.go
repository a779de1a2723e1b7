package spanlog_test

import (
	"bytes"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// examples are the runnable programs under examples/.
var examples = []string{"songs", "quickstart", "hybrid", "trading"}

// buildExamples builds every example into a temporary directory and
// returns it.
func buildExamples(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range examples {
		if out, err := exec.Command("go", "build", "-o", filepath.Join(dir, name), "./examples/"+name).CombinedOutput(); err != nil {
			t.Fatalf("build %s: %v\n%s", name, err, out)
		}
	}
	return dir
}

// runExample runs a built example against the OTLP endpoint over
// protocol, logs how long it took, and returns its output; a non-zero
// exit fails the test.
func runExample(t *testing.T, bin, endpoint, protocol string) string {
	t.Helper()
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "OTEL_EXPORTER_OTLP_ENDPOINT="+endpoint,
		"OTEL_EXPORTER_OTLP_PROTOCOL="+protocol, "OTEL_EXPORTER_OTLP_INSECURE=true")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	t.Logf("%s over %s: exit %d after %v", filepath.Base(bin), protocol, cmd.ProcessState.ExitCode(), time.Since(start).Round(time.Millisecond))
	if err != nil {
		t.Fatalf("%v\n%s%s", err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

// telemetryWarnings returns the WARN lines about telemetry, leaving out
// the examples' own warnings (quickstart's "checkout failed").
func telemetryWarnings(out string) []string {
	var warnings []string
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "level=WARN") && (strings.Contains(line, "signal=") ||
			strings.Contains(line, "telemetry") || strings.Contains(line, "opentelemetry")) {
			warnings = append(warnings, line)
		}
	}
	return warnings
}

// With the collector down, over either protocol, every example exits 0
// and says what was not delivered on one WARN line: telemetry that cannot go
// out is never a failure of the program.
func TestExamplesExitZeroWithCollectorDown(t *testing.T) {
	dir := buildExamples(t)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := "http://" + lis.Addr().String()
	lis.Close()
	for _, protocol := range []string{"http/protobuf", "grpc"} {
		for _, name := range examples {
			t.Run(protocol+"/"+name, func(t *testing.T) {
				t.Parallel() // each may wait its 5 s shutdown budget
				warnings := telemetryWarnings(runExample(t, filepath.Join(dir, name), down, protocol))
				if len(warnings) != 1 || !strings.Contains(warnings[0], "not exported") {
					t.Errorf("want one WARN line saying what was not exported, got %q", warnings)
				}
			})
		}
	}
}
