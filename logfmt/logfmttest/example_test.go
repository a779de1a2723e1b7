package logfmttest_test

import (
	"context"
	"fmt"
	"os"

	"github.com/spanlog/spanlog/logfmt/logfmttest"
)

func ExampleScrub() {
	out := []byte(`level=INFO span_name=load_user span=0000000000000002 span_event=close_span timestamp=2026-11-21T10:00:00.141660Z trace_id=00000000000000000000000000000001 latency_ms=18.204 http.method=GET
level=INFO msg="user loaded at \"timestamp=now\"" rows=1 span=0000000000000002 trace_id=00000000000000000000000000000001 timestamp=2026-11-21T10:00:00.123456Z
`)
	os.Stdout.Write(logfmttest.Scrub(out))
	// Output:
	// level=INFO span_name=load_user span=0000000000000002 span_event=close_span timestamp=<timestamp> trace_id=00000000000000000000000000000001 latency_ms=<latency_ms> http.method=GET
	// level=INFO msg="user loaded at \"timestamp=now\"" rows=1 span=0000000000000002 trace_id=00000000000000000000000000000001 timestamp=<timestamp>
}

func ExampleNewIDGenerator() {
	g := logfmttest.NewIDGenerator()
	ctx := context.Background()
	traceID, spanID := g.NewIDs(ctx)
	fmt.Println(traceID, spanID)
	fmt.Println(g.NewSpanID(ctx, traceID))
	// Output:
	// 00000000000000000000000000000001 0000000000000001
	// 0000000000000002
}
