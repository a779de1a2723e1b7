package traced

import (
	"errors"
	"strconv"
	"sync"
)

type outboxKey struct{}

// outbox holds the deliveries made through one handler call's ctx under
// DeferSends. The handler and goroutines it starts may add to it at once.
// Once flush has begun the outbox is closed: add then reports false and
// the caller delivers directly.
type outbox struct {
	mu         sync.Mutex
	closed     bool
	deliveries []func() error
}

// add queues deliver, or reports false when the outbox is closed.
func (o *outbox) add(deliver func() error) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.closed {
		return false
	}
	o.deliveries = append(o.deliveries, deliver)
	return true
}

// close closes the outbox and drops what it holds.
func (o *outbox) close() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.closed = true
	o.deliveries = nil
}

// flush closes the outbox and delivers what it holds in order, stopping at
// the first failure (a done context), whose error it returns with the
// count of messages not delivered. No lock is held while delivering.
func (o *outbox) flush() error {
	o.mu.Lock()
	o.closed = true
	deliveries := o.deliveries
	o.deliveries = nil
	o.mu.Unlock()
	for i, deliver := range deliveries {
		if err := deliver(); err != nil {
			return errors.Join(err, errUndelivered(len(deliveries)-i))
		}
	}
	return nil
}

type errUndelivered int

func (n errUndelivered) Error() string {
	return "traced: " + strconv.Itoa(int(n)) + " deferred message(s) not delivered"
}
