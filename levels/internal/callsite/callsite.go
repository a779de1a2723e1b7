// Package callsite logs from a package of its own, so that tests of level
// directives have a second call-site package to tell apart.
package callsite

import (
	"context"
	"log/slog"
	"runtime"
)

// PC returns the PC of a call site in this package.
func PC() uintptr {
	var pcs [1]uintptr
	runtime.Callers(1, pcs[:])
	return pcs[0]
}

// Log logs msg at level through logger, from this package.
func Log(ctx context.Context, logger *slog.Logger, level slog.Level, msg string) {
	logger.Log(ctx, level, msg)
}
