// Package levels decides, line by line, the level a log line must reach to
// be written: by the package that logs it, by the span it is logged in,
// and by that span's fields. The directives come from SPANLOG_LEVEL or any
// string, and can be changed while the program runs.
//
// # Directives
//
// Directives are separated by commas:
//
//	info                                      default level
//	github.com/acme/app/db=debug              a package and the packages under it
//	github.com/acme/app/db[checkout]=debug    that package, inside checkout spans
//	[checkout]=debug                          inside spans named checkout
//	[checkout{user.id=42}]=debug              inside checkout spans whose user.id is 42
//	[{tenant=acme}]=debug                     inside spans whose tenant is acme
//	["GET /songs"]=off                        names with spaces or []{},=" are quoted
//
// A level is debug, info, warn or error, in any case, with an optional
// offset as slog writes one (info+2, debug-4), or off.
//
// A line's target is the import path of the package of its call site for
// a log record (what target= prints), and the name of the span's tracer
// (its instrumentation scope) for a span line. A TARGET matches its own
// path and the paths under it, on slash boundaries: github.com/acme/app
// matches github.com/acme/app/db but not github.com/acme/application. In
// TARGET[SPAN], the TARGET restricts the lines, not the span: debug lines
// of that package, when they are logged inside such a span.
//
// A span field is one of the span's stored attributes, the inherited ones
// included; its value matches when attribute.Value.String gives the same
// text, so {user.id=42} matches the string "42" and the integer 42. The
// fields of a selector must all match.
//
// # Which directive wins
//
// For one line, the directives that apply are the default, every
// TARGET=LEVEL whose TARGET matches the line's target, and every span
// directive whose selector matches the line's span or one of its
// ancestors started in this process (and whose TARGET, if it has one,
// matches the line's target). Of these, the winner is:
//
//  1. a span directive, over any directive without [...];
//  2. then the longest TARGET (one with a TARGET over one without);
//  3. then the directive matched by the nearest span: the line's own span,
//     then its parent, and so on;
//  4. then the one with more conditions (the span name and each field
//     count one each);
//  5. then the lower, more verbose, level.
//
// The default applies when nothing else does; when the directives name no
// default, the Switch's default level (WithDefaultLevel) does. When two
// directives have the same selector, the later one in the text wins.
// Span directives can quiet as well as raise: [health]=off hides the lines
// inside health spans whatever the package directives say.
//
// # Spans
//
// A Processor in the tracer provider's chain, after the storage processor,
// works out at each span's start which span directives reach into it, from
// its name, its fields at that moment, and its local parent. So a span
// directive covers the spans started under its directives: a span already
// running when the directives change, and fields set on a span after its
// start, count for the spans started after (which inherit those fields).
// The Switch remembers the scope of at most WithMaxSpans live spans (16384
// by default), in buckets of four: when a bucket is full, the entry put
// longest ago is dropped, so spans that never end cost no more than that
// bound; a span whose entry was dropped, and the spans started under it
// after that, get the package and default directives only. While no span
// directive is in force nothing is remembered.
//
// # Runtime
//
// A Switch holds the directives in force. Set replaces them, for good or,
// with a ttl, until the last directives set for good come back by
// themselves. HTTPHandler serves GET and PUT for an admin listener.
//
// # Cost
//
// A handler's Enabled asks Switch.Enabled, which compares the level with
// the floor (one atomic load) and, when only span directives could enable
// the level, looks the ctx span up. slog builds a record only when Enabled
// says yes; the handler's Handle then asks EventLevel, which resolves the
// call site's package once per PC (a bounded, lock-free cache of 4096 call
// sites) and looks the ctx span up in a lock-free table. None of this
// allocates once a call site has been seen. So a debug call costs one
// comparison where no directive enables debug, a span lookup where only
// span directives do, and slog's record-building (tens of nanoseconds more
// than slog's own disabled call, mostly runtime.Callers) where a package
// directive does.
package levels
