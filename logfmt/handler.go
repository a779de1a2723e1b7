package logfmt

import (
	"context"
	"io"
	"log/slog"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/spanlog/spanlog/redact"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// timestampKey is the key the line format uses for slog's time attribute.
const timestampKey = "timestamp"

// HandlerOptions configures a Handler. The zero value logs at INFO and above,
// without source, and lets error-level records mark their span as failed.
type HandlerOptions struct {
	// Level is the minimum level logged; nil means slog.LevelInfo.
	Level slog.Leveler

	// AddSource adds target= (the caller's package path) and location=
	// (dir/file.go:line) to each line.
	AddSource bool

	// ReplaceAttr has slog.HandlerOptions.ReplaceAttr's semantics. It is
	// called with slog's keys for the built-in attributes (slog.TimeKey,
	// slog.LevelKey, slog.MessageKey, slog.SourceKey); a time or source
	// attribute returned under its own key still prints as timestamp= or as
	// target= and location=. It is also called, with no groups, for each
	// stored field of the ctx span.
	ReplaceAttr func(groups []string, a slog.Attr) slog.Attr

	// LeaveSpanStatus stops records at slog.LevelError and above from
	// setting the status of the ctx span to Error.
	LeaveSpanStatus bool

	// MaxValueBytes caps each value, message and key: a longer one is cut
	// at a rune boundary and ends with "…[truncated N bytes]". Zero means
	// DefaultMaxValueBytes (64 KiB); a negative value means no cap.
	MaxValueBytes int

	// Redact names keys whose values print as [REDACTED], in records and
	// in stored fields alike.
	Redact *redact.Keys
}

// Handler is a slog.Handler writing one logfmt line per record:
//
//	level=INFO msg="..." <attrs> span=<id> trace_id=<id> <stored fields> target=<pkg> location=<file:line> timestamp=<time>
//
// The span, trace_id and stored fields come from the span in the record's
// context. A Handler and its clones (WithAttrs, WithGroup) are safe for
// concurrent use: each line is built in a pooled buffer and written with one
// Write under a lock they share.
type Handler struct {
	opts   HandlerOptions
	lim    limits
	out    *SyncWriter
	attrs  []byte   // preformatted " key=value" pairs from WithAttrs
	prefix string   // escaped, dotted group prefix for attrs added later
	groups []string // open group names, for ReplaceAttr
}

var _ slog.Handler = (*Handler)(nil)

// NewHandler returns a Handler writing to w. opts may be nil. w is wrapped in
// a SyncWriter unless it already is one.
func NewHandler(w io.Writer, opts *HandlerOptions) *Handler {
	h := &Handler{out: NewSyncWriter(w)}
	if opts != nil {
		h.opts = *opts
	}
	h.lim = limits{maxValue: h.opts.MaxValueBytes, redact: h.opts.Redact}
	return h
}

// Enabled reports whether level is at or above the handler's minimum level.
func (h *Handler) Enabled(_ context.Context, level slog.Level) bool {
	min := slog.LevelInfo
	if h.opts.Level != nil {
		min = h.opts.Level.Level()
	}
	return level >= min
}

// WithAttrs returns a Handler whose lines carry attrs, formatted once now.
func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	if len(attrs) == 0 {
		return h
	}
	h2 := *h
	// A fresh backing array keeps sibling handlers from writing into one.
	h2.attrs = slices.Clip(h.attrs)
	for _, a := range attrs {
		h2.attrs = h2.appendAttr(h2.attrs, h.prefix, h.groups, a)
	}
	return &h2
}

// WithGroup returns a Handler that qualifies later attrs with name, as
// name.key. An empty name returns h.
func (h *Handler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	h2 := *h
	h2.prefix = string(appendKey([]byte(h.prefix), name)) + "."
	h2.groups = append(slices.Clip(h.groups), name)
	return &h2
}

// Handle writes r as one line. It returns the writer's error, if any. A nil
// ctx is treated as context.Background(). Unless LeaveSpanStatus is set, a
// record at slog.LevelError or above marks the recording span in ctx with
// status Error and the record's message.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	var span trace.Span
	if ctx != nil {
		span = trace.SpanFromContext(ctx)
	} else {
		span = trace.SpanFromContext(context.Background())
	}
	if r.Level >= slog.LevelError && !h.opts.LeaveSpanStatus && span.IsRecording() {
		span.SetStatus(codes.Error, r.Message)
	}

	bp := getBuffer()
	defer putBuffer(bp)
	b := h.appendBuiltins(*bp, r)
	b = append(b, h.attrs...)
	r.Attrs(func(a slog.Attr) bool {
		b = h.appendAttr(b, h.prefix, h.groups, a)
		return true
	})
	b = appendSpanContext(b, span, h.opts.ReplaceAttr, h.lim)
	if h.opts.AddSource && r.PC != 0 {
		b = h.appendSource(b, r.PC)
	}
	if !r.Time.IsZero() {
		b = h.appendTimestamp(b, r)
	}
	b = h.lim.capLine(b)
	*bp = b
	return writeLine(h.out, b)
}

// appendBuiltins appends level and msg, through ReplaceAttr when set.
func (h *Handler) appendBuiltins(b []byte, r slog.Record) []byte {
	rep := h.opts.ReplaceAttr
	if rep == nil {
		b = append(b, " level="...)
		b = appendString(b, r.Level.String())
		b = append(b, " msg="...)
		return appendString(b, h.lim.cap(r.Message))
	}
	b = h.appendAttr(b, "", nil, slog.Any(slog.LevelKey, r.Level))
	return h.appendAttr(b, "", nil, slog.String(slog.MessageKey, r.Message))
}

func (h *Handler) appendTimestamp(b []byte, r slog.Record) []byte {
	a := slog.Time(slog.TimeKey, r.Time)
	if rep := h.opts.ReplaceAttr; rep != nil {
		a = rep(nil, a)
		a.Value = resolve(a.Value)
	}
	if a.Key == slog.TimeKey {
		a.Key = timestampKey
	}
	return h.appendResolved(b, "", nil, a)
}

func (h *Handler) appendSource(b []byte, pc uintptr) []byte {
	frame, _ := runtime.CallersFrames([]uintptr{pc}).Next()
	src := &slog.Source{Function: frame.Function, File: frame.File, Line: frame.Line}
	if rep := h.opts.ReplaceAttr; rep != nil {
		a := rep(nil, slog.Any(slog.SourceKey, src))
		a.Value = resolve(a.Value)
		s, ok := a.Value.Any().(*slog.Source)
		if a.Key != slog.SourceKey || !ok {
			return h.appendResolved(b, "", nil, a)
		}
		src = s
	}
	b = append(b, " target="...)
	b = appendString(b, packagePath(src.Function))
	b = append(b, " location="...)
	return appendString(b, shortLocation(src.File, src.Line))
}

// appendAttr resolves a, passes it through ReplaceAttr when it is not a
// group, and appends it under prefix. Groups flatten into dotted keys;
// empty attrs and empty groups print nothing, as slog specifies.
func (h *Handler) appendAttr(b []byte, prefix string, groups []string, a slog.Attr) []byte {
	a.Value = resolve(a.Value)
	if rep := h.opts.ReplaceAttr; rep != nil && a.Value.Kind() != slog.KindGroup {
		a = rep(groups, a)
		a.Value = resolve(a.Value)
	}
	return h.appendResolved(b, prefix, groups, a)
}

// appendResolved appends an attr that has already been through ReplaceAttr.
func (h *Handler) appendResolved(b []byte, prefix string, groups []string, a slog.Attr) []byte {
	if isEmptyAttr(a) {
		return b
	}
	if a.Value.Kind() == slog.KindGroup {
		members := a.Value.Group()
		if len(members) == 0 {
			return b
		}
		if a.Key != "" {
			prefix = string(appendKey([]byte(prefix), a.Key)) + "."
			groups = append(slices.Clip(groups), a.Key)
		}
		for _, m := range members {
			b = h.appendAttr(b, prefix, groups, m)
		}
		return b
	}
	b = append(b, ' ')
	b = append(b, prefix...)
	b = appendKey(b, h.lim.cap(a.Key))
	b = append(b, '=')
	if h.lim.secret(a.Key) {
		return append(b, redact.Placeholder...)
	}
	return appendSlogValue(b, a.Value, h.lim)
}

// packagePath returns the import path of the package defining function, a
// fully qualified name such as "example.com/app/db.(*Conn).Query".
func packagePath(function string) string {
	slash := strings.LastIndexByte(function, '/') + 1
	if dot := strings.IndexByte(function[slash:], '.'); dot >= 0 {
		return function[:slash+dot]
	}
	return function
}

// shortLocation returns "dir/file.go:line": enough to find the file, and the
// same on every machine that builds the code.
func shortLocation(file string, line int) string {
	if i := strings.LastIndexByte(file, '/'); i >= 0 {
		if j := strings.LastIndexByte(file[:i], '/'); j >= 0 {
			file = file[j+1:]
		}
	}
	return file + ":" + strconv.Itoa(line)
}

// isEmptyAttr reports whether a is the zero Attr, which slog says to
// ignore: an empty key and a nil value.
func isEmptyAttr(a slog.Attr) bool {
	return a.Key == "" && a.Value.Kind() == slog.KindAny && a.Value.Any() == nil
}
