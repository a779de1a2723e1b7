package main

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
	"github.com/spanlog/spanlog/traced"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// echoService stands for the external service: it answers each message
// with the same payload, in a span joined to the sender's trace through the
// message's headers. delay makes it a slow consumer.
type echoService struct {
	ctx   context.Context
	log   *slog.Logger
	tp    trace.TracerProvider
	prop  propagation.TextMapPropagator
	delay time.Duration
	conns sync.WaitGroup
}

func (e *echoService) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	e.conns.Add(1)
	defer e.conns.Done()
	defer c.CloseNow()
	for {
		var env traced.Envelope[Result]
		if err := wsjson.Read(e.ctx, c, &env); err != nil {
			return
		}
		err := traced.Consume(e.ctx, traced.Extract(env, e.prop), func(ctx context.Context, res Result) error {
			if e.delay > 0 {
				select {
				case <-time.After(e.delay): // the service is slow, not waiting on anything of ours
				case <-ctx.Done():
					return ctx.Err()
				}
			}
			e.log.InfoContext(ctx, "echoing", "request.id", res.ID)
			return wsjson.Write(ctx, c, traced.Inject(traced.Wrap(ctx, res), e.prop))
		}, traced.WithTracerProvider(e.tp), traced.WithSpanName("echo.handle"))
		if err != nil {
			return
		}
	}
}
