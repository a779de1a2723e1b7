//go:build e2e

package spanlog_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spanlog/spanlog/internal/jaegertest"
)

// TestE2EExamplesAgainstJaeger points every example at Jaeger exactly as a
// new user would, without OTEL_METRICS_EXPORTER=none: Jaeger takes the
// traces and refuses the metrics, and each example still exits 0, saying
// so on one WARN line when it prints to stdout.
func TestE2EExamplesAgainstJaeger(t *testing.T) {
	if _, ok := jaegertest.FromEnv(); !ok {
		t.Skip("JAEGER_QUERY_URL not set: run e2e/jaeger/run")
	}
	dir := t.TempDir()
	examples := []string{"songs", "quickstart", "hybrid", "trading"}
	for _, name := range examples {
		if out, err := exec.Command("go", "build", "-o", filepath.Join(dir, name), "./examples/"+name).CombinedOutput(); err != nil {
			t.Fatalf("build %s: %v\n%s", name, err, out)
		}
	}
	for _, protocol := range []string{"http/protobuf", "grpc"} {
		for _, name := range examples {
			t.Run(protocol+"/"+name, func(t *testing.T) {
				cmd := exec.Command(filepath.Join(dir, name))
				cmd.Env = append(os.Environ(),
					"OTEL_EXPORTER_OTLP_ENDPOINT="+jaegertest.OTLPEndpoint(protocol),
					"OTEL_EXPORTER_OTLP_PROTOCOL="+protocol,
					"OTEL_EXPORTER_OTLP_INSECURE=true")
				var stdout, stderr bytes.Buffer
				cmd.Stdout, cmd.Stderr = &stdout, &stderr
				start := time.Now()
				err := cmd.Run()
				t.Logf("%s over %s: exit %v after %v", name, protocol, cmd.ProcessState.ExitCode(), time.Since(start).Round(time.Millisecond))
				if err != nil {
					t.Fatalf("%v\n%s", err, stderr.String())
				}
				// Lines about telemetry, leaving out the examples' own
				// warnings (quickstart's "checkout failed").
				var warnings []string
				for _, line := range strings.Split(stdout.String(), "\n") {
					if strings.HasPrefix(line, "level=WARN") && (strings.Contains(line, "signal=") ||
						strings.Contains(line, "telemetry") || strings.Contains(line, "opentelemetry")) {
						warnings = append(warnings, line)
					}
				}
				if len(warnings) != 1 || !strings.Contains(warnings[0], "signal=metrics") ||
					!strings.Contains(warnings[0], "OTEL_METRICS_EXPORTER=none") {
					t.Errorf("want one WARN line about telemetry, on the refused metrics, got %q", warnings)
				}
			})
		}
	}
}
