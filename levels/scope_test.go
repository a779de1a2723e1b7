package levels_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"

	"github.com/spanlog/spanlog/levels"
	"github.com/spanlog/spanlog/metricsproc"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// spanLevels is a processor after the levels processor that records what
// SpanLevel says at each span's start and end, as a span printer would ask.
type spanLevels struct {
	sw    *levels.Switch
	mu    sync.Mutex
	start map[string]slog.Level
	end   map[string]slog.Level
}

func newSpanLevels(sw *levels.Switch) *spanLevels {
	return &spanLevels{sw: sw, start: map[string]slog.Level{}, end: map[string]slog.Level{}}
}

func (r *spanLevels) OnStart(_ context.Context, s sdktrace.ReadWriteSpan) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.start[s.Name()] = r.sw.SpanLevel(s)
}

func (r *spanLevels) OnEnd(s sdktrace.ReadOnlySpan) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.end[s.Name()] = r.sw.SpanLevel(s)
}

func (*spanLevels) ForceFlush(context.Context) error { return nil }
func (*spanLevels) Shutdown(context.Context) error   { return nil }

func TestSpanLevelTargetIsTheTracer(t *testing.T) {
	sw := newSwitch(t, "info,go.opentelemetry.io/contrib=warn,github.com/acme/app[checkout]=off")
	rec := newSpanLevels(sw)
	tp := newProvider(t, sw, rec)
	_, s := tp.Tracer("go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp").Start(context.Background(), "GET /songs")
	s.End()
	_, s = tp.Tracer("github.com/acme/app").Start(context.Background(), "checkout")
	s.End()
	_, s = tp.Tracer("github.com/acme/application").Start(context.Background(), "checkout")
	s.End()
	if got := rec.start["GET /songs"]; got != warn {
		t.Errorf("span line of the otelhttp tracer at %v, want %v", got, warn)
	}
	// The last checkout span's tracer is github.com/acme/application, not
	// under github.com/acme/app.
	if got := rec.end["checkout"]; got != info {
		t.Errorf("checkout of github.com/acme/application at %v, want %v", got, info)
	}
}

func TestSpanLevelAtStartAndEnd(t *testing.T) {
	sw := newSwitch(t, "info,[health]=off,[checkout]=debug")
	rec := newSpanLevels(sw)
	tracer := newProvider(t, sw, rec).Tracer("app")
	ctx, health := tracer.Start(context.Background(), "health")
	_, ping := tracer.Start(ctx, "ping")
	ping.End()
	health.End()
	_, other := tracer.Start(context.Background(), "other")
	other.End()
	for name, want := range map[string]slog.Level{"health": levels.Off, "ping": levels.Off, "other": info} {
		if rec.start[name] != want || rec.end[name] != want {
			t.Errorf("span %s: level %v at start, %v at end; want %v", name, rec.start[name], rec.end[name], want)
		}
	}
}

func TestFieldsSetAfterStartCountForLaterChildren(t *testing.T) {
	sw := newSwitch(t, "info,[{user.id=42}]=debug")
	tracer := newProvider(t, sw, nil).Tracer("app")
	ctx, req := tracer.Start(context.Background(), "request")
	defer req.End()
	req.SetAttributes(attribute.Int("user.id", 42))
	if got := sw.EventLevel(here(), req); got != info {
		t.Errorf("in the span itself, after SetAttributes: %v, want %v (its scope is fixed at start)", got, info)
	}
	_, child := tracer.Start(ctx, "load")
	defer child.End()
	if got := sw.EventLevel(here(), child); got != debug {
		t.Errorf("in a child started after SetAttributes: %v, want %v", got, debug)
	}
}

func TestNoInheritanceAcrossNewRootOrRemoteParent(t *testing.T) {
	sw := newSwitch(t, "info,[checkout]=debug")
	tracer := newProvider(t, sw, nil).Tracer("app")
	ctx, checkout := tracer.Start(context.Background(), "checkout")
	defer checkout.End()
	_, root := tracer.Start(ctx, "job", trace.WithNewRoot())
	defer root.End()
	if got := sw.EventLevel(here(), root); got != info {
		t.Errorf("new root under a checkout context: %v, want %v", got, info)
	}
	rctx := trace.ContextWithRemoteSpanContext(context.Background(), checkout.SpanContext())
	_, remote := tracer.Start(rctx, "handler")
	defer remote.End()
	if got := sw.EventLevel(here(), remote); got != info {
		t.Errorf("span under a remote parent: %v, want %v", got, info)
	}
}

func TestSpanDirectivesCoverSpansStartedAfterThem(t *testing.T) {
	sw := newSwitch(t, "info")
	tracer := newProvider(t, sw, nil).Tracer("app")
	ctx, before := tracer.Start(context.Background(), "checkout")
	defer before.End()
	if _, err := sw.Set("info,[checkout]=debug", 0); err != nil {
		t.Fatal(err)
	}
	if got := sw.EventLevel(here(), before); got != info {
		t.Errorf("checkout started before the change: %v, want %v", got, info)
	}
	_, child := tracer.Start(ctx, "load")
	defer child.End()
	if got := sw.EventLevel(here(), child); got != info {
		t.Errorf("child of a checkout started before the change: %v, want %v", got, info)
	}
	_, after := tracer.Start(context.Background(), "checkout")
	defer after.End()
	if got := sw.EventLevel(here(), after); got != debug {
		t.Errorf("checkout started after the change: %v, want %v", got, debug)
	}
	// Putting the same directives in force again starts afresh too.
	if _, err := sw.Set("info,[checkout]=debug", 0); err != nil {
		t.Fatal(err)
	}
	if got := sw.EventLevel(here(), after); got != info {
		t.Errorf("after the directives were set again: %v, want %v", got, info)
	}
}

// TestProcessorForwardsEverySpan checks that directives never hide a span
// from the processors after it: span metrics are derived whatever the
// levels say.
func TestProcessorForwardsEverySpan(t *testing.T) {
	sw := newSwitch(t, "off,[checkout]=off")
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	t.Cleanup(func() { _ = mp.Shutdown(context.Background()) })
	tracer := newProvider(t, sw, metricsproc.New(nil, mp)).Tracer("app")
	for range 3 {
		_, s := tracer.Start(context.Background(), "checkout", trace.WithAttributes(attribute.String("metric_name", "checkout")))
		s.End()
	}
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name != "checkout" { // checkout_total in Prometheus
				continue
			}
			if sum := m.Data.(metricdata.Sum[int64]); len(sum.DataPoints) != 1 || sum.DataPoints[0].Value != 3 {
				t.Fatalf("checkout counter = %+v, want 3", sum.DataPoints)
			}
			return
		}
	}
	t.Fatalf("no checkout counter among %+v", rm.ScopeMetrics)
}

func TestProcessorAfterShutdown(t *testing.T) {
	sw := newSwitch(t, "info,[checkout]=debug")
	rec := newSpanLevels(sw)
	p := levels.NewProcessor(sw, rec)
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(p))
	if err := p.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := p.Shutdown(context.Background()); err != nil {
		t.Fatalf("second Shutdown: %v", err)
	}
	_, s := tp.Tracer("app").Start(context.Background(), "checkout")
	s.End()
	s.End() // a span ended twice
	if len(rec.start) != 0 || len(rec.end) != 0 {
		t.Errorf("after Shutdown, next saw %v %v", rec.start, rec.end)
	}
	if got := sw.EventLevel(here(), s); got != info {
		t.Errorf("span started after Shutdown has a scope: %v", got)
	}
	_ = tp.Shutdown(context.Background())
}
