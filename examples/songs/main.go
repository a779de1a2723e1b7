// Songs is a small songs service: a net/http server instrumented with
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
// it serves until SIGINT or SIGTERM, then finishes the requests in flight,
// the work queued after them, and the export of their telemetry, and
// exits.
//
// Telemetry that cannot be delivered (a collector down, a backend that
// takes traces only) is a WARN line, never a failure of the service: it
// exits 1 only when its own work fails.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spanlog/spanlog"
	"github.com/spanlog/spanlog/metricsproc"
)

func main() {
	serveAddr := flag.String("serve", "", "serve on `ADDR` (e.g. 127.0.0.1:8080) until SIGINT or SIGTERM, instead of running the demo")
	adminAddr := flag.String("admin", "", "with -serve, serve the level directives on `ADDR` too, at /debug/levels (an operators' listener: keep it private)")
	flag.Parse()
	if err := run(listen{serve: *serveAddr, admin: *adminAddr}, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "songs:", err)
		os.Exit(1)
	}
}

// listen says where to serve: nothing set runs the demo.
type listen struct {
	serve string // the service, until SIGINT or SIGTERM
	admin string // with serve: the level directives, at /debug/levels
}

// run builds the pipeline, printing to out, and runs the demo, or serves
// on the addresses of at when set. extra options come after the service's
// own. It returns the service's error; telemetry that could not be
// delivered at shutdown is logged at WARN instead.
func run(at listen, out io.Writer, extra ...spanlog.Option) error {
	ctx := context.Background()
	opts := []spanlog.Option{
		spanlog.WithWriter(out),
		spanlog.WithServiceName("songs"),
		spanlog.WithPrometheus(spanlog.PrometheusPlainSeries()),
		spanlog.WithMetricsOptions(metricsproc.WithSpanNamePrefix("record.")),
		spanlog.WithTailBuffer(),
	}
	p, err := spanlog.New(ctx, append(opts, extra...)...)
	if err != nil {
		return err
	}
	s := newServer(p)
	h := s.handler(p)

	if at.serve == "" {
		err = runDemo(ctx, s, h, out)
	} else {
		err = serve(at, h, p)
	}
	s.close()
	// Shutdown's own budget bounds it (5 s): the process never hangs on a
	// collector that is down or stuck.
	if shutdownErr := p.Shutdown(ctx); shutdownErr != nil {
		p.Logger().Warn("telemetry not fully delivered", "err", shutdownErr)
	}
	return err
}

// drainTimeout bounds how long requests in flight may take to finish
// once a stop signal came.
const drainTimeout = 10 * time.Second

// serve listens on at.serve until SIGINT or SIGTERM (what a terminal,
// systemd, Docker and Kubernetes send), then stops accepting requests and
// lets those in flight finish. With at.admin, it serves the level
// directives there meanwhile.
func serve(at listen, h http.Handler, p *spanlog.Pipeline) error {
	log := p.Logger()
	stop, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	if at.admin != "" {
		if err := serveAdmin(stop, at.admin, p); err != nil {
			return err
		}
	}
	lis, err := net.Listen("tcp", at.serve)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(lis) }()
	log.Info("serving", "addr", lis.Addr().String())
	select {
	case err := <-errc:
		return err
	case <-stop.Done():
	}
	log.Info("stopping: finishing the requests in flight", "signal", context.Cause(stop).Error())
	ctx, cancelDrain := context.WithTimeout(context.Background(), drainTimeout)
	defer cancelDrain()
	return srv.Shutdown(ctx)
}
