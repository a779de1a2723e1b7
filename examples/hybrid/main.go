// Hybrid keeps one trace across an asynchronous service: a WebSocket
// server hands each message to a pool of worker goroutines over a channel;
// the workers do CPU work and pass results to a client goroutine, which
// sends them over WebSocket to an external echo service. One trace spans
// server receive → worker → client send → echo reply, across channels and
// across the WebSocket hop, where the context travels in the message as
// W3C headers.
//
// It runs a fixed exchange on loopback, prints every line and exits.
package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
	"github.com/spanlog/spanlog"
	"github.com/spanlog/spanlog/traced"
)

func main() {
	if err := run(context.Background(), os.Stdout, demo); err != nil {
		fmt.Fprintln(os.Stderr, "hybrid:", err)
		os.Exit(1)
	}
}

// config sizes an exchange.
type config struct {
	requests  int           // requests the source sends
	waitAcks  bool          // the source waits for each acknowledgement before the next request
	workers   int           // worker goroutines
	rounds    int           // hash rounds per request
	buffer    int           // capacity of the channels between goroutines
	echoDelay time.Duration // how slow the echo service is
	spanlog   []spanlog.Option
}

var demo = config{requests: 3, waitAcks: true, workers: 2, rounds: 1000, buffer: 4}

// run starts the echo service, the pipeline of goroutines and the server,
// sends cfg.requests from a source connection, and then shuts everything
// down in flow order. Ending ctx stops the exchange mid-flight; run still
// returns only when every goroutine it started has exited.
func run(ctx context.Context, out io.Writer, cfg config) (err error) {
	p, err := spanlog.New(ctx, append([]spanlog.Option{
		spanlog.WithWriter(out),
		spanlog.WithServiceName("hybrid"),
		// Baggage that crosses the WebSocket arrives in an envelope, from
		// outside the process as far as spanlog can tell: the echo service
		// names the one key it trusts its callers with.
		spanlog.WithRemoteBaggage("request.id"),
	}, cfg.spanlog...)...)
	if err != nil {
		return err
	}
	defer func() {
		// Telemetry that could not be delivered is a warning; the
		// exchange's own error is what run returns.
		if shutdownErr := p.Shutdown(context.Background()); shutdownErr != nil {
			p.Logger().Warn("telemetry not fully delivered", "err", shutdownErr)
		}
	}()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	log := p.Logger()
	tp := traced.WithTracerProvider(p.TracerProvider())

	echo := &echoService{ctx: ctx, log: log, tp: p.TracerProvider(), prop: p.Propagator(), delay: cfg.echoDelay}
	echoURL, stopEcho, err := listen(echo)
	if err != nil {
		return err
	}
	defer func() { stopEcho(); echo.conns.Wait() }()

	echoConn, _, err := websocket.Dial(ctx, echoURL, nil)
	if err != nil {
		return err
	}
	defer echoConn.CloseNow()

	jobs := make(chan traced.Message[Job], cfg.buffer)
	outcomes := make(chan traced.Message[Outcome], cfg.buffer)
	var workers, client sync.WaitGroup
	w := &worker{log: log, rounds: cfg.rounds, out: traced.Sender(outcomes)}
	for range cfg.workers {
		workers.Go(func() {
			_ = traced.Serve(ctx, jobs, w.process, tp, traced.DeferSends(), traced.WithSpanName("worker.process"))
		})
	}
	ec := &echoClient{conn: echoConn, log: log, prop: p.Propagator()}
	client.Go(func() {
		_ = traced.Serve(ctx, outcomes, ec.send, tp, traced.WithSpanName("client.send"))
	})

	srv := &server{ctx: ctx, log: log, tracer: p.TracerProvider().Tracer("hybrid"), jobs: jobs}
	srvURL, stopServer, err := listen(srv)
	if err != nil {
		return err
	}

	exchangeErr := source(ctx, srvURL, cfg)

	// Flow order: no more connections, then no more jobs, then no more
	// outcomes; each stage drains what it has before the next stops.
	stopServer()
	srv.wait()
	close(jobs)
	workers.Wait()
	close(outcomes)
	client.Wait()
	echoConn.Close(websocket.StatusNormalClosure, "done")
	return exchangeErr
}

// source is the client of the server: it sends cfg.requests and, when
// cfg.waitAcks is set, waits for each acknowledgement before the next.
func source(ctx context.Context, url string, cfg config) error {
	c, _, err := websocket.Dial(ctx, url, nil)
	if err != nil {
		return err
	}
	defer c.CloseNow()
	for i := 1; i <= cfg.requests; i++ {
		req := Request{ID: i, Text: strings.Repeat("tick ", i)}
		if err := wsjson.Write(ctx, c, req); err != nil {
			return fmt.Errorf("request %d: %w", i, err)
		}
		if !cfg.waitAcks {
			continue
		}
		var ack Result
		if err := wsjson.Read(ctx, c, &ack); err != nil {
			return fmt.Errorf("acknowledgement of %d: %w", i, err)
		}
		if ack.ID != i {
			return fmt.Errorf("acknowledgement for %d, want %d", ack.ID, i)
		}
	}
	return c.Close(websocket.StatusNormalClosure, "done")
}

// listen serves h on a free loopback port and returns its ws:// URL and a
// func that stops the listener and waits for the serving goroutine.
func listen(h http.Handler) (string, func(), error) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	var serving sync.WaitGroup
	serving.Go(func() { _ = srv.Serve(lis) })
	stop := func() {
		_ = srv.Close() // hijacked WebSocket connections are left to their handlers
		serving.Wait()
	}
	return "ws://" + lis.Addr().String(), stop, nil
}
