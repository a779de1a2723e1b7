package levels

import (
	"log/slog"
	"math"
	"strconv"
	"strings"
)

// Off is the level of the directive "off": no record is at or above it but
// one at math.MaxInt, which slog never uses.
const Off = slog.Level(math.MaxInt)

// maxOffset bounds the N of a level written LEVEL+N or LEVEL-N, so that no
// written level comes near Off.
const maxOffset = 1 << 20

// levelNames are the level names a directive may use, before any offset.
var levelNames = []struct {
	name  string
	level slog.Level
}{
	{"debug", slog.LevelDebug},
	{"info", slog.LevelInfo},
	{"warn", slog.LevelWarn},
	{"error", slog.LevelError},
}

// parseLevel reads a level: debug, info, warn or error in any case, with an
// optional +N or -N offset as slog writes them (info+2, debug-4), or off.
// On failure it returns the offset within s of the first bad byte and what
// is wrong there.
func parseLevel(s string) (slog.Level, int, string) {
	if strings.EqualFold(s, "off") {
		return Off, 0, ""
	}
	name, offset := s, ""
	if i := strings.IndexAny(s, "+-"); i >= 0 {
		name, offset = s[:i], s[i:]
	}
	var level slog.Level
	found := false
	for _, n := range levelNames {
		if strings.EqualFold(name, n.name) {
			level, found = n.level, true
			break
		}
	}
	if !found {
		msg := "unknown level " + strconv.Quote(s) + "; want debug, info, warn, error or off, optionally with +N or -N (info+2)"
		if strings.ContainsAny(s, "./") {
			msg += "; a package needs =LEVEL after it"
		}
		return 0, 0, msg
	}
	if offset == "" {
		return level, 0, ""
	}
	digits := offset[1:]
	n, err := strconv.Atoi(digits)
	if err != nil || digits == "" || digits[0] == '+' || digits[0] == '-' {
		return 0, len(name) + 1, "level offset " + strconv.Quote(offset) + " is not a whole number such as +2 or -4"
	}
	if n > maxOffset {
		return 0, len(name) + 1, "level offset " + strconv.Quote(offset) + " is too large"
	}
	if offset[0] == '-' {
		n = -n
	}
	return level + slog.Level(n), 0, ""
}

// formatLevel writes a level as a directive does: off, or slog's name in
// lower case (debug, info+2, debug-4). parseLevel reads it back.
func formatLevel(l slog.Level) string {
	if l == Off {
		return "off"
	}
	return strings.ToLower(l.String())
}
