package traced

import (
	"errors"
	"strconv"
)

type outboxKey struct{}

// outbox holds the deliveries a handler made under DeferSends. It belongs
// to one handler call, on one goroutine.
type outbox struct{ deliveries []func() error }

func (o *outbox) add(deliver func() error) { o.deliveries = append(o.deliveries, deliver) }

// flush delivers in order, stopping at the first failure (a done context),
// whose error it returns with the count of messages not delivered.
func (o *outbox) flush() error {
	for i, deliver := range o.deliveries {
		if err := deliver(); err != nil {
			return errors.Join(err, errUndelivered(len(o.deliveries)-i))
		}
	}
	return nil
}

type errUndelivered int

func (n errUndelivered) Error() string {
	return "traced: " + strconv.Itoa(int(n)) + " deferred message(s) not delivered"
}
