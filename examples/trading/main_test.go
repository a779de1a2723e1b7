package main

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/spanlog/spanlog/logfmt/logfmttest"
	"github.com/spanlog/spanlog/traced"
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
	scrubbed := logfmttest.ScrubKeys(out.Bytes(), "timestamp", "latency_ms", traced.QueueTimeKey)
	got := logfmttest.RenumberIDs(logfmttest.SortBySpanName(scrubbed))
	logfmttest.Golden(t, "testdata/trading.golden", got)
}

type line = map[string]string

// span is what a span's new_span line says about it.
type span struct {
	id, name, trace, parent string
	links                   []string // span ids
	fields                  line
}

// spansOf returns the spans of the output by id, in the order they started.
func spansOf(lines []line) (map[string]*span, []*span) {
	byID := map[string]*span{}
	var order []*span
	for _, l := range lines {
		if l["span_event"] != "new_span" {
			continue
		}
		s := &span{id: l["span"], name: l["span_name"], trace: l["trace_id"], parent: l["parent_span"], fields: l}
		if l["links"] != "" {
			for _, link := range strings.Split(l["links"], ",") {
				_, sid, _ := strings.Cut(link, "-")
				s.links = append(s.links, sid)
			}
		}
		byID[s.id] = s
		order = append(order, s)
	}
	return byID, order
}

// Every client order is one trace, from the order manager through the
// algorithm to the order sender where its slices wait for a batch, and
// back from the fill to the report; every line of it carries the order's
// user.id and client.order_id. Batches are traces of their own, linked to
// the slices they execute and, from fill matching, to the orders filled.
func TestOrderFlows(t *testing.T) {
	var out bytes.Buffer
	if err := run(&out); err != nil {
		t.Fatal(err)
	}
	lines := logfmttest.Decode(t, out.Bytes())
	spans, started := spansOf(lines)

	orders := map[string]ClientOrder{}
	traceOf := map[string]string{} // client order → its trace
	for _, o := range demoOrders {
		orders[o.ID] = o
	}
	for _, s := range started {
		if s.name == "om.client_order" {
			traceOf[s.fields["client.order_id"]] = s.trace
		}
	}
	if len(traceOf) != len(demoOrders) {
		t.Fatalf("entry spans for %d orders, want %d", len(traceOf), len(demoOrders))
	}

	// Per order: the spans of its trace, and the baggage on every line.
	names := map[string][]string{} // client order → span names in its trace
	for _, l := range lines {
		id := l["client.order_id"]
		if traceOf[id] == "" {
			if id != "" {
				t.Errorf("line of unknown client order %q: %v", id, l)
			}
			continue
		}
		if l["trace_id"] != traceOf[id] || l["user.id"] != orders[id].UserID {
			t.Errorf("line of %s in trace %s with user.id %q; want %s and %q: %v", id, l["trace_id"], l["user.id"], traceOf[id], orders[id].UserID, l)
		}
		if l["span_event"] == "new_span" {
			names[id] = append(names[id], l["span_name"])
		}
	}
	for id, tid := range traceOf {
		for _, l := range lines {
			if l["trace_id"] == tid && l["client.order_id"] != id {
				t.Errorf("a line of %s's trace lacks its client.order_id: %v", id, l)
			}
		}
		fills := map[string]int{"c-1": 1, "c-2": 2, "c-3": 2, "c-4": 1}[id]
		want := map[string]int{"om.client_order": 1, "algo.accept": 1, "sender.accept": slicesPerOrder,
			"algo.apply_fill": fills, "om.report": fills}
		got := map[string]int{}
		for _, n := range names[id] {
			got[n]++
		}
		for n, count := range want {
			if got[n] != count {
				t.Errorf("%s's trace has %d %s spans, want %d (spans: %v)", id, got[n], n, count, names[id])
			}
		}
	}

	// Hierarchy up to the batch: each slice's sender span is a child of its
	// order's algo.accept; each share of a fill one too, linked to the
	// matching.
	acceptOf := map[string]*span{} // client order → its algo.accept span
	for _, s := range started {
		if s.name == "algo.accept" {
			acceptOf[s.fields["client.order_id"]] = s
		}
	}
	for _, s := range started {
		switch s.name {
		case "algo.accept":
			if p := spans[s.parent]; p == nil || p.name != "om.client_order" || p.trace != s.trace {
				t.Errorf("algo.accept of %s is not a child of its om.client_order", s.fields["client.order_id"])
			}
		case "sender.accept":
			if s.parent != acceptOf[s.fields["client.order_id"]].id {
				t.Errorf("sender.accept %s is not a child of its order's algo.accept", s.id)
			}
		case "algo.apply_fill":
			if s.parent != acceptOf[s.fields["client.order_id"]].id {
				t.Errorf("algo.apply_fill %s is not a child of its order's algo.accept", s.id)
			}
			if len(s.links) != 1 || spans[s.links[0]] == nil || spans[s.links[0]].name != "algo.match_fill" {
				t.Errorf("algo.apply_fill %s links %v, want the fill's algo.match_fill", s.id, s.links)
			}
		case "om.report":
			if p := spans[s.parent]; p == nil || p.name != "algo.apply_fill" {
				t.Errorf("om.report %s is not a child of an algo.apply_fill", s.id)
			}
		}
	}

	// The batches: each links to the sender span of every slice it serves,
	// and its fill matching to the algo.accept of every order it fills.
	executed := map[string]bool{} // sender.accept span → in a batch
	linked := map[string]int{}    // client order → fill matchings linking to it
	matches := 0
	for _, s := range started {
		switch s.name {
		case "sender.execute":
			if s.parent != "" || s.fields["client.order_id"] != "" {
				t.Errorf("sender.execute %s has a parent or one order's baggage: %v", s.id, s.fields)
			}
			if len(s.links) != batchSize {
				t.Errorf("sender.execute links %v, want the %d slices it executes", s.links, batchSize)
			}
			for _, l := range s.links {
				if target := spans[l]; target == nil || target.name != "sender.accept" {
					t.Errorf("sender.execute links to %s, not to a sender.accept", l)
				}
				executed[l] = true
			}
		case "algo.match_fill":
			matches++
			if p := spans[s.parent]; p == nil || p.name != "sender.execute" || p.trace != s.trace {
				t.Errorf("algo.match_fill %s is not a child of its batch", s.id)
			}
			if len(s.links) < 2 {
				t.Errorf("algo.match_fill links %v, want several client orders", s.links)
			}
			for _, l := range s.links {
				target := spans[l]
				if target == nil || target.name != "algo.accept" {
					t.Errorf("algo.match_fill links to %s, not to an algo.accept", l)
					continue
				}
				linked[target.fields["client.order_id"]]++
			}
		}
	}
	if len(executed) != len(demoOrders)*slicesPerOrder {
		t.Errorf("batches link to %d slices, want all %d", len(executed), len(demoOrders)*slicesPerOrder)
	}
	if matches != 3 || linked["c-1"] != 1 || linked["c-2"] != 2 || linked["c-3"] != 2 || linked["c-4"] != 1 {
		t.Errorf("%d matchings linking %v, want 3 with c-2 and c-3 matched twice", matches, linked)
	}
}

// Every span traced starts says how long its message waited, on every
// line, and names its payload type as the package does.
func TestQueueTimeOnEveryHop(t *testing.T) {
	var out bytes.Buffer
	if err := run(&out); err != nil {
		t.Fatal(err)
	}
	hops := []string{"algo.accept", "sender.accept", "sender.execute", "algo.match_fill", "algo.apply_fill", "om.report"}
	types := []string{"ClientOrder", "ExchangeOrder", "Fill", "Allocation", "Report"}
	seen := map[string]bool{}
	for _, l := range logfmttest.Decode(t, out.Bytes()) {
		if !slices.Contains(hops, l["span_name"]) {
			continue
		}
		seen[l["span_name"]] = true
		if ms, err := strconv.ParseFloat(l[traced.QueueTimeKey], 64); err != nil || ms < 0 {
			t.Errorf("%s line: %s=%q, want milliseconds", l["span_name"], traced.QueueTimeKey, l[traced.QueueTimeKey])
		}
		if !slices.Contains(types, l[traced.PayloadTypeKey]) {
			t.Errorf("%s line: payload type %q", l["span_name"], l[traced.PayloadTypeKey])
		}
	}
	if len(seen) != len(hops) {
		t.Errorf("lines of %v, want every hop of %v", seen, hops)
	}
}
