//go:build e2e

package spanlog_test

import (
	"path/filepath"
	"strings"
	"testing"

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
	dir := buildExamples(t)
	for _, protocol := range []string{"http/protobuf", "grpc"} {
		for _, name := range examples {
			t.Run(protocol+"/"+name, func(t *testing.T) {
				warnings := telemetryWarnings(runExample(t, filepath.Join(dir, name), jaegertest.OTLPEndpoint(protocol), protocol))
				if len(warnings) != 1 || !strings.Contains(warnings[0], "signal=metrics") ||
					!strings.Contains(warnings[0], "OTEL_METRICS_EXPORTER=none") {
					t.Errorf("want one WARN line about telemetry, on the refused metrics, got %q", warnings)
				}
			})
		}
	}
}
