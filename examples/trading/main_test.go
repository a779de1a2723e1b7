package main

import (
	"bytes"
	"strings"
	"testing"

	gologfmt "github.com/go-logfmt/logfmt"
	"github.com/spanlog/spanlog/logfmt/logfmttest"
	"go.uber.org/goleak"
)

// leakOptions are goleak's options; the e2e build adds to them.
var leakOptions []goleak.Option

func TestMain(m *testing.M) { goleak.VerifyTestMain(m, leakOptions...) }

// The goroutines run concurrently, so lines are grouped by span name (one
// goroutine each) and ids renumbered before comparing with the reviewed
// golden file.
func TestTradingGolden(t *testing.T) {
	var out bytes.Buffer
	if err := run(&out); err != nil {
		t.Fatal(err)
	}
	got := logfmttest.RenumberIDs(logfmttest.SortBySpanName(logfmttest.Scrub(out.Bytes())))
	logfmttest.Golden(t, "testdata/trading.golden", got)
}

type line map[string]string

func decodeLines(t *testing.T, b []byte) []line {
	t.Helper()
	var lines []line
	dec := gologfmt.NewDecoder(bytes.NewReader(b))
	for dec.ScanRecord() {
		l := line{}
		for dec.ScanKeyval() {
			if _, dup := l[string(dec.Key())]; !dup {
				l[string(dec.Key())] = string(dec.Value())
			}
		}
		lines = append(lines, l)
	}
	if err := dec.Err(); err != nil {
		t.Fatal(err)
	}
	return lines
}

func TestOrderFlows(t *testing.T) {
	var out bytes.Buffer
	if err := run(&out); err != nil {
		t.Fatal(err)
	}
	lines := decodeLines(t, out.Bytes())

	// Each client order's trace is the one its entry span started.
	traceOf := map[string]string{}
	for _, l := range lines {
		if l["span_name"] == "om.client_order" {
			traceOf[l["client.order_id"]] = l["trace_id"]
		}
	}
	if len(traceOf) != len(demoOrders) {
		t.Fatalf("entry spans for %d orders, want %d", len(traceOf), len(demoOrders))
	}
	users := map[string]string{}
	for _, o := range demoOrders {
		users[o.ID] = o.UserID
	}

	acceptSpans := map[string]string{} // span id → client order
	downstream := 0
	for _, l := range lines {
		id, ok := l["client.order_id"]
		if !ok {
			continue
		}
		if l["trace_id"] != traceOf[id] {
			t.Errorf("line of %s in trace %s, want %s: %v", id, l["trace_id"], traceOf[id], l)
		}
		if l["user.id"] != users[id] {
			t.Errorf("line of %s has user.id %q, want %q", id, l["user.id"], users[id])
		}
		if l["span_name"] == "algo.accept" {
			downstream++
			acceptSpans[l["span"]] = id
		}
	}
	if downstream != 2*len(demoOrders) { // new_span and close_span each
		t.Errorf("%d algo.accept lines carry the baggage, want %d", downstream, 2*len(demoOrders))
	}

	// Fill matching links to the accept spans of the orders it fills: many
	// fills to many client orders.
	linked := map[string]int{} // client order → matching spans linking to it
	matches := 0
	for _, l := range lines {
		if l["span_name"] != "algo.match_fill" || l["span_event"] != "close_span" {
			continue
		}
		matches++
		links := strings.Split(l["links"], ",")
		if len(links) < 2 {
			t.Errorf("match span links %q, want several client orders", l["links"])
		}
		for _, link := range links {
			tid, sid, _ := strings.Cut(link, "-")
			order, ok := acceptSpans[sid]
			if !ok || traceOf[order] != tid {
				t.Errorf("link %s is not an accept span of a client order", link)
			}
			linked[order]++
		}
	}
	if matches != 3 || linked["c-2"] != 2 || linked["c-3"] != 2 {
		t.Errorf("%d matches linking %v, want 3 with c-2 and c-3 matched twice", matches, linked)
	}
}
