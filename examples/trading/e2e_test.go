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
// HTTP and gRPC. No span may be lost; each client order must be one trace
// holding its om, algorithm and sender spans, every one tagged with its
// client.order_id and user.id; and the batches' links must reach every
// client order they serve and fill.
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
			checkOrderTraces(t, traces)
			checkBatchLinks(t, traces)
		})
	}
}

func tag(s jaegertest.Span, key string) string {
	v, _ := s.Tag(key)
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

// checkOrderTraces checks that every client order is one trace with the
// spans of all three components, each tagged with the order's baggage.
func checkOrderTraces(t *testing.T, traces []jaegertest.Trace) {
	t.Helper()
	for _, o := range demoOrders {
		var mine []jaegertest.Trace
		for _, tr := range traces {
			for _, s := range tr.Spans {
				if s.OperationName == "om.client_order" && tag(s, "client.order_id") == o.ID {
					mine = append(mine, tr)
				}
			}
		}
		if len(mine) != 1 {
			t.Errorf("%s: %d traces start with its om.client_order, want 1", o.ID, len(mine))
			continue
		}
		count := map[string]int{}
		for _, s := range mine[0].Spans {
			count[s.OperationName]++
			if tag(s, "client.order_id") != o.ID || tag(s, "user.id") != o.UserID {
				t.Errorf("%s: span %s tagged client.order_id=%q user.id=%q", o.ID, s.OperationName, tag(s, "client.order_id"), tag(s, "user.id"))
			}
		}
		for _, name := range []string{"om.client_order", "algo.accept", "sender.accept", "algo.apply_fill", "om.report"} {
			if count[name] == 0 {
				t.Errorf("%s: its trace has no %s span (%v)", o.ID, name, count)
			}
		}
		if count["sender.accept"] != slicesPerOrder {
			t.Errorf("%s: %d sender.accept spans, want one per slice, %d", o.ID, count["sender.accept"], slicesPerOrder)
		}
	}
}

// checkBatchLinks checks the links where client orders meet: each batch
// to the sender span of every slice it executes, each fill matching to
// the algo.accept of every order it fills, and each order's share of a
// fill back to that matching.
func checkBatchLinks(t *testing.T, traces []jaegertest.Trace) {
	t.Helper()
	spans := map[string]jaegertest.Span{} // span id → span
	for _, s := range jaegertest.AllSpans(traces) {
		spans[s.SpanID] = s
	}
	linksTo := func(s jaegertest.Span, name string) []jaegertest.Span {
		var targets []jaegertest.Span
		for _, ref := range s.Links() {
			target, ok := spans[ref.SpanID]
			if !ok || target.OperationName != name || target.TraceID != ref.TraceID {
				t.Errorf("%s links to %s/%s, not to a %s", s.OperationName, ref.TraceID, ref.SpanID, name)
				continue
			}
			targets = append(targets, target)
		}
		return targets
	}
	slices := map[string]bool{} // sender.accept span ids a batch links to
	filled := map[string]int{}  // client order → fill matchings linking to it
	for _, s := range spans {
		switch s.OperationName {
		case "sender.execute":
			for _, target := range linksTo(s, "sender.accept") {
				slices[target.SpanID] = true
			}
		case "algo.match_fill":
			for _, target := range linksTo(s, "algo.accept") {
				filled[tag(target, "client.order_id")]++
			}
		case "algo.apply_fill":
			if n := len(linksTo(s, "algo.match_fill")); n != 1 {
				t.Errorf("algo.apply_fill of %s links to %d fill matchings, want 1", tag(s, "client.order_id"), n)
			}
		}
	}
	if len(slices) != len(demoOrders)*slicesPerOrder {
		t.Errorf("batches link to %d slices, want %d", len(slices), len(demoOrders)*slicesPerOrder)
	}
	for _, o := range demoOrders {
		if filled[o.ID] == 0 {
			t.Errorf("no fill matching links to %s", o.ID)
		}
	}
	if filled["c-2"] != 2 || filled["c-3"] != 2 {
		t.Errorf("fill matchings link to %v; c-2 and c-3 are each filled by two", filled)
	}
}
