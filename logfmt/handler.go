package logfmt

import (
	"context"
	"io"
	"log/slog"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/spanlog/spanlog/keys"
	"github.com/spanlog/spanlog/levels"
	"github.com/spanlog/spanlog/redact"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// timestampKey is the key the line format uses for slog's time attribute.
const timestampKey = keys.Timestamp

// HandlerOptions configures a Handler. The zero value logs at INFO and above,
// without source, and lets error-level records mark their span as failed.
type HandlerOptions struct {
	// Level is the minimum level logged; nil means slog.LevelInfo.
	Level slog.Leveler

	// Levels, when set, decides the level each record must reach by its
	// package, span and span fields (see package levels), in place of
	// Level. The pipeline builds one from SPANLOG_LEVEL or WithLevels.
	Levels *levels.Switch

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

	// MaxValueBytes caps each value, message, key and group name: a longer
	// one is cut at a rune boundary and ends with "…[truncated N bytes]".
	// Zero means DefaultMaxValueBytes (16 KiB); a negative value means no
	// cap, on values and on the whole line.
	MaxValueBytes int

	// Redact names keys whose values print as [REDACTED], in records and
	// in stored fields alike. A group under such a key prints as one
	// [REDACTED] value.
	Redact *redact.Keys

	// TailBuffer, when set, holds the lines of records below Level that are
	// logged inside a recording span, and writes them only if the span's
	// request fails (see TailBuffer). Give the same TailBuffer to the
	// SpanProcessor that prints the spans.
	TailBuffer *TailBuffer
}

// Handler is a slog.Handler writing one logfmt line per record:
//
//	level=INFO msg="..." <attrs> span=<id> trace_id=<id> <stored fields> target=<pkg> location=<file:line> timestamp=<time>
//
// The span, trace_id and stored fields come from the span in the record's
// context. Every key appears once: a record attribute (or one added with
// WithAttrs) wins over a stored field of the same key, and within a record
// the last value of a key wins, printed where that last value stands. A
// user key that is one of spanlog's own (see keys.IsReserved) prints with
// the prefix "fields.".
//
// A Handler and its clones (WithAttrs, WithGroup) are safe for concurrent
// use: each line is built in a pooled buffer and written with one Write
// under a lock they share.
type Handler struct {
	opts   HandlerOptions
	lim    limits
	out    *SyncWriter
	attrs  pairedText  // preformatted " key=value" pairs from WithAttrs
	prefix string      // escaped, dotted group prefix for attrs added later
	groups []string    // open group names, for ReplaceAttr
	fields *fieldCache // shared by clones: their options are the same
}

var _ slog.Handler = (*Handler)(nil)

// NewHandler returns a Handler writing to w. opts may be nil. w is wrapped in
// a SyncWriter unless it already is one; a nil w discards every line.
func NewHandler(w io.Writer, opts *HandlerOptions) *Handler {
	h := &Handler{out: NewSyncWriter(orDiscard(w)), fields: &fieldCache{}}
	if opts != nil {
		h.opts = *opts
	}
	h.lim = limits{maxValue: h.opts.MaxValueBytes, redact: h.opts.Redact}
	return h
}

// orDiscard returns w, or io.Discard for a nil w.
func orDiscard(w io.Writer) io.Writer {
	if w == nil {
		return io.Discard
	}
	return w
}

// Enabled reports whether level is at or above the handler's minimum
// level, or, with Levels set, whether some directive could let a record at
// level through in ctx (Handle then decides by its call site and span).
// With a TailBuffer it also reports true below that level when ctx holds a
// recording span, whose records may be held.
func (h *Handler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.opts.levelEnabled(ctx, level) || h.opts.TailBuffer != nil && h.opts.TailBuffer.wants(ctx)
}

// minLevel is Level's level, or INFO when Level is nil.
func (o *HandlerOptions) minLevel() slog.Level {
	if o.Level != nil {
		return o.Level.Level()
	}
	return slog.LevelInfo
}

// levelEnabled reports whether a record at level may print in ctx: by the
// directives when Levels is set, else by the minimum level.
func (o *HandlerOptions) levelEnabled(ctx context.Context, level slog.Level) bool {
	if o.Levels != nil {
		return o.Levels.Enabled(ctx, level)
	}
	return level >= o.minLevel()
}

// WithAttrs returns a Handler whose lines carry attrs, formatted once now.
func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	if len(attrs) == 0 {
		return h
	}
	l := getLine()
	defer putLine(l)
	l.prefix.text = append(l.prefix.text, h.prefix...)
	if h.opts.ReplaceAttr != nil {
		l.groups = append(l.groups, h.groups...)
	}
	for _, a := range attrs {
		walkAttr(l, h.opts.ReplaceAttr, h.lim, a, userClass)
	}
	h2 := *h
	h2.attrs = h.attrs.join(l.textFrom(0, 0))
	return &h2
}

// WithGroup returns a Handler that qualifies later attrs with name, as
// name.key. An empty name returns h.
func (h *Handler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	h2 := *h
	h2.prefix = string(extendPrefix([]byte(h.prefix), name, h.lim, true))
	h2.groups = append(slices.Clip(h.groups), name)
	return &h2
}

// Handle writes r as one line, unless Levels says its call site and span
// want a higher level. It returns the writer's error, if any. A nil ctx is
// treated as context.Background(). Unless LeaveSpanStatus is set, a record
// at slog.LevelError or above marks the recording span in ctx with status
// Error and the record's message, whether its line is written or not. With
// a TailBuffer, a record below the level is held (see TailBuffer) or
// dropped.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	if ctx == nil {
		ctx = context.Background()
	}
	span := trace.SpanFromContext(ctx)
	if r.Level >= slog.LevelError { // even when the line is not written
		if !h.opts.LeaveSpanStatus && span.IsRecording() {
			span.SetStatus(codes.Error, r.Message)
		}
		if h.opts.TailBuffer != nil {
			h.opts.TailBuffer.markFailed(span.SpanContext())
		}
	}
	switch h.decide(r.Level, r.PC, span) {
	case dropRecord:
		return nil
	case holdRecord:
		h.hold(span, r)
		return nil
	}
	l := getLine()
	defer putLine(l)
	h.appendRecord(l, span, r, false)
	return l.write(h.out)
}

// appendRecord builds r's line in l; a replayed line says so after msg.
func (h *Handler) appendRecord(l *line, span trace.Span, r slog.Record, replayed bool) {
	h.appendBuiltins(l, r)
	if replayed {
		l.b = append(l.b, replayedPair...)
	}
	if len(h.attrs.text) > 0 {
		l.appendText(h.attrs)
	}
	if r.NumAttrs() > 0 {
		rep := h.opts.ReplaceAttr
		if h.prefix != "" {
			l.prefix.text = append(l.prefix.text[:0], h.prefix...)
		}
		if rep != nil {
			l.groups = append(l.groups[:0], h.groups...)
		}
		r.Attrs(func(a slog.Attr) bool {
			l.attr(rep, h.lim, a, userClass)
			return true
		})
		l.prefix.text, l.groups = l.prefix.text[:0], l.groups[:0]
	}
	l.appendSpanContext(span, h)
	if h.opts.AddSource && r.PC != 0 {
		h.appendSource(l, r.PC)
	}
	if !r.Time.IsZero() {
		h.appendTimestamp(l, r)
	}
	l.dedupe()
	l.b = h.lim.capLine(l.b)
}

// appendBuiltins appends level and msg, through ReplaceAttr when set.
func (h *Handler) appendBuiltins(l *line, r slog.Record) {
	if h.opts.ReplaceAttr == nil {
		switch r.Level {
		case slog.LevelDebug:
			l.b = append(l.b, " level=DEBUG"...)
		case slog.LevelInfo:
			l.b = append(l.b, " level=INFO"...)
		case slog.LevelWarn:
			l.b = append(l.b, " level=WARN"...)
		case slog.LevelError:
			l.b = append(l.b, " level=ERROR"...)
		default: // INFO+2 and such
			l.b = append(l.b, " level="...)
			l.b = appendString(l.b, r.Level.String())
		}
		l.b = append(l.b, " msg="...)
		l.b = appendString(l.b, h.lim.cap(r.Message))
		return
	}
	h.appendBuiltin(l, h.replaced(slog.Any(slog.LevelKey, r.Level)))
	h.appendBuiltin(l, h.replaced(slog.String(slog.MessageKey, r.Message)))
}

// replaced is a builtin attribute after ReplaceAttr, which is called with
// no groups, as slog does.
func (h *Handler) replaced(a slog.Attr) slog.Attr {
	if rep := h.opts.ReplaceAttr; rep != nil {
		a = rep(nil, a)
		a.Value = resolve(a.Value)
	}
	return a
}

// appendBuiltin appends a builtin attribute that has been through
// ReplaceAttr. Its key is spanlog's own, so it is not renamed, and it wins
// over a user attribute that has the same key.
func (h *Handler) appendBuiltin(l *line, a slog.Attr) {
	if isEmptyAttr(a) {
		return
	}
	if a.Value.Kind() == slog.KindGroup {
		walkAttr(l, nil, h.lim, a, builtinClass)
		return
	}
	start := len(l.b)
	l.b = append(l.b, ' ')
	l.b = appendKey(l.b, h.lim.cap(a.Key))
	keyEnd := len(l.b)
	l.b = append(l.b, '=')
	if h.lim.secret(a.Key) {
		l.b = append(l.b, redact.Placeholder...)
	} else {
		l.b = appendSlogValue(l.b, a.Value, h.lim)
	}
	l.addPair(start, keyEnd, builtinClass)
}

func (h *Handler) appendTimestamp(l *line, r slog.Record) {
	if h.opts.ReplaceAttr == nil {
		l.b = append(l.b, " timestamp="...)
		l.b = appendTime(l.b, r.Time)
		return
	}
	a := h.replaced(slog.Time(slog.TimeKey, r.Time))
	if a.Key == slog.TimeKey {
		a.Key = timestampKey
	}
	h.appendBuiltin(l, a)
}

// appendSource appends target= and location= for the caller at pc. A
// ReplaceAttr that returns a nil *slog.Source removes them, as it does
// from slog.TextHandler's lines.
func (h *Handler) appendSource(l *line, pc uintptr) {
	frame, _ := runtime.CallersFrames([]uintptr{pc}).Next()
	src := &slog.Source{Function: frame.Function, File: frame.File, Line: frame.Line}
	if h.opts.ReplaceAttr != nil {
		a := h.replaced(slog.Any(slog.SourceKey, src))
		s, ok := a.Value.Any().(*slog.Source)
		if a.Key != slog.SourceKey || !ok {
			h.appendBuiltin(l, a)
			return
		}
		if s == nil {
			return
		}
		src = s
	}
	l.b = append(l.b, " target="...)
	l.b = appendString(l.b, h.lim.cap(levels.PackagePath(src.Function)))
	l.b = append(l.b, " location="...)
	l.b = appendString(l.b, h.lim.cap(shortLocation(src.File, src.Line)))
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
