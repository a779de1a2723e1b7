package spanlog

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"
)

// Shutdown flushes and stops everything the pipeline runs, within a
// budget: ctx's deadline when it has one, else the pipeline's shutdown
// timeout (DefaultShutdownTimeout, 5 s, unless WithShutdownTimeout says
// otherwise), so
//
//	defer p.Shutdown(context.Background())
//
// never holds a program up for longer than that, even with a collector
// that is down or hangs.
//
// The tracer provider (every span processor, then every span exporter),
// the meter provider (a last collection and export) and the logger
// provider WithOTLPLogs built are shut down at the same time, with all but
// the last tenth of the budget (at most a second); exports still running
// then are cancelled. The OTLP HTTP exporters' idle connections are
// closed, dropped spans not yet reported are reported, and last the
// writer is flushed (see WithWriter) with what remains of the budget.
//
// The error says what did not go out: the budget running out, the spans,
// metric batches and log records not exported since Shutdown began, a
// writer's error. A signal the OTLP endpoint refuses is not an error (New's
// writer got one WARN line about it). Only the first call does the work;
// later calls return its result. Safe for concurrent use.
func (p *Pipeline) Shutdown(ctx context.Context) error {
	p.shutdownOnce.Do(func() { p.shutdownErr = p.shutdown(ctx) })
	return p.shutdownErr
}

func (p *Pipeline) shutdown(ctx context.Context) error {
	p.levels.Close() // no revert of level directives after this
	ctx, cancel := p.budget(ctx)
	defer cancel()
	deadline, _ := ctx.Deadline()
	exportCtx, cancelExport := context.WithDeadline(ctx, deadline.Add(-writerReserve(time.Until(deadline))))
	defer cancelExport()

	p.guard.shuttingDown.Store(true)
	stopAbort := context.AfterFunc(exportCtx, p.guard.abort)
	defer stopAbort()
	shutdowns := []func(context.Context) error{p.tracerProvider.Shutdown, p.meterProvider.Shutdown}
	if p.loggerProvider != nil {
		shutdowns = append(shutdowns, p.loggerProvider.Shutdown)
	}
	errs := concurrently(exportCtx, shutdowns...)
	if exportCtx.Err() != nil {
		// One error for the budget, rather than each provider's bare
		// "context deadline exceeded".
		errs = slices.DeleteFunc(errs, func(err error) bool {
			return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)
		})
		errs = append(errs, fmt.Errorf("spanlog: export did not finish within the shutdown budget: %w", context.Cause(exportCtx)))
	}

	// Every exporter's Shutdown returns soon after its exports are
	// cancelled; wait for them, so no goroutine outlives Shutdown, then
	// close the connections they leave idle.
	p.guard.abort()
	p.guard.waitStopped(ctx)
	p.conns.closeIdle()
	for _, d := range p.drops {
		d.flush()
	}
	errs = append(errs, p.guard.lostError(), flushWriter(ctx, p.writer))
	return errors.Join(errs...)
}

// budget returns ctx bounded by the pipeline's shutdown timeout unless it
// has a deadline of its own.
func (p *Pipeline) budget(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, p.shutdownTimeout)
}

// writerReserve is the part of a shutdown budget of total kept for the
// writer: a tenth, at most a second.
func writerReserve(total time.Duration) time.Duration {
	return min(total/10, time.Second)
}

// concurrently calls each fn with ctx, all at the same time, and returns
// their errors once all have returned.
func concurrently(ctx context.Context, fns ...func(context.Context) error) []error {
	errs := make([]error, len(fns))
	var wg sync.WaitGroup
	for i, fn := range fns {
		wg.Go(func() { errs[i] = fn(ctx) })
	}
	wg.Wait()
	return errs
}

// waitStopped waits until every exporter has been shut down, or ctx is
// done.
func (g *exportGuard) waitStopped(ctx context.Context) {
	done := make(chan struct{})
	go func() {
		g.running.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
	}
}
