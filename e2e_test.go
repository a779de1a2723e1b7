//go:build e2e

package spanlog_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/spanlog/spanlog/internal/jaegertest"
)

// TestE2EShutdownFlushes runs a program that exits right after ending its
// only span, with batching export to Jaeger: the span must be there.
func TestE2EShutdownFlushes(t *testing.T) {
	jaeger, ok := jaegertest.FromEnv()
	if !ok {
		t.Skip("JAEGER_QUERY_URL not set: run e2e/jaeger/run")
	}
	bin := filepath.Join(t.TempDir(), "shortlived")
	if out, err := exec.Command("go", "build", "-o", bin, "./e2e/shortlived").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	for _, protocol := range []string{"http/protobuf", "grpc"} {
		service := fmt.Sprintf("shortlived-%d", time.Now().UnixNano())
		cmd := exec.Command(bin, service)
		cmd.Env = append(os.Environ(),
			"OTEL_EXPORTER_OTLP_ENDPOINT="+jaegertest.OTLPEndpoint(protocol),
			"OTEL_EXPORTER_OTLP_PROTOCOL="+protocol,
			"OTEL_EXPORTER_OTLP_INSECURE=true",
			"OTEL_METRICS_EXPORTER=none") // Jaeger takes traces only
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", protocol, err, out)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		traces, err := jaeger.WaitForSpans(ctx, service, 1)
		cancel()
		if err != nil {
			t.Fatalf("%s: %v", protocol, err)
		}
		if s := jaegertest.AllSpans(traces); s[0].OperationName != "last_words" {
			t.Errorf("%s: stored span %q", protocol, s[0].OperationName)
		}
	}
}
