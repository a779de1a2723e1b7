package main

import (
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// The songs demo, run live (go run ../../examples/songs) and piped into
// tree, as the README shows: nine whole request trees, the eight saved
// songs each with their three vendor and store spans, the refused one at
// ERROR; eight index traces, each linked to the request that scheduled it;
// nothing incomplete or split. Its ids and times differ run to run, so it
// checks the shape; the goldens check the rest. Skipped with -short.
func TestSongsDemoLive(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the songs example")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	demo, err := exec.Command(goTool, "run", "../../examples/songs").Output()
	if err != nil {
		t.Fatalf("go run ../../examples/songs: %v", err)
	}
	out := mustRun(t, string(demo), "tree")
	if strings.Contains(out, "incomplete") || strings.Contains(out, "continued") {
		t.Errorf("a trace was split or left open:\n%s", out)
	}

	requestID := map[string]bool{} // short trace ids of the requests
	var requests, failed, indexes int
	for _, tree := range trees(out) {
		rows := strings.Split(tree, "\n")
		id := strings.Fields(rows[0])[1][:8]
		switch root := rows[1]; {
		case strings.HasPrefix(root, "HTTP request ERROR "):
			failed++
			// its DEBUG detail, replayed by the tail buffer, then the error
			if len(rows) != 4 || !strings.Contains(rows[2], "DEBUG decoded body") || !strings.Contains(rows[2], "(replayed)") ||
				!strings.Contains(rows[3], "ERROR rejected song") {
				t.Errorf("refused request:\n%s", tree)
			}
		case strings.HasPrefix(root, "HTTP request "):
			requests++
			requestID[id] = true
			for _, child := range []string{"├─ vendor.lastfm.task ", "├─ vendor.cdbaby.task ", "├─ record.save_event ", "└─ INFO song saved "} {
				if !strings.Contains(tree, "\n"+child) {
					t.Errorf("request tree lacks %q:\n%s", child, tree)
				}
			}
		case strings.HasPrefix(root, "index_song "):
			indexes++
			link := regexp.MustCompile(`→ trace ([0-9a-f]{8})`).FindStringSubmatch(root)
			if link == nil || !requestID[link[1]] {
				t.Errorf("index trace not linked to a request printed before it:\n%s", tree)
			}
		default:
			t.Errorf("unexpected tree:\n%s", tree)
		}
	}
	if requests != 8 || failed != 1 || indexes != 8 {
		t.Errorf("%d request trees, %d refused, %d index trees; want 8, 1, 8:\n%s", requests, failed, indexes, out)
	}
}
