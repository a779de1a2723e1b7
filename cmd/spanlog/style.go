package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
)

// style holds the ANSI SGR sequences the output uses. The zero style
// prints no colour at all.
type style struct {
	reset, dim, bold, red, yellow, green, blue, magenta, cyan string
}

// colors is the style of coloured output.
var colors = style{
	reset:   "\x1b[0m",
	dim:     "\x1b[2m",
	bold:    "\x1b[1m",
	red:     "\x1b[31m",
	yellow:  "\x1b[33m",
	green:   "\x1b[32m",
	blue:    "\x1b[34m",
	magenta: "\x1b[35m",
	cyan:    "\x1b[36m",
}

// level returns the colour of a level: ERROR red, WARN yellow, INFO green,
// DEBUG blue, anything else none.
func (s style) level(level []byte) string {
	switch {
	case bytes.HasPrefix(level, []byte("ERROR")):
		return s.red
	case bytes.HasPrefix(level, []byte("WARN")):
		return s.yellow
	case bytes.HasPrefix(level, []byte("INFO")):
		return s.green
	case bytes.HasPrefix(level, []byte("DEBUG")):
		return s.blue
	}
	return ""
}

// paint appends text between an SGR sequence and a reset; with no sequence
// or no text it appends text alone.
func (s style) paint(b []byte, sgr string, text []byte) []byte {
	return s.paintWith(b, sgr, appendBytes, text)
}

// paintWith is paint of what add appends of v, written in place.
func (s style) paintWith(b []byte, sgr string, add func(b, v []byte) []byte, v []byte) []byte {
	if sgr == "" {
		return add(b, v)
	}
	start := len(b)
	b = add(append(b, sgr...), v)
	if len(b) == start+len(sgr) { // nothing to colour
		return b[:start]
	}
	return append(b, s.reset...)
}

func appendBytes(b, v []byte) []byte { return append(b, v...) }

// chooseStyle turns --color's value into a style. auto colours only when
// out is a terminal, NO_COLOR is unset or empty and TERM is not dumb.
func chooseStyle(mode string, out io.Writer, getenv func(string) string) (style, error) {
	switch mode {
	case "always":
		return colors, nil
	case "never":
		return style{}, nil
	case "auto":
		if getenv("NO_COLOR") == "" && getenv("TERM") != "dumb" && isTerminal(out) {
			return colors, nil
		}
		return style{}, nil
	}
	return style{}, fmt.Errorf("--color must be auto, always or never, not %q", mode)
}

// isTerminal reports whether w is a character device, as a terminal is.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
