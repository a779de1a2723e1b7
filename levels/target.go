package levels

import (
	"log/slog"
	"runtime"
	"strings"
	"sync/atomic"
)

// PackagePath returns the import path of the package that defines
// function, a name as runtime.Frame.Function gives it, such as
// "example.com/app/db.(*Conn).Query" or "gopkg.in/yaml%2ev3.Unmarshal".
// The linker's escapes (%2e for a dot in the last path element) are
// undone, so the result is the path an import statement names.
func PackagePath(function string) string {
	slash := strings.LastIndexByte(function, '/') + 1
	path := function
	if dot := strings.IndexByte(function[slash:], '.'); dot >= 0 {
		path = function[:slash+dot]
	}
	if strings.IndexByte(path, '%') < 0 {
		return path
	}
	return unescape(path)
}

// unescape decodes the %XX escapes the linker writes into symbol names.
func unescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			if hi, lo := unhex(s[i+1]), unhex(s[i+2]); hi >= 0 && lo >= 0 {
				b.WriteByte(byte(hi<<4 | lo))
				i += 2
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func unhex(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// pcPath returns the package path of the function holding pc, resolving
// inlined calls as slog's source attribute does.
func pcPath(pc uintptr) string {
	frame, _ := runtime.CallersFrames([]uintptr{pc}).Next()
	return PackagePath(frame.Function)
}

// callSite is what a Switch caches for one PC: its package path, and what
// the filter last asked about it decided.
type callSite struct {
	path     string
	resolved atomic.Pointer[resolved]
}

// resolved is what one Filter decides for one package path.
type resolved struct {
	filter *Filter
	level  slog.Level // of the longest matching TARGET=LEVEL directive
	found  bool       // whether one matched
	scopes uint64     // Filter.scopeMask of the path
}

func (f *Filter) resolve(path string) *resolved {
	level, found := f.static(path)
	return &resolved{filter: f, level: level, found: found, scopes: f.scopeMask(path)}
}

// pcCache maps PCs to call sites: bounded, safe for concurrent use,
// lock-free to read.
type pcCache struct{ t *table[uintptr, *callSite] }

// pcCacheBuckets × ways is how many PCs the cache holds.
const pcCacheBuckets = 1024

func newPCCache() pcCache { return pcCache{newTable[uintptr, *callSite](pcCacheBuckets)} }

// lookup returns what f decides for the package of pc. It allocates only
// the first time it sees pc, or pc under f.
func (c pcCache) lookup(pc uintptr, f *Filter) *resolved {
	h := mix(uint64(pc))
	site, ok := c.t.get(pc, h)
	if !ok {
		site = &callSite{path: pcPath(pc)}
		c.t.put(pc, h, site)
	}
	r := site.resolved.Load()
	if r == nil || r.filter != f {
		r = f.resolve(site.path)
		site.resolved.Store(r)
	}
	return r
}
