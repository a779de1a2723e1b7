package main

import (
	"bytes"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spanlog/spanlog"
	"github.com/spanlog/spanlog/logfmt/logfmttest"
)

// The quickstart's lines, with ids made sequential and times scrubbed, are
// a reviewed golden file: any change to the line format shows up here.
func TestQuickstartGolden(t *testing.T) {
	var buf bytes.Buffer
	ctx := context.Background()
	p, err := spanlog.New(ctx, spanlog.WithWriter(&buf), spanlog.WithIDGenerator(logfmttest.NewIDGenerator()))
	if err != nil {
		t.Fatal(err)
	}
	handleRequest(ctx, p.TracerProvider().Tracer("quickstart"), p.Logger())
	if err := p.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	logfmttest.Golden(t, "testdata/quickstart.golden", logfmttest.Scrub(buf.Bytes()))
}

// With the collector down, over either protocol, the quickstart exits 0,
// saying on WARN lines what was not delivered.
func TestExitsZeroWithCollectorDown(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "quickstart")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := "http://" + lis.Addr().String()
	lis.Close()
	for _, protocol := range []string{"http/protobuf", "grpc"} {
		t.Run(protocol, func(t *testing.T) {
			cmd := exec.Command(bin)
			cmd.Env = append(os.Environ(), "OTEL_EXPORTER_OTLP_ENDPOINT="+down,
				"OTEL_EXPORTER_OTLP_PROTOCOL="+protocol, "OTEL_EXPORTER_OTLP_INSECURE=true")
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("quickstart with the collector down: %v\n%s%s", err, stdout.String(), stderr.String())
			}
			if !strings.Contains(stdout.String(), `level=WARN msg="telemetry not fully delivered"`) {
				t.Errorf("no WARN line about what was not delivered:\n%s", stdout.String())
			}
		})
	}
}
