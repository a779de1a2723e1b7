package traced

import (
	"context"

	"github.com/spanlog/spanlog/storage"
	"go.opentelemetry.io/otel/baggage"
)

// carried is the baggage a message or a remembered span carries, with the
// part of it that came from outside the process (storage.RemoteBaggage):
// a hop inside the process must not turn a request's untrusted baggage
// into the process's own.
type carried struct {
	all    baggage.Baggage
	remote baggage.Baggage
}

// carriedFrom takes ctx's baggage and its remote part.
func carriedFrom(ctx context.Context) carried {
	c := carried{all: baggage.FromContext(ctx)}
	if c.all.Len() > 0 {
		c.remote = storage.RemoteBaggage(ctx)
	}
	return c
}

// into returns ctx with the carried baggage in place of ctx's, marked
// remote as it was.
func (c carried) into(ctx context.Context) context.Context {
	if c.remote.Len() > 0 || storage.RemoteBaggage(ctx).Len() > 0 {
		ctx = storage.ContextWithRemoteBaggage(ctx, c.remote)
	}
	return baggage.ContextWithBaggage(ctx, c.all)
}
