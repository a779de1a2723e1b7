//go:build !gc || !(amd64 || arm64)

package goid

// Current identifies the calling goroutine (see the package doc).
func Current() uintptr { return fromStack() }
