//go:build e2e

package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/spanlog/spanlog"
	"github.com/spanlog/spanlog/internal/jaegertest"
)

func init() { leakOptions = append(leakOptions, jaegertest.KeepAliveLeaks()...) }

// TestE2EJaeger runs the trading flow exporting to a real Jaeger, over OTLP
// HTTP and gRPC: baggage fields and span links must arrive, and no span may
// be lost.
func TestE2EJaeger(t *testing.T) {
	jaeger, ok := jaegertest.FromEnv()
	if !ok {
		t.Skip("JAEGER_QUERY_URL not set: run e2e/jaeger/run")
	}
	for _, protocol := range []string{"http/protobuf", "grpc"} {
		t.Run(protocol, func(t *testing.T) {
			service := jaegertest.Export(t, protocol, "trading")

			var out bytes.Buffer
			if err := run(&out, spanlog.WithServiceName(service)); err != nil {
				t.Fatal(err)
			}
			closed := strings.Count(out.String(), "span_event=close_span")
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			traces, err := jaeger.WaitForSpans(ctx, service, closed)
			if err != nil {
				t.Fatal(err)
			}
			if n := jaegertest.CountSpans(traces); n != closed {
				t.Errorf("jaeger holds %d spans, %d close_span lines were printed", n, closed)
			}

			accepts, matchLinks := 0, 0
			for _, s := range jaegertest.AllSpans(traces) {
				switch s.OperationName {
				case "algo.accept":
					accepts++
					if u, _ := s.Tag("user.id"); !strings.HasPrefix(fmt.Sprint(u), "u-") {
						t.Errorf("algo.accept lacks user.id from baggage: %v", s.Tags)
					}
				case "algo.match_fill":
					matchLinks += len(s.Links())
				}
			}
			if accepts != len(demoOrders) || matchLinks != 6 {
				t.Errorf("%d accept spans, %d match links; want %d and 6", accepts, matchLinks, len(demoOrders))
			}
		})
	}
}
