// Command spanlog reads spanlog's logfmt lines back, from files, a pipe,
// kubectl logs or a CI artifact, with no collector.
//
//	go install github.com/spanlog/spanlog/cmd/spanlog@latest
//	go run ./examples/songs | spanlog tree
//	spanlog tree --errors --slow 250ms app.log
//	kubectl logs -f deploy/api | spanlog tree --follow
//	go run . | spanlog pretty
//
// "spanlog tree" groups the lines by trace_id, nests spans by parent_span,
// puts each log line under its span, and prints each trace as a tree once
// every span it opened has closed and no line of it came for --linger (1s
// of the input's own time, its timestamps): span names, latency_ms, each
// span's share of its local root, ERROR marked, links as references to
// other traces and, with -fields, the stored fields each span adds to its
// parent's. A local root is a span without parent_span, or whose parent is
// not in the input. Lines of a trace arriving after its tree was printed
// make a new tree marked "(continued)"; a trace with spans still open after
// --evict-after (1m) without a line, or at the end of the input, prints as
// it is, marked incomplete. --trace, --errors and --slow select trees;
// --follow keeps reading a growing file, across truncation and rotation
// (like tail -F), and lets time pass while the input is quiet.
//
// "spanlog pretty" prints each line for people: time and coloured level
// first, then the message, the record's attributes, and dimmed, ids cut to
// 8 hex digits and the stored fields.
//
// Lines that are not spanlog's pass through unchanged but for control
// characters and invalid UTF-8, which show escaped so that no input can
// repaint the terminal; lines longer than 1 MiB are skipped and counted on
// standard error. Colour is ANSI SGR, on with --color always, or with auto
// (the default) when standard output is a terminal and NO_COLOR is unset.
//
// Memory is bounded by the traces held at once (finished ones wait at most
// --linger), not by the size of the input: at most 100,000 traces and
// 10,000 lines per trace are held. BenchmarkFile1M reads a generated file
// of 1,000,000 lines; benchmarks/README.md has the command and the numbers
// (about 300 MB/s on one core).
package main

// To recapture the examples' output that the golden tests read, and
// rewrite the goldens from it (review the diff before committing):
//
//	go generate ./cmd/spanlog
//
//go:generate sh testdata/capture.sh
//go:generate go test -run ^TestGolden$ -update
