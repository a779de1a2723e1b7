package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is a wall clock that moves only when a test moves it.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) add(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	return c.t
}

// following is a run of "spanlog ... --follow" on its own goroutine, with
// a fake clock and ticks the test sends.
type following struct {
	t     *testing.T
	clock *fakeClock
	ticks chan time.Time
	out   chan string // output lines
	code  chan int
	stop  context.CancelFunc
	step  time.Duration // how far the clock moves at each tick
}

func startFollowing(t *testing.T, stdin io.Reader, step time.Duration, args ...string) *following {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	outR, outW := io.Pipe()
	f := &following{
		t:     t,
		clock: &fakeClock{t: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)},
		ticks: make(chan time.Time),
		out:   make(chan string, 1000),
		code:  make(chan int, 1),
		stop:  cancel,
		step:  step,
	}
	e := testEnv(stdin, outW, io.Discard)
	e.now = f.clock.now
	e.ticker = func() (<-chan time.Time, func()) { return f.ticks, func() {} }
	go func() {
		f.code <- run(ctx, args, e)
		outW.Close()
	}()
	go func() {
		sc := bufio.NewScanner(outR)
		for sc.Scan() {
			f.out <- sc.Text()
		}
		close(f.out)
	}()
	return f
}

// tickUntil moves the clock on and ticks, one step at a time, until an
// output line contains want, and returns the output up to it. Before each
// step it sends a tick without moving the clock, which makes the command
// do nothing new: that send returns only once the command is back from
// whatever it was doing (taking in lines, handling the last tick), so the
// clock never moves under it. It fails the test after maxTicks steps
// (none: -1) without want, or if nothing came for ten seconds of real time
// (a guard against hanging, not a wait).
func (f *following) tickUntil(want string, maxTicks int) string {
	f.t.Helper()
	var got []string
	guard := time.After(10 * time.Second)
	take := func(line string, ok bool) bool {
		if !ok {
			f.t.Fatalf("output ended before %q:\n%s", want, strings.Join(got, "\n"))
		}
		got = append(got, line)
		return strings.Contains(line, want)
	}
	tick := func(at time.Time) {
		select {
		case f.ticks <- at:
		case <-guard:
			f.t.Fatalf("the command took no tick for 10s; output:\n%s", strings.Join(got, "\n"))
		}
	}
	for steps := 0; steps != maxTicks; steps++ {
		tick(f.clock.now()) // the command is idle now
		for drained := false; !drained; {
			select {
			case line, ok := <-f.out:
				if take(line, ok) {
					return strings.Join(got, "\n")
				}
			default:
				drained = true
			}
		}
		tick(f.clock.add(f.step))
	}
	for { // no more steps: what is left to come must come by itself
		select {
		case line, ok := <-f.out:
			if take(line, ok) {
				return strings.Join(got, "\n")
			}
		case <-guard:
			f.t.Fatalf("no %q after %d ticks:\n%s", want, maxTicks, strings.Join(got, "\n"))
		}
	}
}

// handoff is a standard input that hands a test's writes over one at a
// time and says when the command has taken all of one and come back for
// more: by then the lines have reached the command's main loop, so a tick
// sent after it is handled after them.
type handoff struct {
	chunks  chan []byte
	reading chan struct{}
	pending []byte
}

func newHandoff() *handoff {
	return &handoff{chunks: make(chan []byte), reading: make(chan struct{})}
}

func (h *handoff) Read(p []byte) (int, error) {
	if len(h.pending) == 0 {
		h.reading <- struct{}{}
		chunk, ok := <-h.chunks
		if !ok {
			return 0, io.EOF
		}
		h.pending = chunk
	}
	n := copy(p, h.pending)
	h.pending = h.pending[n:]
	return n, nil
}

// write hands s to the command and returns once its lines were taken in.
func (h *handoff) write(s string) {
	<-h.reading
	h.chunks <- []byte(s)
	<-h.reading
}

// close ends the input; call it after write.
func (h *handoff) close() { close(h.chunks) }

// rest returns the output until the command ends, and its exit status.
func (f *following) rest() (string, int) {
	var got []string
	for line := range f.out {
		got = append(got, line)
	}
	return strings.Join(got, "\n"), <-f.code
}

// With --follow, a finished trace prints once the input has been quiet for
// --linger by the wall clock, and a trace with a span that never closes
// prints as incomplete after --evict-after, both without another line
// coming. At the end of standard input the command ends.
func TestFollowStdinLetsTimePass(t *testing.T) {
	in := newHandoff()
	f := startFollowing(t, in, 500*time.Millisecond, "tree", "--follow", "--evict-after", "30s")

	var l lines
	l.open(0, traceHex(1), spanHex(1), "", "done_request")
	l.close(time.Millisecond, "INFO", traceHex(1), spanHex(1), "", "done_request", 1)
	l.open(2*time.Millisecond, traceHex(2), spanHex(2), "", "hung_request")
	in.write(l.String())

	// --linger is 1s: two ticks of 500ms.
	out := f.tickUntil("done_request", 2)
	if strings.Contains(out, "hung_request") {
		t.Errorf("the open trace printed with the finished one:\n%s", out)
	}
	// --evict-after is 30s: 60 ticks from the last line.
	out = f.tickUntil("hung_request", 58)
	if !strings.Contains(out, "(incomplete: 1 span still open after 30s without a line)") {
		t.Errorf("evicted trace:\n%s", out)
	}

	in.close()
	if _, code := f.rest(); code != 0 {
		t.Errorf("exit %d", code)
	}
}

// --follow FILE reads lines appended to the file, a line written in two
// pieces whole, and the file again from its start when it is truncated;
// interrupting the command prints what it still holds and ends it.
func TestFollowFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "app.log")
	file, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	write := func(s string) {
		t.Helper()
		if _, err := file.WriteString(s); err != nil {
			t.Fatal(err)
		}
	}

	var first lines
	first.open(0, traceHex(1), spanHex(1), "", "first")
	first.close(time.Millisecond, "INFO", traceHex(1), spanHex(1), "", "first", 1)
	write(first.String())
	// Eviction is not under test here: an hour of ticks never comes.
	f := startFollowing(t, nil, 2*time.Second, "tree", "--follow", "--evict-after", "1h", "--color", "never", path)
	f.tickUntil("first", -1)

	var second lines
	second.open(time.Second, traceHex(2), spanHex(2), "", "second")
	second.close(time.Second+time.Millisecond, "INFO", traceHex(2), spanHex(2), "", "second", 1)
	write(second.String()[:20])
	f.ticks <- f.clock.add(time.Second)
	write(second.String()[20:])
	f.tickUntil("second", -1)

	if err := file.Truncate(0); err != nil {
		t.Fatal(err)
	}
	if _, err := file.Seek(0, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	var third lines
	third.raw("after truncation")
	third.open(2*time.Second, traceHex(3), spanHex(3), "", "third")
	write(third.String()) // one write, read as one batch
	f.tickUntil("after truncation", -1)

	f.stop()
	out, code := f.rest()
	if code != 0 || !strings.Contains(out, "third  open") ||
		!strings.Contains(out, "(incomplete: 1 span still open at the end of the input)") {
		t.Errorf("exit %d, output after the interrupt:\n%s", code, out)
	}
}

// --follow FILE follows the name, as tail -F does: when the file is
// rotated (renamed, and a new file created under its name), it reads what
// was still written to the old file, then the new file from its start.
func TestFollowFileAcrossRotation(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	old, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	appendTo := func(f *os.File, s string) {
		t.Helper()
		if _, err := f.WriteString(s); err != nil {
			t.Fatal(err)
		}
	}

	var first lines
	first.open(0, traceHex(1), spanHex(1), "", "first")
	first.close(time.Millisecond, "INFO", traceHex(1), spanHex(1), "", "first", 1)
	appendTo(old, first.String())
	f := startFollowing(t, nil, 2*time.Second, "tree", "--follow", "--evict-after", "1h", "--color", "never", path)
	f.tickUntil("first", -1)

	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	var late lines
	late.raw("written to the old file after its rename")
	appendTo(old, late.String())
	rotated, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer rotated.Close()
	var second lines
	second.open(time.Second, traceHex(2), spanHex(2), "", "second")
	second.close(time.Second+time.Millisecond, "INFO", traceHex(2), spanHex(2), "", "second", 1)
	appendTo(rotated, second.String())

	got := f.tickUntil("second", -1)
	if !strings.Contains(got, "written to the old file after its rename") {
		t.Errorf("the old file's last line was not read before the new file:\n%s", got)
	}
	f.stop()
	if _, code := f.rest(); code != 0 {
		t.Errorf("exit %d", code)
	}
}

// The same lines give the same trees whether read at once or followed.
func TestFollowMatchesRead(t *testing.T) {
	input, err := os.ReadFile(filepath.Join("testdata", "trading.log"))
	if err != nil {
		t.Fatal(err)
	}
	want := mustRun(t, string(input), "tree")
	f := startFollowing(t, bytes.NewReader(input), time.Millisecond, "tree", "--follow")
	got, code := f.rest()
	if code != 0 || got+"\n" != want {
		t.Errorf("exit %d; followed output differs:\n%s\nread at once:\n%s", code, got, want)
	}
}
