package main

// maxQueuedBytes bounds the output held back to keep the input's order.
const maxQueuedBytes = 16 << 20

// outItem is one piece of tree output in input order: a tree, written once
// its trace is printed, or a line that is no trace's.
type outItem struct {
	at    int64  // the clock when its first line came
	t     *trace // the trace it waits for, until ready
	b     []byte
	ready bool
}

// orderedOutput writes trees and other lines in the order their first
// lines came in, so that a tree shows where its trace started and the lines
// between traces stay between them. Nothing waits long: when an item has
// waited for linger behind a trace that is not finished, that trace is
// passed over and prints when it finishes, out of order. It is not safe
// for concurrent use.
type orderedOutput struct {
	linger int64 // µs
	write  func([]byte)
	queue  []*outItem
	head   int
	bytes  int
}

// begin reserves the place of a trace that just started.
func (o *orderedOutput) begin(t *trace, now int64) {
	it := &outItem{at: now, t: t}
	t.out = it
	o.queue = append(o.queue, it)
}

// line queues output that is ready now, behind any trace still waited for.
func (o *orderedOutput) line(b []byte, now int64) {
	if o.head == len(o.queue) {
		o.write(b)
		return
	}
	o.queue = append(o.queue, &outItem{at: now, b: append([]byte(nil), b...), ready: true})
	o.bytes += len(b)
}

// done is given the output of a finished trace.
func (o *orderedOutput) done(t *trace, b []byte) {
	it := t.out
	if it == nil { // passed over: it is late already
		o.write(b)
		return
	}
	it.b, it.ready, it.t = append([]byte(nil), b...), true, nil
	t.out = nil
	o.bytes += len(b)
}

// drain writes what is ready at the head of the queue, passing over a
// trace at the head when what waits behind it has waited for linger.
func (o *orderedOutput) drain(now int64) {
	for o.head < len(o.queue) {
		it := o.queue[o.head]
		if !it.ready {
			next := o.head + 1
			if next == len(o.queue) || now-o.queue[next].at < o.linger && o.bytes <= maxQueuedBytes {
				break
			}
			it.t.out = nil // it prints when finished
		} else {
			o.write(it.b)
			o.bytes -= len(it.b)
		}
		o.queue[o.head] = nil
		o.head++
	}
	if o.head == len(o.queue) {
		o.queue, o.head = o.queue[:0], 0
	} else if o.head > 1024 && o.head*2 > len(o.queue) {
		n := copy(o.queue, o.queue[o.head:])
		clear(o.queue[n:])
		o.queue, o.head = o.queue[:n], 0
	}
}
