package main

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	collectortrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/protobuf/proto"
)

// buildSongs builds the songs program and returns its path.
func buildSongs(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "songs")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// spanCollector is an OTLP HTTP receiver that keeps the names of the spans
// it gets and takes metrics without looking at them.
type spanCollector struct {
	mu    sync.Mutex
	names map[string]int
}

func (c *spanCollector) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if r.URL.Path == "/v1/traces" {
		var req collectortrace.ExportTraceServiceRequest
		if err := proto.Unmarshal(body, &req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		c.mu.Lock()
		for _, rs := range req.ResourceSpans {
			for _, ss := range rs.ScopeSpans {
				for _, s := range ss.Spans {
					c.names[s.Name]++
				}
			}
		}
		c.mu.Unlock()
	}
	w.Header().Set("Content-Type", "application/x-protobuf")
}

func (c *spanCollector) count(name string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.names[name]
}

// A container stop is SIGTERM: songs -serve finishes the request, the work
// after it, and exports their spans before it exits 0.
func TestServeDrainsOnSIGTERM(t *testing.T) {
	col := &spanCollector{names: map[string]int{}}
	srv := httptest.NewServer(col)
	defer srv.Close()

	cmd := exec.Command(buildSongs(t), "-serve", "127.0.0.1:0")
	cmd.Env = append(os.Environ(),
		"OTEL_EXPORTER_OTLP_ENDPOINT="+srv.URL,
		"OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf",
		"OTEL_BSP_SCHEDULE_DELAY=600000") // nothing is exported before the stop
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// A safety net, not a measure: a songs that never says it serves, or
	// never stops, is killed rather than left to hang the test run.
	defer time.AfterFunc(time.Minute, func() { _ = cmd.Process.Kill() }).Stop()
	lines := make(chan string, 1024)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var addr string
	for line := range lines {
		if strings.Contains(line, "msg=serving") {
			_, addr, _ = strings.Cut(line, "addr=")
			addr, _, _ = strings.Cut(addr, " ")
			break
		}
	}
	if _, _, err := net.SplitHostPort(addr); err != nil {
		_ = cmd.Process.Kill()
		t.Fatalf("no serving line with an address (%q): %s", addr, stderr.String())
	}

	resp, err := http.Post("http://"+addr+"/songs", "application/json", strings.NewReader(`{"title":"Naima"}`))
	if err != nil {
		_ = cmd.Process.Kill()
		t.Fatal(err)
	}
	resp.Body.Close()
	http.DefaultClient.CloseIdleConnections()
	if resp.StatusCode != http.StatusCreated {
		t.Errorf("POST /songs: %d", resp.StatusCode)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	var rest []string
	for line := range lines {
		rest = append(rest, line)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("songs after SIGTERM: %v\n%s\n%s", err, strings.Join(rest, "\n"), stderr.String())
	}
	for _, name := range []string{"HTTP request", "record.save_event", "index_song"} {
		if col.count(name) != 1 {
			t.Errorf("collector got %d %q spans, want 1", col.count(name), name)
		}
	}
	if !strings.Contains(strings.Join(rest, "\n"), `signal="terminated`) {
		t.Errorf("no line says the stop came from SIGTERM:\n%s", strings.Join(rest, "\n"))
	}
}
