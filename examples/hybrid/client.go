package main

import (
	"context"
	"log/slog"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
	"github.com/spanlog/spanlog/traced"
	"go.opentelemetry.io/otel/propagation"
)

// echoClient sends outcomes to the external echo service over one
// WebSocket connection, one at a time, and acknowledges each request once
// its echo is back. The trace context crosses to the service inside each
// message, as W3C headers.
type echoClient struct {
	conn *websocket.Conn
	log  *slog.Logger
	prop propagation.TextMapPropagator
}

func (c *echoClient) send(ctx context.Context, o Outcome) error {
	if err := wsjson.Write(ctx, c.conn, traced.Inject(traced.Wrap(ctx, o.Result), c.prop)); err != nil {
		return err
	}
	var reply traced.Envelope[Result]
	if err := wsjson.Read(ctx, c.conn, &reply); err != nil {
		return err
	}
	acked := o.Reply.offer(reply.Payload)
	c.log.InfoContext(ctx, "echo received", "request.id", reply.Payload.ID, "acknowledged", acked)
	return nil
}
