package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

// main runs the command. The first interrupt (or SIGTERM) ends the
// reading: what is held prints, marked incomplete, and the command exits;
// a second one kills it as usual.
func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop()
	}()
	code := run(ctx, os.Args[1:], system())
	stop()
	os.Exit(code)
}

// env is what a run of the command reads and writes besides its
// arguments; tests supply their own.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	openFile       func(string) (*os.File, error)
	// For --follow: the wall clock, and a ticker saying when to look at
	// it and at a followed file, with the function that stops it.
	now    func() time.Time
	ticker func() (<-chan time.Time, func())
}

func system() env {
	return env{
		stdin:    os.Stdin,
		stdout:   os.Stdout,
		stderr:   os.Stderr,
		getenv:   os.Getenv,
		openFile: os.Open,
		now:      time.Now,
		ticker: func() (<-chan time.Time, func()) {
			t := time.NewTicker(followTick)
			return t.C, t.Stop
		},
	}
}

// followTick is how often --follow looks at the clock and at a file.
const followTick = 200 * time.Millisecond

const usage = `spanlog reads spanlog's logfmt lines back.

Usage:
  spanlog tree   [flags] [FILE...]   each trace as a tree of spans and their log lines
  spanlog pretty [flags] [FILE...]   each line in colour, for people

With no FILE, or FILE -, it reads standard input. Run "spanlog tree -h" or
"spanlog pretty -h" for the flags.
`

// run runs the command line args and returns the exit status: 0, 1 when
// reading or writing failed, 2 for a bad command line.
func run(ctx context.Context, args []string, e env) int {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, usage)
		return 2
	}
	switch args[0] {
	case "tree", "pretty":
	case "help", "-h", "-help", "--help":
		fmt.Fprint(e.stdout, usage)
		return 0
	default:
		fmt.Fprintf(e.stderr, "spanlog: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	o, err := parseFlags(args[0], args[1:], e.stdout)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "spanlog %s: %v\nRun \"spanlog %s -h\" for help.\n", args[0], err, args[0])
		return 2
	}
	st, err := chooseStyle(o.color, e.stdout, e.getenv)
	if err != nil {
		fmt.Fprintf(e.stderr, "spanlog %s: %v\n", args[0], err)
		return 2
	}

	out := bufio.NewWriterSize(e.stdout, 64<<10)
	var v *viewer
	if o.tree {
		v = newTreeViewer(out, st, o.filter, o.fields, o.linger, o.evictAfter)
	} else {
		v = newPrettyViewer(out, st, o.filter)
	}
	var tooLong int
	if o.follow {
		tooLong, err = follow(ctx, v, o.files, e)
	} else {
		tooLong, err = readAll(ctx, v, o.files, e)
	}
	v.end()
	if ferr := out.Flush(); v.err == nil {
		v.err = ferr
	}
	if tooLong > 0 {
		fmt.Fprintf(e.stderr, "spanlog: skipped %s longer than %d bytes\n", plural(tooLong, "line"), maxLineBytes)
	}
	if err == nil {
		err = v.err
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "spanlog: %v\n", err)
		return 1
	}
	return 0
}

// readAll feeds the lines of the files, one after the other, or of
// standard input, to v, until they end or ctx is done, and returns how many
// lines were too long.
func readAll(ctx context.Context, v *viewer, files []string, e env) (int, error) {
	if len(files) == 0 {
		files = []string{"-"}
	}
	tooLong := 0
	for _, name := range files {
		in, closeIn, err := open(name, e)
		if err != nil {
			return tooLong, err
		}
		lr := newLineReader(in)
		for v.err == nil {
			if !lr.buffered() {
				v.flush() // about to wait for input: show what is ready
			}
			line, err := lr.next()
			if err == io.EOF || ctx.Err() != nil {
				break
			}
			if err != nil {
				closeIn()
				return tooLong + lr.tooLong, fmt.Errorf("%s: %w", name, err)
			}
			v.line(line)
		}
		closeIn()
		tooLong += lr.tooLong
		if ctx.Err() != nil {
			break
		}
	}
	return tooLong, nil
}

// open opens a named file, or standard input for "-".
func open(name string, e env) (io.Reader, func(), error) {
	if name == "-" {
		return e.stdin, func() {}, nil
	}
	f, err := e.openFile(name)
	if err != nil {
		return nil, nil, err
	}
	return f, func() { f.Close() }, nil
}

// options are a command line's settings.
type options struct {
	tree       bool
	files      []string
	color      string
	filter     filter
	follow     bool
	fields     bool
	linger     time.Duration
	evictAfter time.Duration
}

const treeHelp = `Usage: spanlog tree [flags] [FILE...]

Reads spanlog's lines from the FILEs, one after the other, or from standard
input, groups them by trace_id, nests spans by parent_span and puts each log
line under its span, then prints each trace as a tree once it is finished:

  trace 76db8d05a455e2a95eae51d521bcfe3f  2026-11-30T17:27:26.199320Z
  checkout              0.396 ms  100.0%
  ├─ load_cart          0.183 ms   46.2%
  │  └─ query_db        0.159 ms   40.2%
  │     └─ INFO cart loaded items=3 total="59.90 EUR"
  ├─ charge_card ERROR  0.014 ms    3.5%
  │  └─ ERROR payment refused err="card declined"
  └─ WARN checkout failed err="card declined"

Each span shows its latency_ms and its share of its local root (a span
without parent_span, or whose parent is not in the input) or, when work
goes on after the root ends, of the time to the last span's end; a span
that closed at ERROR is marked; links show as "→ trace <id>"; with -fields,
the stored fields a span does not share with its parent show under it.

When a trace is printed: once every span it opened has closed and no line of
it came for --linger (in the input's own time, its timestamps), so that work
a request hands on after it returns (a queue, a goroutine) joins its tree.
Lines of a trace that come after its tree was printed make a new tree headed
"(continued)". A trace with spans still open after --evict-after without a
line is printed as it is, marked incomplete, as are those open at the end.
Interleaved traces come out as separate, whole trees.

Lines that are not spanlog's (other programs' output, lines cut short,
binary junk) pass through as they are, except that control characters and
invalid UTF-8 show escaped; spanlog log lines outside any span print as
"spanlog pretty" prints them. Trees and these lines come out in the order
their first lines came in, but nothing waits more than --linger behind an
unfinished trace, which then prints when it finishes. A line ending in
line_truncated=N, cut by spanlog for length, is used for what it holds and
marked. Lines longer than 1 MiB are skipped, and counted on standard error.
With --trace, --errors or --slow, only the matching trees are printed.

Flags:
`

const prettyHelp = `Usage: spanlog pretty [flags] [FILE...]

Prints each spanlog line of the FILEs, or of standard input, on one line
for people: time of day and level first, then the message (┌ and └ mark a
span's start and end), the record's own attributes, then dimmed, the ids cut
to 8 hex digits and the span's stored fields.

Lines that are not spanlog's (other programs' output, lines cut short,
binary junk) pass through as they are, except that control characters and
invalid UTF-8 show escaped. A line ending in line_truncated=N is shown and
marked. Lines longer than 1 MiB are skipped, and counted on standard error.
With --trace, only that trace's lines are printed.

Flags:
`

// parseFlags reads the flags of a command; they may come before, between
// or after the files.
func parseFlags(cmd string, args []string, helpOut io.Writer) (options, error) {
	o := options{tree: cmd == "tree"}
	fs := flag.NewFlagSet("spanlog "+cmd, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&o.color, "color", "auto", "colour: auto (when writing to a terminal and NO_COLOR is unset), always or never")
	var traceID string
	fs.StringVar(&traceID, "trace", "", "only the trace whose id starts with these hex digits")
	followHelp := "keep reading FILE as it grows, across truncation and rotation, like tail -F (one FILE at most, or standard input)"
	if o.tree {
		followHelp += ", and let time pass while the input is quiet, so finished and stalled traces print without another line"
	}
	fs.BoolVar(&o.follow, "follow", false, followHelp)
	fs.BoolVar(&o.follow, "f", false, "short for --follow")
	if o.tree {
		fs.BoolVar(&o.filter.errors, "errors", false, "only traces with a line at ERROR")
		fs.DurationVar(&o.filter.slow, "slow", 0, "only traces whose local root took at least this long, e.g. 250ms")
		fs.BoolVar(&o.fields, "fields", false, "show the stored fields of each span that its parent does not have with the same value")
		fs.DurationVar(&o.linger, "linger", time.Second, "how long a finished trace waits for late spans before it is printed")
		fs.DurationVar(&o.evictAfter, "evict-after", time.Minute, "how long a trace with open spans waits for a line before it is printed as incomplete")
	}
	fs.Usage = func() {
		help := prettyHelp
		if o.tree {
			help = treeHelp
		}
		fmt.Fprint(helpOut, help)
		fs.SetOutput(helpOut)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	for {
		all := args
		if err := fs.Parse(args); err != nil {
			return o, err
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		if consumed := len(all) - len(args); consumed > 0 && all[consumed-1] == "--" {
			o.files = append(o.files, args...) // after --, all are files
			break
		}
		o.files = append(o.files, args[0])
		args = args[1:]
	}
	traceID = strings.ToLower(traceID)
	if len(traceID) > 32 || strings.Trim(traceID, "0123456789abcdef") != "" {
		return o, fmt.Errorf("--trace %q: want up to 32 hex digits", traceID)
	}
	o.filter.tracePrefix = []byte(traceID)
	if o.follow && len(o.files) > 1 {
		return o, errors.New("--follow reads one FILE at most")
	}
	if o.linger < 0 || o.evictAfter < 0 || o.filter.slow < 0 {
		return o, errors.New("durations must not be negative")
	}
	return o, nil
}
