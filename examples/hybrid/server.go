package main

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"sync"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
	"github.com/spanlog/spanlog/traced"
	"go.opentelemetry.io/otel/baggage"
	"go.opentelemetry.io/otel/trace"
)

// server accepts WebSocket connections and hands each request to the
// worker pool. Its trace starts when a request is received.
type server struct {
	ctx    context.Context // ends every connection when done
	log    *slog.Logger
	tracer trace.Tracer
	jobs   chan<- traced.Message[Job]
	conns  sync.WaitGroup
}

// ServeHTTP upgrades to WebSocket and serves the connection until the
// client closes it or the server's context ends.
func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c, err := websocket.Accept(w, r, nil)
	if err != nil {
		s.log.WarnContext(r.Context(), "websocket upgrade failed", "err", err)
		return
	}
	s.conns.Add(1)
	defer s.conns.Done()
	defer c.CloseNow()

	ctx, cancel := context.WithCancel(s.ctx)
	replies := newReplyQueue(16)
	var writer sync.WaitGroup
	writer.Go(func() { s.writeReplies(ctx, c, replies) })
	defer writer.Wait()
	defer cancel() // runs first: stops the writer

	for {
		var req Request
		if err := wsjson.Read(ctx, c, &req); err != nil {
			if status := websocket.CloseStatus(err); status != websocket.StatusNormalClosure && ctx.Err() == nil {
				s.log.WarnContext(ctx, "connection ended", "err", err)
			}
			if n := replies.dropped.Load(); n > 0 {
				s.log.WarnContext(ctx, "acknowledgements dropped for a slow reader", "count", n)
			}
			return
		}
		s.receive(ctx, req, replies)
	}
}

// receive records the request in a span that starts its trace, then queues
// it for the workers once the span has ended. The request id goes in the
// baggage, so every span of the trace carries it, past the WebSocket hop
// too.
func (s *server) receive(ctx context.Context, req Request, replies *replyQueue) {
	if m, err := baggage.NewMember("request.id", strconv.Itoa(req.ID)); err == nil {
		if b, err := baggage.New(m); err == nil {
			ctx = baggage.ContextWithBaggage(ctx, b)
		}
	}
	ctx, span := s.tracer.Start(ctx, "ws.receive",
		trace.WithSpanKind(trace.SpanKindServer))
	s.log.InfoContext(ctx, "request received", "text.bytes", len(req.Text))
	span.End()
	if err := traced.Send(ctx, s.jobs, Job{Request: req, Reply: replies}); err != nil {
		s.log.WarnContext(ctx, "request not queued", "err", err)
	}
}

func (s *server) writeReplies(ctx context.Context, c *websocket.Conn, replies *replyQueue) {
	for {
		select {
		case r := <-replies.ch:
			if err := wsjson.Write(ctx, c, r); err != nil {
				return
			}
		case <-ctx.Done():
			return
		}
	}
}

// wait blocks until every connection has been served.
func (s *server) wait() { s.conns.Wait() }
