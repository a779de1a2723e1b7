package goid

import (
	"sync"
	"testing"
)

// check runs id on many live goroutines at once: each gets one value on
// every call, and no two get the same.
func check(t *testing.T, id func() uintptr) {
	t.Helper()
	const n = 64
	ids := make([]uintptr, n)
	var started, done sync.WaitGroup
	started.Add(n)
	release := make(chan struct{})
	for i := range n {
		done.Go(func() {
			ids[i] = id()
			started.Done()
			<-release // stay alive until every goroutine has its id
			if again := id(); again != ids[i] {
				t.Errorf("goroutine %d: %#x, then %#x", i, ids[i], again)
			}
		})
	}
	started.Wait()
	close(release)
	done.Wait()
	seen := map[uintptr]int{}
	for i, v := range ids {
		if v == 0 {
			t.Errorf("goroutine %d got 0", i)
		}
		if j, dup := seen[v]; dup {
			t.Errorf("goroutines %d and %d, alive together, both got %#x", j, i, v)
		}
		seen[v] = i
	}
	first := id()
	if first == 0 || id() != first {
		t.Error("the test goroutine's value is 0 or changes")
	}
}

func TestCurrent(t *testing.T)   { check(t, Current) }
func TestFromStack(t *testing.T) { check(t, fromStack) }

func BenchmarkCurrent(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = Current()
	}
}

func BenchmarkFromStack(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = fromStack()
	}
}
