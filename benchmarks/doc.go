// Package benchmarks measures spanlog against its baselines: slog's
// TextHandler and a do-nothing handler, zap and zerolog, and the bare
// OpenTelemetry SDK. It is a module of its own so those loggers never enter
// spanlog's go.mod. Every comparison is between sub-benchmarks of one
// benchmark, named impl=<name>, so that `benchstat -col /impl` reports each
// as a ratio to the first (the baseline) from the same run. See README.md.
package benchmarks
