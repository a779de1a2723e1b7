package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The command run in a real terminal, a tmux pane, read back with
// capture-pane: what a person sees. --color always and --color auto colour
// the screen (ERROR red, WARN yellow, INFO green, span names bold, shares
// dimmed); auto leaves a pipe, and NO_COLOR, uncoloured; the text on screen
// is the golden file's. Skipped when tmux is not installed.
func TestTerminal(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to build the binary with")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "spanlog")
	if out, err := exec.Command(goTool, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	input, err := filepath.Abs(filepath.Join("testdata", "quickstart.log"))
	if err != nil {
		t.Fatal(err)
	}
	golden, err := os.ReadFile(filepath.Join("testdata", "quickstart.tree.golden"))
	if err != nil {
		t.Fatal(err)
	}
	tm := startTmux(t, dir)

	// What shows how: the rune starting at within the first in on screen.
	// None depend on the ids or times of the capture.
	type probe struct {
		in, at string
		want   cell
	}
	colored := []probe{
		{"trace ", "trace", cell{bold: true}},
		{"checkout ", "checkout", cell{bold: true}},
		{"100.0%", "100.0%", cell{dim: true}},
		{"charge_card ERROR", "charge_card", cell{bold: true, fg: 31}},
		{"charge_card ERROR", "ERROR", cell{fg: 31}},
		{"INFO cart loaded", "INFO", cell{fg: 32}},
		{"INFO cart loaded", "cart", cell{}},
		{"WARN checkout", "WARN", cell{fg: 33}},
		{"items=3", "items=", cell{dim: true}},
		{"items=3", "3", cell{}},
		{"├─ load_cart", "├─", cell{dim: true}},
		{"ERROR payment", "ERROR", cell{fg: 31}},
		{"exception.message=", "exception.message=", cell{dim: true}},
	}
	var plain []probe
	for _, p := range colored {
		plain = append(plain, probe{p.in, p.at, cell{}})
	}
	for _, tc := range []struct {
		name, command string
		want          []probe
	}{
		{"always", "%s tree --color always %s", colored},
		{"auto", "env -u NO_COLOR %s tree --color auto %s", colored},
		{"auto-pipe", "env -u NO_COLOR %s tree %s | cat", plain},
		{"auto-no-color", "env NO_COLOR=1 %s tree %s", plain},
		{"never", "%s tree --color never %s", plain},
	} {
		t.Run(tc.name, func(t *testing.T) {
			screen, text := tm.run(tc.name, fmt.Sprintf(tc.command, quote(bin), quote(input)))
			if strings.TrimRight(text, "\n") != strings.TrimRight(string(golden), "\n") {
				t.Errorf("screen text differs from testdata/quickstart.tree.golden:\n%s", text)
			}
			for _, p := range tc.want {
				got, ok := screen.find(p.in, p.at)
				if !ok {
					t.Errorf("%q is not on the screen", p.in)
				} else if got != p.want {
					t.Errorf("%q in %q shows as %+v, want %+v", p.at, p.in, got, p.want)
				}
			}
		})
	}
}

// tmux is a tmux server of the test's own, on a socket in its directory.
type tmux struct {
	t      *testing.T
	socket string
	conf   string
}

func startTmux(t *testing.T, dir string) *tmux {
	tm := &tmux{t: t, socket: filepath.Join(dir, "tmux.sock"), conf: filepath.Join(dir, "tmux.conf")}
	// Panes stay after their command ends, so they can be captured.
	if err := os.WriteFile(tm.conf, []byte("set -g remain-on-exit on\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { exec.Command("tmux", "-S", tm.socket, "kill-server").Run() })
	return tm
}

func (tm *tmux) cmd(args ...string) string {
	tm.t.Helper()
	c := exec.Command("tmux", append([]string{"-S", tm.socket, "-f", tm.conf}, args...)...)
	c.Env = append(os.Environ(), "TERM=xterm-256color")
	out, err := c.CombinedOutput()
	if err != nil {
		tm.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// run runs command in a new 200×50 pane, waits for it to end (tmux
// wait-for, signalled by the pane) and returns the screen with its
// attributes, and its text alone.
func (tm *tmux) run(name, command string) (screen, string) {
	tm.t.Helper()
	done := "done-" + name
	tm.cmd("new-session", "-d", "-x", "200", "-y", "50", "-s", name,
		command+"; tmux -S "+quote(tm.socket)+" wait-for -S "+done)
	tm.cmd("wait-for", done)
	withSGR := tm.cmd("capture-pane", "-p", "-e", "-S", "-", "-t", name)
	text := tm.cmd("capture-pane", "-p", "-S", "-", "-t", name)
	var kept []string
	for _, line := range strings.Split(text, "\n") {
		if !strings.HasPrefix(line, "Pane is dead") {
			kept = append(kept, line)
		}
	}
	return parseScreen(withSGR), strings.TrimRight(strings.Join(kept, "\n"), "\n") + "\n"
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// cell is how a character shows: its foreground colour (30-37, 0 for the
// default), bold and dim.
type cell struct {
	fg        int
	bold, dim bool
}

// screen is captured text with the attributes of each rune.
type screen struct {
	text  []rune
	cells []cell
}

// parseScreen reads capture-pane -e output: text with SGR sequences.
func parseScreen(s string) screen {
	var sc screen
	var cur cell
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		if rs[i] != '\x1b' || i+1 >= len(rs) || rs[i+1] != '[' {
			sc.text = append(sc.text, rs[i])
			sc.cells = append(sc.cells, cur)
			continue
		}
		j := i + 2
		for j < len(rs) && (rs[j] >= '0' && rs[j] <= '9' || rs[j] == ';') {
			j++
		}
		if j < len(rs) && rs[j] == 'm' {
			cur = applySGR(cur, string(rs[i+2:j]))
		}
		i = j
	}
	return sc
}

func applySGR(c cell, params string) cell {
	ps := strings.Split(params, ";")
	for k := 0; k < len(ps); k++ {
		n, _ := strconv.Atoi(ps[k]) // "" is 0, a reset
		switch {
		case n == 0:
			c = cell{}
		case n == 1:
			c.bold = true
		case n == 2:
			c.dim = true
		case n == 22:
			c.bold, c.dim = false, false
		case 30 <= n && n <= 37:
			c.fg = n
		case n == 39:
			c.fg = 0
		case n == 38 || n == 48: // extended colours: skip their arguments
			if k+1 < len(ps) && ps[k+1] == "5" {
				k += 2
			} else if k+1 < len(ps) && ps[k+1] == "2" {
				k += 4
			}
		}
	}
	return c
}

// find returns how the first rune of at shows, within the first
// occurrence of in on the screen.
func (s screen) find(in, at string) (cell, bool) {
	text := string(s.text)
	i := strings.Index(text, in)
	j := strings.Index(in, at)
	if i < 0 || j < 0 {
		return cell{}, false
	}
	return s.cells[len([]rune(text[:i+j]))], true
}
