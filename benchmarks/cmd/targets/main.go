// Command targets prints the tables of benchmarks/README.md from the files
// benchmarks/run leaves: results.txt (go test -bench output), and, when
// present, instructions.txt (./instructions output) and load.txt (the
// songs load test's output). Each ratio is a median over the samples of
// one run, spanlog's row over its baseline's, measured in the same run.
//
//	go run ./cmd/targets [-dir .]
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

func main() {
	dir := flag.String("dir", ".", "directory holding results.txt, instructions.txt and load.txt")
	flag.Parse()
	bench, err := readBench(filepath.Join(*dir, "results.txt"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "targets:", err)
		os.Exit(1)
	}
	instr := readInstructions(filepath.Join(*dir, "instructions.txt"))
	load := readLoad(filepath.Join(*dir, "load.txt"))
	printTables(os.Stdout, bench, instr, load)
}

// sample key: benchmark name without the -N suffix, and the CPU count.
type key struct {
	name string
	cpu  int
}

type benchData struct {
	ns, allocs map[key][]float64
	cpus       []int
}

var benchLine = regexp.MustCompile(`^(Benchmark\S+?)(?:-(\d+))?\s+\d+\s+([\d.]+) ns/op(?:\s+[\d.]+ B/op\s+([\d.]+) allocs/op)?`)

func readBench(path string) (*benchData, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	d := &benchData{ns: map[key][]float64{}, allocs: map[key][]float64{}}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		m := benchLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		cpu := 1
		if m[2] != "" {
			cpu, _ = strconv.Atoi(m[2])
		}
		k := key{strings.TrimPrefix(m[1], "Benchmark"), cpu}
		ns, _ := strconv.ParseFloat(m[3], 64)
		d.ns[k] = append(d.ns[k], ns)
		if m[4] != "" {
			a, _ := strconv.ParseFloat(m[4], 64)
			d.allocs[k] = append(d.allocs[k], a)
		}
		if !slices.Contains(d.cpus, cpu) {
			d.cpus = append(d.cpus, cpu)
		}
	}
	slices.Sort(d.cpus)
	return d, sc.Err()
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// ratio is the median ns/op of row over that of base at cpu, or 0.
func (d *benchData) ratio(row, base string, cpu int) float64 {
	r, b := median(d.ns[key{row, cpu}]), median(d.ns[key{base, cpu}])
	if r == 0 || b == 0 {
		return 0
	}
	return r / b
}

// instructions maps "benchmark/impl=name" to instructions per operation.
func readInstructions(path string) map[string]float64 {
	out := map[string]float64{}
	eachLine(path, func(line string) {
		fs := strings.Fields(line)
		if len(fs) < 3 {
			return
		}
		if n, err := strconv.ParseFloat(fs[2], 64); err == nil {
			out[fs[0]+"/impl="+fs[1]] = n
		}
	})
	return out
}

// eachLine calls f with each line of the file at path; a file that cannot
// be read has no lines.
func eachLine(path string, f func(string)) {
	file, err := os.Open(path)
	if err != nil {
		return
	}
	defer file.Close()
	sc := bufio.NewScanner(file)
	for sc.Scan() {
		f(sc.Text())
	}
}

func instrRatio(instr map[string]float64, row, base string) float64 {
	r, b := instr[row], instr[base]
	if r == 0 || b == 0 {
		return 0
	}
	return r / b
}

type loadRound struct {
	throughput float64
	p50, p99   time.Duration
}

var loadLine = regexp.MustCompile(`^load: round (\d+) (\S+)\s+([\d.]+) req/s\s+p50 (\S+)\s+p99 (\S+)`)

// readLoad returns, per server name, its rounds in order.
func readLoad(path string) map[string][]loadRound {
	out := map[string][]loadRound{}
	eachLine(path, func(line string) {
		m := loadLine.FindStringSubmatch(line)
		if m == nil {
			return
		}
		tp, _ := strconv.ParseFloat(m[3], 64)
		p50, _ := time.ParseDuration(m[4])
		p99, _ := time.ParseDuration(m[5])
		out[m[2]] = append(out[m[2]], loadRound{tp, p50, p99})
	})
	return out
}

// target is one line of the targets table: row's ratio to base must be at
// most limit, at every CPU count and on instructions.
type target struct {
	what, row, base string
	limit           float64
	zeroAllocs      bool
}

var targets = []target{
	{"1. event line, 5 attrs, no span ≤ 0.6× slog.TextHandler, 0 allocs", "EventLine/impl=spanlog", "EventLine/impl=slog.TextHandler", 0.6, true},
	{"1. … within 1.3× zerolog's JSON logger", "EventLine/impl=spanlog", "EventLine/impl=zerolog.json", 1.3, true},
	{"2. event line in a span with 8 stored fields ≤ 0.9× TextHandler's plain line, 0 allocs", "EventLineInSpan/impl=spanlog.span8", "EventLineInSpan/impl=slog.TextHandler", 0.9, true},
	{"3. span with metrics: storage+metricsproc ≤ 0.8× hand-written processor", "SpanMetrics/impl=storage+metricsproc", "SpanMetrics/impl=hand", 0.8, false},
	{"3. … against the hand-written processor with exemplars (reference)", "SpanMetrics/impl=storage+metricsproc", "SpanMetrics/impl=hand+exemplars", 0, false},
	{"3. … against the bare SDK + no-op processor (reference)", "Span/impl=storage+metricsproc", "Span/impl=sdk+noop", 0, false},
	{"3. … metricsproc alone, no field inheritance, against the hand-written processor (reference)", "SpanMetrics/impl=metricsproc", "SpanMetrics/impl=hand", 0, false},
	{"3. … metricsproc alone against the hand-written processor with exemplars (reference)", "SpanMetrics/impl=metricsproc", "SpanMetrics/impl=hand+exemplars", 0, false},
	{"span lines: start+end printing both lines ≤ 1.0× SDK + two TextHandler lines", "SpanLines/impl=spanlog", "SpanLines/impl=sdk+2×TextHandler", 1.0, false},
	{"traced hop ≤ 1.1× plain hop + hand-started span", "Hop/impl=traced", "Hop/impl=plain+manual_span", 1.1, false},
}

func printTables(w io.Writer, d *benchData, instr map[string]float64, load map[string][]loadRound) {
	cpuHead := make([]string, len(d.cpus))
	for i, c := range d.cpus {
		cpuHead[i] = fmt.Sprintf("cpu %d", c)
	}
	fmt.Fprintf(w, "### Targets\n\n| target | %s | instructions | allocs/op (row vs base) | status |\n|---|%s---|---|---|\n",
		strings.Join(cpuHead, " | "), strings.Repeat("---|", len(d.cpus)))
	for _, t := range targets {
		var cells []string
		met := true
		for _, c := range d.cpus {
			r := d.ratio(t.row, t.base, c)
			cells = append(cells, fmtRatio(r))
			met = met && r > 0 && r <= t.limit
		}
		ir := instrRatio(instr, t.row, t.base)
		if ir > 0 {
			met = met && ir <= t.limit
		}
		allocs := median(d.allocs[key{t.row, 1}])
		if t.zeroAllocs && allocs != 0 {
			met = false
		}
		status := "missed"
		switch {
		case t.limit == 0:
			status = "reference"
		case met:
			status = "met"
		}
		fmt.Fprintf(w, "| %s | %s | %s | %g vs %g | %s |\n", t.what, strings.Join(cells, " | "), fmtRatio(ir),
			allocs, median(d.allocs[key{t.base, 1}]), status)
	}

	fmt.Fprintf(w, "\n### Scaling: throughput at each CPU count over that at 1 CPU (b.RunParallel)\n\n| benchmark | %s |\n|---|%s\n",
		strings.Join(cpuHead, " | "), strings.Repeat("---|", len(d.cpus)))
	for _, row := range []string{"EventLineParallel/impl=slog.TextHandler", "EventLineParallel/impl=spanlog",
		"SpanParallel/impl=sdk+noop", "SpanParallel/impl=storage+metricsproc"} {
		var cells []string
		one := median(d.ns[key{row, 1}])
		for _, c := range d.cpus {
			if n := median(d.ns[key{row, c}]); n > 0 && one > 0 {
				cells = append(cells, fmt.Sprintf("%.2f× (%.0f ns/op)", one/n, n))
			} else {
				cells = append(cells, "—")
			}
		}
		fmt.Fprintf(w, "| %s | %s |\n", row, strings.Join(cells, " | "))
	}

	fmt.Fprintf(w, "\n### The metric SDK's own floor: one Add and one Record with four labels, no span\n\n| row | %s | instructions | allocs/op |\n|---|%s---|---|\n",
		strings.Join(cpuHead, " | "), strings.Repeat("---|", len(d.cpus)))
	for _, impl := range []string{"set+exemplar", "set", "withattributes+exemplar", "withattributes"} {
		row := "MetricFloor/impl=" + impl
		var cells []string
		for _, c := range d.cpus {
			cells = append(cells, fmt.Sprintf("%.0f ns", median(d.ns[key{row, c}])))
		}
		fmt.Fprintf(w, "| %s | %s | %s | %g |\n", impl, strings.Join(cells, " | "), fmtCount(instr[row]), median(d.allocs[key{row, 1}]))
	}

	fmt.Fprintf(w, "\n### Loggers side by side: ratio to slog.TextHandler at cpu %d (instructions in brackets), allocs/op\n\n", d.cpus[0])
	impls := []string{"slog.TextHandler", "spanlog", "zap", "zerolog", "phuslu"}
	fmt.Fprintf(w, "| shape | %s |\n|---|%s\n", strings.Join(impls, " | "), strings.Repeat("---|", len(impls)))
	for _, shape := range []string{"EventLine", "Simple", "Attrs/args=5", "Attrs/args=10", "Attrs/args=40"} {
		var cells []string
		for _, impl := range impls {
			name := impl
			if shape == "EventLine" && impl == "zerolog" {
				name = "zerolog.json"
			}
			row, base := shape+"/impl="+name, shape+"/impl=slog.TextHandler"
			if len(d.ns[key{row, d.cpus[0]}]) == 0 {
				cells = append(cells, "—")
				continue
			}
			cell := fmtRatio(d.ratio(row, base, d.cpus[0]))
			if ir := instrRatio(instr, row, base); ir > 0 {
				cell += " [" + fmtRatio(ir) + "]"
			}
			cells = append(cells, fmt.Sprintf("%s, %g", cell, median(d.allocs[key{row, d.cpus[0]}])))
		}
		fmt.Fprintf(w, "| %s | %s |\n", shape, strings.Join(cells, " | "))
	}

	if len(load["spanlog"]) == 0 {
		return
	}
	fmt.Fprintf(w, "\n### Load: the songs server against otel+slog (targets: throughput ≥ 1.0×, p99 ≤ 1.1×)\n\n"+
		"| round | bare | otel+slog | spanlog | spanlog.close | spanlog: throughput, p50, p99 | spanlog.close: throughput, p50, p99 |\n|---|---|---|---|---|---|---|\n")
	type ratios struct{ tp, p50, p99 []float64 }
	var all, closeOnly ratios
	add := func(r *ratios, s, o loadRound) string {
		r.tp = append(r.tp, s.throughput/o.throughput)
		r.p50 = append(r.p50, float64(s.p50)/float64(o.p50))
		r.p99 = append(r.p99, float64(s.p99)/float64(o.p99))
		return fmt.Sprintf("%s, %s, %s", fmtRatio(r.tp[len(r.tp)-1]), fmtRatio(r.p50[len(r.p50)-1]), fmtRatio(r.p99[len(r.p99)-1]))
	}
	server := func(rounds []loadRound, i int) (loadRound, string) {
		if i >= len(rounds) {
			return loadRound{}, "—"
		}
		r := rounds[i]
		return r, fmt.Sprintf("%.0f req/s, %v, %v", r.throughput, r.p50.Round(10*time.Microsecond), r.p99.Round(10*time.Microsecond))
	}
	for i := range load["spanlog"] {
		_, bare := server(load["bare"], i)
		o, otel := server(load["otel+slog"], i)
		s, with := server(load["spanlog"], i)
		c, closed := server(load["spanlog.close"], i)
		if o.throughput == 0 {
			continue
		}
		r1, r2 := add(&all, s, o), "—"
		if c.throughput > 0 {
			r2 = add(&closeOnly, c, o)
		}
		fmt.Fprintf(w, "| %d | %s | %s | %s | %s | %s | %s |\n", i+1, bare, otel, with, closed, r1, r2)
	}
	med := func(r ratios) string {
		return fmt.Sprintf("%s, %s, %s", fmtRatio(median(r.tp)), fmtRatio(median(r.p50)), fmtRatio(median(r.p99)))
	}
	status := "missed"
	if median(all.tp) >= 1.0 && median(all.p99) <= 1.1 {
		status = "met"
	}
	fmt.Fprintf(w, "| median | | | | | %s | %s |\n\nLoad target (spanlog, all lines): %s.\n", med(all), med(closeOnly), status)
}

func fmtRatio(r float64) string {
	if r == 0 {
		return "—"
	}
	return fmt.Sprintf("%.2f×", r)
}

func fmtCount(n float64) string {
	if n == 0 {
		return "—"
	}
	return strconv.FormatFloat(n, 'f', 0, 64)
}
