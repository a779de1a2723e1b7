// Songs is seed 002's service in Go: a net/http server instrumented with
// otelhttp whose POST /songs runs vendor lookups in child spans that inherit
// the request's fields, saves the song in a record.save_event span that
// feeds the db_event metrics, and indexes it after the response in a new
// root span linked to the request.
//
// It logs at INFO with a tail buffer: each request's DEBUG records are
// held, and printed (marked replayed=true) only for a request that fails.
//
// By default it runs a demo on a free loopback port: it posts 8 songs and
// one bad request to itself, prints every line, prints the /metrics scrape
// and exits; only the bad request shows its DEBUG detail. With -serve ADDR
// it keeps serving until interrupted.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"time"

	"github.com/spanlog/spanlog"
	"github.com/spanlog/spanlog/metricsproc"
)

func main() {
	serveAddr := flag.String("serve", "", "serve on `ADDR` (e.g. 127.0.0.1:8080) until interrupted, instead of running the demo")
	flag.Parse()
	if err := run(*serveAddr, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "songs:", err)
		os.Exit(1)
	}
}

// run builds the pipeline, printing to out, and runs the demo, or serves
// on serveAddr when it is set. extra options come after the service's own.
func run(serveAddr string, out io.Writer, extra ...spanlog.Option) error {
	ctx := context.Background()
	opts := []spanlog.Option{
		spanlog.WithWriter(out),
		spanlog.WithServiceName("songs"),
		spanlog.WithPrometheus(),
		spanlog.WithMetricsOptions(metricsproc.WithSpanNamePrefix("record.")),
		spanlog.WithTailBuffer(),
	}
	p, err := spanlog.New(ctx, append(opts, extra...)...)
	if err != nil {
		return err
	}
	s := newServer(p)
	h := s.handler(p)

	if serveAddr == "" {
		err = runDemo(ctx, s, h, out)
	} else {
		err = serve(serveAddr, h)
	}
	s.close()
	shutdownCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	return errors.Join(err, p.Shutdown(shutdownCtx))
}

// serve listens on addr until SIGINT, then stops accepting requests and
// lets those in flight finish.
func serve(addr string, h http.Handler) error {
	srv := &http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: 5 * time.Second}
	stop, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
	defer cancel()
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	select {
	case err := <-errc:
		return err
	case <-stop.Done():
	}
	ctx, cancelShutdown := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancelShutdown()
	return srv.Shutdown(ctx)
}
