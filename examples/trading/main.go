// Trading is seed 001's trading core in Go: an order manager, an algorithm
// and an order sender in goroutines joined by channels of traced messages.
// Client orders enter with baggage (user.id, client.order_id); the
// algorithm slices them into exchange orders; the order sender executes
// them in batches; fills come back and the algorithm's fill-matching span
// links to the spans that accepted the client orders it fills, across
// traces: many fills to many client orders.
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
	fills := make(chan traced.Message[Fill], 8)
	reports := make(chan traced.Message[Report], 8)
	filled := make(chan string, len(demoOrders))

	log := p.Logger()
	manager := &OrderManager{Log: log, ToAlgo: traced.Sender(clientOrders), Reports: func(r Report) {
		if r.Done() {
			filled <- r.ClientOrderID
		}
	}}
	algo := &Algorithm{Log: log, Slices: slicesPerOrder,
		ToExchange: traced.Sender(exchangeOrders), ToManager: traced.Sender(reports)}
	sender := &OrderSender{Log: log, Prices: map[string]float64{"AAPL": 189.5, "MSFT": 411.25}, ToAlgo: traced.Sender(fills)}

	// The wiring: each hop's consumer span, and the index through which
	// fill matching links back to the spans that accepted client orders.
	tp := traced.WithTracerProvider(p.TracerProvider())
	accepted := traced.NewIndex[string](1024)
	var wg sync.WaitGroup
	wg.Go(func() {
		_ = traced.Serve(ctx, clientOrders, algo.OnClientOrder, tp, traced.DeferSends(),
			traced.WithSpanName("algo.accept"),
			traced.RememberAs(accepted, func(o ClientOrder) string { return o.ID }))
		close(exchangeOrders)
	})
	wg.Go(func() {
		_ = traced.ServeBatches(ctx, exchangeOrders, batchSize, sender.OnBatch, tp, traced.DeferSends(),
			traced.WithSpanName("sender.execute"))
		close(fills)
	})
	wg.Go(func() {
		_ = traced.Serve(ctx, fills, algo.OnFill, tp, traced.DeferSends(),
			traced.WithSpanName("algo.match_fill"),
			traced.LinkTo(accepted, Fill.ClientOrderIDs))
		close(reports)
	})
	wg.Go(func() {
		_ = traced.Serve(ctx, reports, manager.OnReport, tp, traced.WithSpanName("om.report"))
	})

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
	return errors.Join(append(errs, p.Shutdown(ctx))...)
}

// placeOrder is where client orders enter: it puts user.id and
// client.order_id in the baggage, so every span downstream carries them,
// and starts the order's trace.
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
