package spanlog

import (
	"context"
	"errors"
	"io"
	"os"
	"syscall"
)

// flushWriter flushes w, the writer given to WithWriter, within ctx: a
// writer with Shutdown(ctx) (a *logfmt.AsyncWriter) is shut down; an
// *os.File is synced and never closed (it may be os.Stdout or a file the
// program still writes); another writer is closed if it can be, else
// synced or flushed. A call that outlives ctx is left to finish on its own
// and ctx's error returned.
func flushWriter(ctx context.Context, w io.Writer) error {
	switch w := w.(type) {
	case interface{ Shutdown(context.Context) error }:
		return w.Shutdown(ctx)
	case *os.File:
		return ignoreUnsyncable(within(ctx, w.Sync))
	case io.Closer:
		return within(ctx, w.Close)
	case interface{ Sync() error }:
		return ignoreUnsyncable(within(ctx, w.Sync))
	case interface{ Flush() error }:
		return within(ctx, w.Flush)
	}
	return nil
}

// within runs fn and returns its error, or ctx's once ctx is done first.
func within(ctx context.Context, fn func() error) error {
	done := make(chan error, 1)
	go func() { done <- fn() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ignoreUnsyncable drops the errors Sync returns for terminals and pipes,
// which have nothing to sync.
func ignoreUnsyncable(err error) error {
	if errors.Is(err, syscall.EINVAL) || errors.Is(err, syscall.ENOTSUP) {
		return nil
	}
	return err
}
