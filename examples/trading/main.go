// Trading is a trading core: an order manager, an algorithm and an order
// sender in goroutines joined by channels of traced messages. Client
// orders enter with baggage (user.id, client.order_id); the algorithm
// slices each into exchange orders; the order sender checks them one by
// one and executes them in batches that mix client orders; each batch's
// fill comes back to the algorithm, which matches it to the client orders
// it fills and applies each one's share.
//
// Each client order is one trace, every span of it carrying user.id and
// client.order_id:
//
//	om.client_order                 the order enters
//	└─ algo.accept                  sliced in 3
//	   ├─ sender.accept ×3          each slice checked and queued for a batch
//	   └─ algo.apply_fill ×1–2      its share of a fill (links to the matching)
//	      └─ om.report              reported to the client
//
// Each batch is a trace of its own, where client orders meet:
//
//	sender.execute                  links to the sender.accept of every slice in it
//	└─ algo.match_fill              links to the algo.accept of every client order it fills
//
// It processes a fixed set of orders, prints every line and exits once
// every goroutine has drained.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/spanlog/spanlog"
	"github.com/spanlog/spanlog/traced"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/baggage"
	"go.opentelemetry.io/otel/trace"
)

// demoOrders are the client orders the demo places.
var demoOrders = []ClientOrder{
	{ID: "c-1", UserID: "u-ann", Symbol: "AAPL", Qty: 300},
	{ID: "c-2", UserID: "u-bob", Symbol: "AAPL", Qty: 150},
	{ID: "c-3", UserID: "u-ann", Symbol: "MSFT", Qty: 90},
	{ID: "c-4", UserID: "u-cy", Symbol: "MSFT", Qty: 60},
}

// Exchange batches hold 4 exchange orders and each client order is cut in 3,
// so batches straddle client orders: fills and client orders are many to
// many.
const (
	slicesPerOrder = 3
	batchSize      = 4
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "trading:", err)
		os.Exit(1)
	}
}

// run wires the components, places the demo orders, waits until every one
// is filled, then closes the channels in flow order and waits for every
// goroutine to drain.
func run(out io.Writer, extra ...spanlog.Option) error {
	ctx := context.Background()
	p, err := spanlog.New(ctx, append([]spanlog.Option{spanlog.WithWriter(out), spanlog.WithServiceName("trading")}, extra...)...)
	if err != nil {
		return err
	}

	clientOrders := make(chan traced.Message[ClientOrder], 8)
	exchangeOrders := make(chan traced.Message[ExchangeOrder], 8)
	batchQueue := make(chan traced.Message[ExchangeOrder], 8)
	fills := make(chan traced.Message[Fill], 8)
	allocations := make(chan traced.Message[Allocation], 8)
	reports := make(chan traced.Message[Report], 8)
	filled := make(chan string, len(demoOrders))

	log := p.Logger()
	manager := &OrderManager{Log: log, ToAlgo: traced.Sender(clientOrders), Reports: func(r Report) {
		if r.Done() {
			filled <- r.ClientOrderID
		}
	}}
	algo := &Algorithm{Log: log, Slices: slicesPerOrder, ToExchange: traced.Sender(exchangeOrders),
		ToOrder: traced.Sender(allocations), ToManager: traced.Sender(reports)}
	sender := &OrderSender{Log: log, Prices: map[string]float64{"AAPL": 189.5, "MSFT": 411.25},
		ToBatch: traced.Sender(batchQueue), ToAlgo: traced.Sender(fills)}

	// The wiring: each hop's consumer span (with its queue time, also a
	// histogram), and the index of the spans that accepted client orders,
	// through which fill matching links back to them and each order's
	// share of a fill rejoins the order's trace.
	hop := func(spanName string, more ...traced.Option) []traced.Option {
		return append([]traced.Option{traced.WithTracerProvider(p.TracerProvider()),
			traced.WithMeterProvider(p.MeterProvider()), traced.DeferSends(), traced.WithSpanName(spanName)}, more...)
	}
	accepted := traced.NewIndex[string](1024)
	var wg sync.WaitGroup
	// stage runs one consumer loop in a goroutine; once its input is
	// drained, it closes its output, so that the next stage drains in turn.
	stage := func(loop func() error, output func()) {
		wg.Go(func() {
			_ = loop()
			output()
		})
	}
	stage(func() error {
		return traced.Serve(ctx, clientOrders, algo.OnClientOrder, hop("algo.accept", traced.RememberAs(accepted, ClientOrder.OrderID))...)
	}, func() { close(exchangeOrders) })
	stage(func() error {
		return traced.Serve(ctx, exchangeOrders, sender.OnExchangeOrder, hop("sender.accept")...)
	}, func() { close(batchQueue) })
	stage(func() error {
		return traced.ServeBatches(ctx, batchQueue, batchSize, sender.OnBatch, hop("sender.execute")...)
	}, func() { close(fills) })
	stage(func() error {
		return traced.Serve(ctx, fills, algo.OnFill, hop("algo.match_fill", traced.LinkTo(accepted, Fill.ClientOrderIDs))...)
	}, func() { close(allocations) })
	stage(func() error {
		return traced.Serve(ctx, allocations, algo.OnAllocation, hop("algo.apply_fill", traced.ChildOf(accepted, Allocation.OrderID))...)
	}, func() { close(reports) })
	stage(func() error {
		return traced.Serve(ctx, reports, manager.OnReport, hop("om.report")...)
	}, func() {})

	tracer := p.TracerProvider().Tracer("trading")
	var errs []error
	for _, o := range demoOrders {
		errs = append(errs, placeOrder(ctx, tracer, manager, o))
	}
	for range demoOrders {
		<-filled
	}
	close(clientOrders)
	wg.Wait()
	// Telemetry that could not be delivered (a collector down, say) is a
	// warning; the orders' own errors are what run returns.
	if err := p.Shutdown(ctx); err != nil {
		p.Logger().Warn("telemetry not fully delivered", "err", err)
	}
	return errors.Join(errs...)
}

// placeOrder is where client orders enter: it puts user.id and
// client.order_id in the baggage and starts the order's trace. Every span
// of that trace carries both: those downstream get the baggage through
// the channels, or, after a batch, through the index of accepted orders.
func placeOrder(ctx context.Context, tracer trace.Tracer, m *OrderManager, o ClientOrder) error {
	user, err := baggage.NewMember("user.id", o.UserID)
	if err != nil {
		return err
	}
	order, err := baggage.NewMember("client.order_id", o.ID)
	if err != nil {
		return err
	}
	bag, err := baggage.New(user, order)
	if err != nil {
		return err
	}
	ctx, span := tracer.Start(baggage.ContextWithBaggage(ctx, bag), "om.client_order",
		trace.WithSpanKind(trace.SpanKindServer), trace.WithAttributes(attribute.String("symbol", o.Symbol)))
	defer span.End()
	return m.Submit(ctx, o)
}
