package main

import "sync/atomic"

// replyQueue holds the acknowledgements waiting to be written to one
// connection. It never blocks the pipeline: when the connection's reader is
// too slow and the queue is full, an acknowledgement is dropped and counted.
type replyQueue struct {
	ch      chan Result
	dropped atomic.Int64
}

func newReplyQueue(size int) *replyQueue { return &replyQueue{ch: make(chan Result, size)} }

// offer queues r, or drops it when the queue is full; it reports which.
func (q *replyQueue) offer(r Result) bool {
	select {
	case q.ch <- r:
		return true
	default:
		q.dropped.Add(1)
		return false
	}
}
