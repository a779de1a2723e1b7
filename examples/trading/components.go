package main

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
)

// Each component is business code: it takes a context and a value, logs,
// and hands values on through plain funcs. How the context crosses the
// channels between them is wiring's business (main.go), not theirs.

// OrderManager takes client orders in and reports fills back out.
type OrderManager struct {
	Log     *slog.Logger
	ToAlgo  func(context.Context, ClientOrder) error
	Reports func(Report) // where reports reach the client
}

// Submit accepts a client order and passes it to the algorithm.
func (m *OrderManager) Submit(ctx context.Context, o ClientOrder) error {
	m.Log.InfoContext(ctx, "client order received", "symbol", o.Symbol, "qty", o.Qty)
	return m.ToAlgo(ctx, o)
}

// OnReport passes a fill report on to the client.
func (m *OrderManager) OnReport(ctx context.Context, r Report) error {
	m.Log.InfoContext(ctx, "reporting fill to client", "filled", r.Filled, "remaining", r.Remaining)
	if r.Done() {
		m.Log.InfoContext(ctx, "client order filled")
	}
	m.Reports(r)
	return nil
}

// Algorithm slices client orders into exchange orders, matches fills to
// the client orders they fill, and applies each client order's share.
type Algorithm struct {
	Log        *slog.Logger
	Slices     int
	ToExchange func(context.Context, ExchangeOrder) error
	ToOrder    func(context.Context, Allocation) error // a fill's share, to OnAllocation
	ToManager  func(context.Context, Report) error

	mu        sync.Mutex
	remaining map[string]int // client order ID → quantity not yet filled
}

// OnClientOrder sends the order to the exchange in equal slices.
func (a *Algorithm) OnClientOrder(ctx context.Context, o ClientOrder) error {
	a.mu.Lock()
	if a.remaining == nil {
		a.remaining = map[string]int{}
	}
	a.remaining[o.ID] = o.Qty
	a.mu.Unlock()

	a.Log.InfoContext(ctx, "slicing client order", "slices", a.Slices)
	for i := range a.Slices {
		qty := o.Qty / a.Slices
		if i == a.Slices-1 {
			qty = o.Qty - qty*(a.Slices-1)
		}
		eo := ExchangeOrder{ID: fmt.Sprintf("%s.%d", o.ID, i+1), ClientOrderID: o.ID, Symbol: o.Symbol, Qty: qty}
		if err := a.ToExchange(ctx, eo); err != nil {
			return err
		}
	}
	return nil
}

// OnFill matches a fill to the client orders it fills and hands each its
// share.
func (a *Algorithm) OnFill(ctx context.Context, f Fill) error {
	a.Log.InfoContext(ctx, "matching fill", "fill", f.ID, "client_orders", len(f.Allocations))
	for _, alloc := range f.Allocations {
		if err := a.ToOrder(ctx, alloc); err != nil {
			return err
		}
	}
	return nil
}

// OnAllocation applies a fill's share to its client order and reports how
// far the order is filled.
func (a *Algorithm) OnAllocation(ctx context.Context, alloc Allocation) error {
	a.mu.Lock()
	a.remaining[alloc.ClientOrderID] -= alloc.Qty
	left := a.remaining[alloc.ClientOrderID]
	a.mu.Unlock()
	a.Log.InfoContext(ctx, "fill applied", "fill", alloc.FillID, "qty", alloc.Qty, "price", alloc.Price)
	return a.ToManager(ctx, Report{ClientOrderID: alloc.ClientOrderID, Filled: alloc.Qty, Remaining: left})
}

// OrderSender checks exchange orders one by one, sends them to a
// (simulated) exchange in batches, and turns its executions into fills.
type OrderSender struct {
	Log     *slog.Logger
	Prices  map[string]float64
	ToBatch func(context.Context, ExchangeOrder) error // to OnBatch, some at a time
	ToAlgo  func(context.Context, Fill) error

	fills int
}

// OnExchangeOrder checks an exchange order and queues it for the next
// batch.
func (s *OrderSender) OnExchangeOrder(ctx context.Context, eo ExchangeOrder) error {
	if _, ok := s.Prices[eo.Symbol]; !ok {
		return fmt.Errorf("exchange order %s: symbol %s not traded", eo.ID, eo.Symbol)
	}
	s.Log.InfoContext(ctx, "exchange order queued for the next batch", "exchange_order", eo.ID, "qty", eo.Qty)
	return s.ToBatch(ctx, eo)
}

// OnBatch executes a batch of exchange orders at the exchange's price for
// each symbol (the demo's exchange fills everything at once).
func (s *OrderSender) OnBatch(ctx context.Context, batch []ExchangeOrder) error {
	s.fills++
	fill := Fill{ID: fmt.Sprintf("fill-%d", s.fills)}
	for _, eo := range batch {
		fill.Allocations = addAllocation(fill.Allocations, fill.ID, eo, s.Prices[eo.Symbol])
	}
	s.Log.InfoContext(ctx, "batch executed", "fill", fill.ID, "exchange_orders", len(batch))
	return s.ToAlgo(ctx, fill)
}

// addAllocation adds an executed exchange order to its client order's
// allocation.
func addAllocation(allocs []Allocation, fillID string, eo ExchangeOrder, price float64) []Allocation {
	for i := range allocs {
		if allocs[i].ClientOrderID == eo.ClientOrderID {
			allocs[i].Qty += eo.Qty
			return allocs
		}
	}
	return append(allocs, Allocation{FillID: fillID, ClientOrderID: eo.ClientOrderID, Qty: eo.Qty, Price: price})
}
