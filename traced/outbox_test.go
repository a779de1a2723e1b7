package traced_test

import (
	"context"
	"sync"
	"testing"

	"github.com/spanlog/spanlog/traced"
)

// Goroutines a handler starts may Send through the handler's ctx while it
// runs: every message is delivered once the handler returns, none lost.
func TestDeferSendsConcurrentSenders(t *testing.T) {
	tp, _ := setup(t)
	const senders, each = 16, 100
	in := make(chan traced.Message[order], 1)
	out := make(chan traced.Message[order], senders*each)
	in <- traced.Wrap(context.Background(), order{ID: "o"})
	close(in)
	var failed sync.Map
	_ = traced.Serve(context.Background(), in, func(ctx context.Context, o order) error {
		var wg sync.WaitGroup
		for g := range senders {
			wg.Go(func() {
				for i := range each {
					if err := traced.Send(ctx, out, order{ID: o.ID, Qty: g*each + i}); err != nil {
						failed.Store(g*each+i, err)
					}
				}
			})
		}
		wg.Wait()
		return nil
	}, traced.WithTracerProvider(tp), traced.DeferSends())
	failed.Range(func(k, v any) bool {
		t.Errorf("Send %v: %v", k, v)
		return true
	})
	if len(out) != senders*each {
		t.Fatalf("%d of %d messages delivered", len(out), senders*each)
	}
	seen := map[int]bool{}
	for range senders * each {
		seen[(<-out).Payload.Qty] = true
	}
	if len(seen) != senders*each {
		t.Errorf("%d distinct messages, want %d", len(seen), senders*each)
	}
}

// A goroutine that outlives its handler and then sends through the
// handler's ctx gets its message delivered, or an error: never nil and a
// lost message.
func TestDeferSendsAfterHandlerReturned(t *testing.T) {
	tp, _ := setup(t)
	in := make(chan traced.Message[order], 1)
	out := make(chan traced.Message[order], 1)
	in <- traced.Wrap(context.Background(), order{ID: "o"})
	close(in)
	release := make(chan struct{})
	sent := make(chan error, 1)
	_ = traced.Serve(context.Background(), in, func(ctx context.Context, o order) error {
		go func() {
			<-release
			sent <- traced.Send(ctx, out, order{ID: "late"})
		}()
		return nil
	}, traced.WithTracerProvider(tp), traced.DeferSends())
	close(release) // the handler has returned and its outbox is flushed
	if err := <-sent; err != nil {
		t.Logf("late Send returned %v", err)
		return
	}
	select {
	case m := <-out:
		if m.Payload.ID != "late" {
			t.Errorf("delivered %+v", m.Payload)
		}
	default:
		t.Error("late Send returned nil but delivered nothing")
	}
}

// A handler that panics drops what it held back, and a goroutine it
// started that sends afterwards delivers directly: nothing returns nil and
// is lost.
func TestDeferSendsAfterHandlerPanicked(t *testing.T) {
	tp, _ := setup(t)
	out := make(chan traced.Message[order], 2)
	release := make(chan struct{})
	sent := make(chan error, 1)
	func() {
		defer func() {
			if recover() == nil {
				t.Error("the handler's panic did not go on up")
			}
		}()
		_ = traced.Consume(context.Background(), traced.Wrap(context.Background(), order{ID: "o"}), func(ctx context.Context, o order) error {
			_ = traced.Send(ctx, out, order{ID: "held"})
			go func() {
				<-release
				sent <- traced.Send(ctx, out, order{ID: "late"})
			}()
			panic("handler failed")
		}, traced.WithTracerProvider(tp), traced.DeferSends())
	}()
	close(release)
	if err := <-sent; err != nil {
		t.Fatalf("late Send: %v", err)
	}
	if len(out) != 1 || (<-out).Payload.ID != "late" {
		t.Error("the late message was not delivered alone")
	}
}
