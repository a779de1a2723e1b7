package main

import (
	"bufio"
	"context"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"testing"
	"time"
)

// BenchmarkFile1M reads a generated file of 1,000,000 spanlog lines
// (about 400 MB: 32 requests in flight, 12 lines each, interleaved, 200 µs
// of log time between lines): impl=read only splits it into lines, the
// floor under both commands; impl=tree and impl=pretty run the commands to
// io.Discard. MB/s is the input read per second; peak-live-MB is the
// largest live heap seen after a garbage collection while reading, which
// stays a few MB however large the file. Run on one core:
//
//	go test ./cmd/spanlog -run '^$' -bench 1M -benchtime 3x -cpu 1
func BenchmarkFile1M(b *testing.B) {
	path := filepath.Join(b.TempDir(), "1m.log")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	size, err := io.Copy(f, newSynthetic(1_000_000, 32, 200*time.Microsecond))
	if err == nil {
		err = f.Close()
	}
	if err != nil {
		b.Fatal(err)
	}
	b.Run("impl=read", func(b *testing.B) {
		b.SetBytes(size)
		b.ReportAllocs()
		for b.Loop() {
			readLines(b, path)
		}
	})
	for _, cmd := range []string{"tree", "pretty"} {
		b.Run("impl="+cmd, func(b *testing.B) {
			b.SetBytes(size)
			b.ReportAllocs()
			out := &heapSampler{}
			for b.Loop() {
				e := testEnv(nil, out, io.Discard)
				if code := run(context.Background(), []string{cmd, "--color", "never", path}, e); code != 0 {
					b.Fatalf("exit %d", code)
				}
			}
			b.ReportMetric(float64(out.peak)/1e6, "peak-live-MB")
			b.ReportMetric(float64(size)/1e6, "file-MB")
		})
	}
}

// readLines reads the file at path line by line, as both commands do.
func readLines(b *testing.B, path string) {
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	lr := newLineReader(f)
	for {
		if _, err := lr.next(); err != nil {
			if err != io.EOF {
				b.Fatal(err)
			}
			return
		}
	}
}

// heapSampler discards what is written to it, and at each write reads the
// live heap as of the last garbage collection, keeping the largest.
type heapSampler struct {
	peak   uint64
	sample [1]metrics.Sample
}

func (h *heapSampler) Write(p []byte) (int, error) {
	h.sample[0].Name = "/gc/heap/live:bytes"
	metrics.Read(h.sample[:])
	if h.sample[0].Value.Kind() == metrics.KindUint64 {
		h.peak = max(h.peak, h.sample[0].Value.Uint64())
	}
	return len(p), nil
}

// The traces held at once, and the heap, stay bounded by the traces open
// or lingering, not by how many lines were read: after 120,000 lines
// (10,000 requests), no more than the 32 in flight plus those finished in
// the last second of log time are held, and the live heap has not grown
// since line 20,000.
func TestMemoryBoundedByOpenTraces(t *testing.T) {
	const (
		total       = 120_000
		concurrency = 32
		step        = 200 * time.Microsecond
	)
	in := newSynthetic(total, concurrency, step)
	var heapEarly, heapEnd uint64
	in.onLine = func(n int) {
		switch n {
		case 20_000:
			heapEarly = liveHeap()
		case total - 1:
			heapEnd = liveHeap()
		}
	}
	v := newTreeViewer(bufio.NewWriter(io.Discard), style{}, filter{}, false, time.Second, time.Minute)
	lr := newLineReader(in)
	held := 0
	for {
		line, err := lr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		v.line(line)
		held = max(held, len(v.asm.traces))
	}
	v.end()

	// One request ends every 12 lines, so a second of log time (5,000
	// lines) finishes about 420 of them.
	if limit := concurrency + 2*int(time.Second/step)/linesPerRequest; held > limit {
		t.Errorf("held %d traces at once, want at most %d of %d", held, limit, in.next)
	}
	if heapEnd > heapEarly+4<<20 {
		t.Errorf("live heap grew from %d to %d bytes between line 20,000 and %d", heapEarly, heapEnd, total)
	}
	t.Logf("held at most %d of %d traces; live heap %d KB at line 20,000, %d KB at line %d",
		held, in.next, heapEarly>>10, heapEnd>>10, total)
}

func liveHeap() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}
