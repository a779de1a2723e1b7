package levels

import (
	"math/bits"
	"sync/atomic"
)

// ways is how many entries share a bucket of a table.
const ways = 4

// table is a bounded map, safe for concurrent use, whose reads take no
// lock: buckets of 4 slots, each an atomic pointer to an immutable entry.
// A put into a full bucket replaces the entry put longest ago, so the table
// never holds more than buckets × 4 entries and needs no sweeping.
type table[K comparable, V any] struct {
	slots []atomic.Pointer[entry[K, V]]
	shift uint // 64 - log2(buckets): a hash's top bits pick the bucket
	seq   atomic.Uint64
}

type entry[K comparable, V any] struct {
	key K
	val V
	seq uint64 // order of puts, for eviction
}

// newTable returns a table of buckets buckets, a power of two.
func newTable[K comparable, V any](buckets int) *table[K, V] {
	return &table[K, V]{
		slots: make([]atomic.Pointer[entry[K, V]], buckets*ways),
		shift: uint(64 - bits.TrailingZeros(uint(buckets))),
	}
}

// mix spreads x over 64 bits (Fibonacci hashing), so that sequential keys
// land in different buckets.
func mix(x uint64) uint64 { return x * 0x9e3779b97f4a7c15 }

func (t *table[K, V]) bucket(h uint64) []atomic.Pointer[entry[K, V]] {
	b := int(h>>t.shift) * ways // a shift of 64 gives bucket 0
	return t.slots[b : b+ways : b+ways]
}

// get returns the value of key, whose hash is h.
func (t *table[K, V]) get(key K, h uint64) (V, bool) {
	b := t.bucket(h)
	for i := range b {
		if e := b[i].Load(); e != nil && e.key == key {
			return e.val, true
		}
	}
	var zero V
	return zero, false
}

// put sets the value of key: in its slot if present, else in an empty
// slot, else in place of the bucket's oldest entry. When racing puts keep
// taking the slot it chose, it gives up and the key stays unset.
func (t *table[K, V]) put(key K, h uint64, val V) {
	e := &entry[K, V]{key: key, val: val, seq: t.seq.Add(1)}
	b := t.bucket(h)
	for range 3 {
		var victim *entry[K, V]
		vi := -1
		for i := range b {
			cur := b[i].Load()
			if cur == nil || cur.key == key {
				if b[i].CompareAndSwap(cur, e) {
					return
				}
				continue
			}
			if victim == nil || cur.seq < victim.seq {
				victim, vi = cur, i
			}
		}
		if vi >= 0 && b[vi].CompareAndSwap(victim, e) {
			return
		}
	}
}

// delete removes key, whose hash is h.
func (t *table[K, V]) delete(key K, h uint64) {
	b := t.bucket(h)
	for i := range b {
		if cur := b[i].Load(); cur != nil && cur.key == key {
			b[i].CompareAndSwap(cur, nil)
		}
	}
}
