//go:build gc && (amd64 || arm64)

package goid

// getg returns the address of the current goroutine's descriptor (the
// runtime's g), which the runtime keeps in thread-local storage on amd64
// and in a register on arm64.
func getg() uintptr

// Current identifies the calling goroutine (see the package doc).
func Current() uintptr { return getg() }
