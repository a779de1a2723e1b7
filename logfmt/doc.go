// Package logfmt prints spans and log records as logfmt lines: a
// slog.Handler for records and a span processor for span lifecycle lines,
// both built on one encoder so they escape alike and, sharing a SyncWriter,
// never interleave within a line.
//
// Every line is one logfmt record ending in a newline, written with a
// single Write, that github.com/go-logfmt/logfmt decodes. Values are quoted
// only when needed; quotes, backslashes and every non-printing rune are
// escaped (\n, \r, \t, \", \\ or \uXXXX), and invalid UTF-8 becomes U+FFFD,
// so no input can split a line or send control sequences to a terminal.
// Keys are never quoted: a rune a decoder would stop at, or a non-printing
// one, is written \uXXXX, a backslash \\ and an invalid byte \xNN, which
// keeps distinct keys distinct; an empty key prints as !BADKEY.
//
// Every key appears once on a line. A user key named like one spanlog
// writes (see package keys) prints as fields.<key>; a record's attributes
// win over the span's stored fields, and the last value of a key in a
// record wins. Every attribute takes the same steps, for lines and for
// AttrHandler's sinks alike: resolve, ReplaceAttr, redact (a group under a
// secret key whole), the reserved-key rule, one value per key, caps, and
// for lines escaping.
//
// Calls that write (Handler.Handle, SpanProcessor.OnStart and OnEnd) block
// while the underlying writer does.
//
// A TailBuffer, given to both a Handler and a SpanProcessor, holds the
// lines of records below the Handler's level per request (local root
// span) and writes them, marked replayed=true, only when the request
// fails or is slow.
package logfmt
