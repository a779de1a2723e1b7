package main

import (
	"context"
	"net"
	"net/http"
	"time"

	"github.com/spanlog/spanlog"
)

// serveAdmin serves p's level directives on addr, at /debug/levels (GET
// shows them, PUT replaces them, ?ttl=10m for a while), until ctx is done.
// It is an operators' endpoint, on a listener of its own: never on the
// service's public mux.
func serveAdmin(ctx context.Context, addr string, p *spanlog.Pipeline) error {
	lis, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("/debug/levels", p.LevelHandler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(lis) }()
	context.AfterFunc(ctx, func() { _ = srv.Close() })
	p.Logger().Info("serving level directives", "addr", lis.Addr().String(), "path", "/debug/levels")
	return nil
}
