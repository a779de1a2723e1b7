// Package logfmttest helps golden-test the logfmt output of programs that
// log through spanlog.
//
// A golden test makes the output deterministic, captures it, scrubs the
// values that still change from run to run, and compares the result with a
// file checked into testdata:
//
//	var buf bytes.Buffer
//	p, err := spanlog.New(ctx,
//		spanlog.WithWriter(&buf),
//		spanlog.WithIDGenerator(logfmttest.NewIDGenerator()),
//	)
//	// ... run the code under test, then p.Shutdown(ctx) ...
//	logfmttest.Golden(t, "testdata/checkout.golden", logfmttest.Scrub(buf.Bytes()))
//
// The pieces:
//
//   - [NewIDGenerator] hands out sequential trace and span ids, so span=,
//     parent_span= and trace_id= are the same on every run.
//   - [Scrub] and [ScrubKeys] replace values that depend on the clock
//     (timestamp=, latency_ms=) with fixed placeholders.
//   - [Golden] compares with the golden file and reports a line diff.
//
// To write (or rewrite) the golden files from the current output instead of
// comparing, run the tests with -update, in the package directory:
//
//	go test -run TestCheckout -update
//
// Importing this package registers the -update flag (unless a package
// initialized earlier already registered one). A test package that imports
// logfmttest must therefore not define its own -update flag: the flag
// package would panic on the second definition. Call [Update] to read it.
package logfmttest
