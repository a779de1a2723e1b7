// Package callsite has a dot in the last element of its import path, which
// the linker escapes in symbol names (callsite%2ev2).
package callsite

import "runtime"

// PC returns the PC of a call site in this package.
func PC() uintptr {
	var pcs [1]uintptr
	runtime.Callers(1, pcs[:])
	return pcs[0]
}
