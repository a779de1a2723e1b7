// Package logfmttest helps golden-test the logfmt output of programs that
// log through spanlog.
//
// A golden test makes the output deterministic, captures it, scrubs the
// values that still change from run to run, and compares the result with a
// file checked into testdata:
//
//	logfmttest.KeepGlobals(t) // Install below changes otel's and slog's globals
//	var buf bytes.Buffer
//	p, err := spanlog.New(ctx,
//		spanlog.WithWriter(&buf),
//		spanlog.WithIDGenerator(logfmttest.NewIDGenerator()),
//	)
//	if err != nil {
//		t.Fatal(err)
//	}
//	p.Install() // otel.Tracer and slog.InfoContext now write to buf
//	checkout(ctx) // the code under test
//	if err := p.Shutdown(ctx); err != nil {
//		t.Fatal(err)
//	}
//	logfmttest.Golden(t, "testdata/checkout.golden", logfmttest.Scrub(buf.Bytes()))
//
// Without Install, code that logs through slog's default logger or starts
// spans with otel.Tracer writes nowhere near buf; Golden then fails on the
// empty output instead of recording it.
//
// The pieces:
//
//   - [NewIDGenerator] hands out sequential trace and span ids, so span=,
//     parent_span= and trace_id= are the same on every run.
//   - [Scrub] and [ScrubKeys] replace values that depend on the clock
//     (timestamp=, latency_ms=) with fixed placeholders.
//   - [Golden] compares with the golden file and reports a line diff.
//   - [KeepGlobals] puts slog's and otel's globals back after a test that
//     installed a pipeline.
//
// To write (or rewrite) the golden files from the current output instead of
// comparing, run the tests with -update, in the package directory:
//
//	go test -run TestCheckout -update
//
// In a test binary, importing this package registers the -update flag
// (unless a package initialized earlier already registered one); a test
// package that imports logfmttest must therefore not define its own
// -update flag later, as the flag package would panic on the second
// definition. A program that is not a test registers nothing. Call
// [Update] to read the flag.
package logfmttest
