package logfmt

import "sync"

// maxPooledBuffer keeps a rare huge line from pinning its buffer in the
// pool for the life of the process.
const maxPooledBuffer = 64 << 10

var bufferPool = sync.Pool{New: func() any {
	b := make([]byte, 0, 1024)
	return &b
}}

func getBuffer() *[]byte { return bufferPool.Get().(*[]byte) }

func putBuffer(b *[]byte) {
	if cap(*b) > maxPooledBuffer {
		return
	}
	*b = (*b)[:0]
	bufferPool.Put(b)
}
