//go:build e2e

package main

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spanlog/spanlog"
	"github.com/spanlog/spanlog/internal/jaegertest"
)

// TestE2EJaeger runs the songs demo exporting to a real Jaeger, over OTLP
// HTTP and gRPC, and checks what Jaeger stored.
func TestE2EJaeger(t *testing.T) {
	jaeger, ok := jaegertest.FromEnv()
	if !ok {
		t.Skip("JAEGER_QUERY_URL not set: run e2e/jaeger/run")
	}
	for _, protocol := range []string{"http/protobuf", "grpc"} {
		t.Run(protocol, func(t *testing.T) {
			service := jaegertest.Export(t, protocol, "songs")

			var out bytes.Buffer
			if err := run(listen{}, &out, spanlog.WithServiceName(service), spanlog.WithLogsAsSpanEvents()); err != nil {
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
			services, err := jaeger.Services(ctx)
			if err != nil || !slices.Contains(services, service) {
				t.Errorf("services %v (err %v) lack %s", services, err, service)
			}
			checkSongsSpans(t, jaegertest.AllSpans(traces))
		})
	}
}

func checkSongsSpans(t *testing.T, spans []jaegertest.Span) {
	byID := map[string]jaegertest.Span{}
	for _, s := range spans {
		byID[s.SpanID] = s
	}
	var saves, vendors, failed, followed int
	for _, s := range spans {
		switch s.OperationName {
		case "record.save_event":
			saves++
			if !reachesRequest(s, byID) {
				t.Errorf("save_event %s: parent chain does not reach the HTTP request span", s.SpanID)
			}
			if v, _ := s.Tag("http.route"); v != "/songs" {
				t.Errorf("save_event lacks inherited http.route: %v", s.Tags)
			}
		case "vendor.lastfm.task", "vendor.cdbaby.task":
			vendors++
			if v, ok := s.Tag("request_id"); !ok || !strings.HasPrefix(fmt.Sprint(v), "req-") {
				t.Errorf("vendor span lacks inherited request_id: %v", s.Tags)
			}
			if v, ok := s.Tag("latency_ms"); !ok || v.(float64) < 0 {
				t.Errorf("vendor span lacks latency_ms: %v", s.Tags)
			}
			if !hasLog(s, "finished processing vendor request") {
				t.Errorf("vendor span lacks its log record as a span log: %v", s.Logs)
			}
		case "HTTP request":
			if code, _ := s.Tag("otel.status_code"); code == "ERROR" {
				failed++
				if e, _ := s.Tag("error"); e != true {
					t.Errorf("failing request not tagged error: %v", s.Tags)
				}
			}
		case "index_song":
			if len(s.Links()) == 1 {
				followed++
			}
		}
	}
	if saves != 8 || vendors != 16 || failed != 1 || followed != 8 {
		t.Errorf("saves %d vendors %d failed requests %d linked index spans %d; want 8, 16, 1, 8", saves, vendors, failed, followed)
	}
}

// reachesRequest follows CHILD_OF references up to the HTTP request span.
func reachesRequest(s jaegertest.Span, byID map[string]jaegertest.Span) bool {
	for range 10 {
		ref, ok := s.Parent()
		if !ok {
			return false
		}
		if s, ok = byID[ref.SpanID]; !ok {
			return false
		}
		if s.OperationName == "HTTP request" {
			return true
		}
	}
	return false
}

func hasLog(s jaegertest.Span, event string) bool {
	for _, l := range s.Logs {
		if v, _ := l.Field("event"); v == event {
			return true
		}
	}
	return false
}
