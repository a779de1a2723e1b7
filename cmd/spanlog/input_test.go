package main

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// Other programs' output, binary junk, CRLF line endings, a spanlog line
// cut in the middle and a line longer than 1 MiB: the first ones pass
// through with controls escaped, the long one is skipped and counted on
// standard error, and the spanlog lines around them still make their tree.
func TestForeignLines(t *testing.T) {
	junk := make([]byte, 4096)
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range junk {
		junk[i] = byte(rng.IntN(256))
	}
	junk = bytes.ReplaceAll(junk, []byte("\n"), nil)

	var in lines
	tr := traceHex(1)
	in.open(0, tr, spanHex(1), "", "request")
	in.raw("panic: something\r")
	in.raw("\tgoroutine 1 [running]:")
	in.raw("\x1b]0;new title\x07\x1b[2J")
	in.raw(string(junk))
	in.raw(strings.Repeat("x", maxLineBytes+10))
	in.raw(`level=INFO msg="cut in the mid`)
	in.close(1, "INFO", tr, spanHex(1), "", "request", 1)

	var treeOut string
	for _, cmd := range []string{"tree", "pretty"} {
		code, out, errOut := runCLI(t, in.String(), cmd)
		if cmd == "tree" {
			treeOut = out
		}
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", cmd, code, errOut)
		}
		if errOut != "spanlog: skipped 1 line longer than 1048576 bytes\n" {
			t.Errorf("%s: stderr %q", cmd, errOut)
		}
		for _, want := range []string{
			"panic: something\n", // the \r of a CRLF line ending is dropped
			"\tgoroutine 1 [running]:\n",
			`\u001b]0;new title\u0007\u001b[2J` + "\n",
			`level=INFO msg="cut in the mid` + "\n",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: output lacks %q", cmd, want)
			}
		}
		if strings.Contains(out, "xxxxxxxx") {
			t.Errorf("%s: the over-long line was printed", cmd)
		}
		assertSafe(t, out)
	}
	if got := trees(treeOut); len(got) != 1 || !strings.Contains(got[0], "request  1.000 ms") {
		t.Errorf("the span around the junk:\n%s", got)
	}
}

// assertSafe fails unless s could go to a terminal without moving the
// cursor or reordering text: no controls but newline and tab, no C1
// controls, bidi controls or separators, valid UTF-8, and no escape
// sequences but spanlog's own SGR colours.
func assertSafe(t *testing.T, s string) {
	t.Helper()
	for _, sgr := range []string{colors.reset, colors.dim, colors.bold, colors.red, colors.yellow, colors.green, colors.blue, colors.magenta, colors.cyan} {
		s = strings.ReplaceAll(s, sgr, "")
	}
	if !utf8.ValidString(s) {
		t.Fatalf("output is not valid UTF-8")
	}
	for i, r := range s {
		if r != '\n' && r != '\t' && !unicode.IsPrint(r) {
			t.Fatalf("output holds %U at byte %d: %q", r, i, s[max(0, i-20):min(len(s), i+20)])
		}
	}
}

// A long file read in pieces, lines of every length up to the buffer and
// beyond, with and without a final line ending, gives back every line that
// fits, whole.
func TestLineReader(t *testing.T) {
	var in bytes.Buffer
	var want []string
	for _, n := range []int{0, 1, 100, 4095, 4096, 4097, maxLineBytes - 1, maxLineBytes, maxLineBytes + 1, 3 * maxLineBytes, 5} {
		line := strings.Repeat("a", n)
		in.WriteString(line + "\n")
		if n <= maxLineBytes {
			want = append(want, line)
		}
	}
	in.WriteString("last")
	want = append(want, "last")

	lr := newLineReader(io.MultiReader(bytes.NewReader(in.Bytes()[:5000]), bytes.NewReader(in.Bytes()[5000:])))
	var got []string
	for {
		line, err := lr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, string(line))
	}
	if len(got) != len(want) {
		t.Fatalf("got %d lines, want %d", len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("line %d: %d bytes, want %d", i, len(got[i]), len(want[i]))
		}
	}
	if lr.tooLong != 2 {
		t.Errorf("tooLong = %d, want 2", lr.tooLong)
	}
}

func TestCommandLine(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "a.log")
	if err := os.WriteFile(file, []byte("hello\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args     []string
		code     int
		out, err string // substrings
	}{
		{nil, 2, "", "Usage:"},
		{[]string{"help"}, 0, "spanlog tree", ""},
		{[]string{"nope"}, 2, "", `unknown command "nope"`},
		{[]string{"tree", "-h"}, 0, "pass through", ""},
		{[]string{"pretty", "--help"}, 0, "pass through", ""},
		{[]string{"tree", "--color", "sometimes"}, 2, "", "--color must be auto, always or never"},
		{[]string{"tree", "--trace", "xyz"}, 2, "", "want up to 32 hex digits"},
		{[]string{"tree", "--follow", file, file}, 2, "", "--follow reads one FILE at most"},
		{[]string{"tree", "--slow", "-1s"}, 2, "", "must not be negative"},
		{[]string{"tree", "--bogus"}, 2, "", "flag provided but not defined"},
		{[]string{"pretty", "--errors"}, 2, "", "flag provided but not defined"},
		{[]string{"tree", filepath.Join(dir, "missing.log")}, 1, "", "no such file"},
		// Flags may follow the files; after --, everything is a file.
		{[]string{"pretty", file, "--color", "never"}, 0, "hello", ""},
		{[]string{"pretty", "--", file}, 0, "hello", ""},
		{[]string{"pretty", file, file}, 0, "hello\nhello\n", ""},
	} {
		code, out, errOut := runCLI(t, "", tc.args...)
		if code != tc.code || !strings.Contains(out, tc.out) || !strings.Contains(errOut, tc.err) {
			t.Errorf("spanlog %q: exit %d, stdout %q, stderr %q; want exit %d, %q, %q",
				tc.args, code, trim(out), trim(errOut), tc.code, tc.out, tc.err)
		}
	}
}

func trim(s string) string {
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}

// --color auto colours only a terminal: a pipe, a buffer or NO_COLOR, or
// TERM=dumb, turn it off.
func TestColorAuto(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	noEnv := func(string) string { return "" }
	for _, tc := range []struct {
		mode   string
		out    io.Writer
		getenv func(string) string
		color  bool
	}{
		{"auto", w, noEnv, false},
		{"auto", &bytes.Buffer{}, noEnv, false},
		{"always", &bytes.Buffer{}, noEnv, true},
		{"never", w, noEnv, false},
	} {
		st, err := chooseStyle(tc.mode, tc.out, tc.getenv)
		if err != nil || (st.reset != "") != tc.color {
			t.Errorf("chooseStyle(%s, %T): colour %v, %v; want %v", tc.mode, tc.out, st.reset != "", err, tc.color)
		}
	}
	// The tmux test shows auto colouring a real terminal, and NO_COLOR
	// turning it off there.
}

// FuzzCommands feeds arbitrary input to tree and pretty: neither panics,
// both exit 0, and what they print is safe for a terminal.
func FuzzCommands(f *testing.F) {
	for _, name := range []string{"quickstart.log", "edge.log"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, uint8(0))
	}
	var in lines
	tr := traceHex(1)
	in.close(1, "ERROR", tr, spanHex(1), spanHex(2), "a", 1, "links="+tr+"-"+spanHex(2)+",x")
	in.close(2, "INFO", tr, spanHex(2), spanHex(1), "b", 1, "line_truncated=5")
	in.event(3, "INFO", tr, spanHex(3), "m", "replayed=true")
	f.Add([]byte(in.String()), uint8(1))
	f.Fuzz(func(t *testing.T, input []byte, mode uint8) {
		args := [][]string{
			{"tree", "--color", "never"},
			{"tree", "--color", "always", "-fields", "--linger", "0", "--evict-after", "1ms"},
			{"pretty", "--color", "never"},
			{"tree", "--errors", "--slow", "1us", "--trace", "0"},
		}[mode%4]
		var out, errOut bytes.Buffer
		if code := run(t.Context(), args, testEnv(bytes.NewReader(input), &out, &errOut)); code != 0 {
			t.Fatalf("exit %d: %s", code, errOut.String())
		}
		assertSafe(t, out.String())
	})
}

// cancelOnSecondRead hands out first, then on the next read cancels the
// command's context and hands out second: an interrupt arriving while
// the command waits for input.
type cancelOnSecondRead struct {
	first, second string
	cancel        context.CancelFunc
	reads         int
}

func (r *cancelOnSecondRead) Read(p []byte) (int, error) {
	r.reads++
	switch r.reads {
	case 1:
		return copy(p, r.first), nil
	case 2:
		r.cancel()
		return copy(p, r.second), nil
	}
	return 0, io.EOF
}

// An interrupt stops the reading: lines after it are not read, and the
// traces held print as they are, marked incomplete.
func TestInterruptPrintsWhatIsHeld(t *testing.T) {
	var first, second lines
	first.open(0, traceHex(1), spanHex(1), "", "in_flight")
	second.raw("read after the interrupt")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	in := &cancelOnSecondRead{first: first.String(), second: second.String(), cancel: cancel}
	var out, errOut bytes.Buffer
	if code := run(ctx, []string{"tree"}, testEnv(in, &out, &errOut)); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "in_flight  open") ||
		!strings.Contains(out.String(), "(incomplete: 1 span still open at the end of the input)") ||
		strings.Contains(out.String(), "after the interrupt") {
		t.Errorf("output:\n%s", out.String())
	}
}
