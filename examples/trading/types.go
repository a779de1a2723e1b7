package main

// The business types on the channels: no tracing fields anywhere.

// ClientOrder is an order as a client placed it.
type ClientOrder struct {
	ID     string
	UserID string
	Symbol string
	Qty    int
}

// OrderID is the client order's ID.
func (o ClientOrder) OrderID() string { return o.ID }

// ExchangeOrder is one slice of a client order, sent to the exchange.
type ExchangeOrder struct {
	ID            string
	ClientOrderID string
	Symbol        string
	Qty           int
}

// Fill is the exchange's execution of a batch of exchange orders, with what
// it allocates to each client order in the batch.
type Fill struct {
	ID          string
	Allocations []Allocation
}

// Allocation is a fill's quantity and price for one client order.
type Allocation struct {
	FillID        string
	ClientOrderID string
	Qty           int
	Price         float64
}

// ClientOrderIDs lists the client orders a fill matches.
func (f Fill) ClientOrderIDs() []string {
	ids := make([]string, len(f.Allocations))
	for i, a := range f.Allocations {
		ids[i] = a.ClientOrderID
	}
	return ids
}

// OrderID is the client order the allocation fills.
func (a Allocation) OrderID() string { return a.ClientOrderID }

// Report tells a client how far its order is filled.
type Report struct {
	ClientOrderID string
	Filled        int
	Remaining     int
}

// Done reports whether the order is completely filled.
func (r Report) Done() bool { return r.Remaining == 0 }
