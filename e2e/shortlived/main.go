// Shortlived ends a span and exits right away, as a CLI or a job does: its
// span must still reach the collector, because Shutdown flushes. The e2e
// tests run it against Jaeger; the service name is its one argument.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spanlog/spanlog"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: shortlived SERVICE")
		os.Exit(2)
	}
	ctx := context.Background()
	p, err := spanlog.New(ctx, spanlog.WithServiceName(os.Args[1]), spanlog.WithWriter(io.Discard))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	_, span := p.TracerProvider().Tracer("shortlived").Start(ctx, "last_words")
	span.End()
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := p.Shutdown(ctx); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
