package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/spanlog/spanlog"
	"github.com/spanlog/spanlog/logfmt/logfmttest"
)

// The quickstart's lines, with ids made sequential and times scrubbed, are
// a reviewed golden file: any change to the line format shows up here.
func TestQuickstartGolden(t *testing.T) {
	var buf bytes.Buffer
	ctx := context.Background()
	p, err := spanlog.New(ctx, spanlog.WithWriter(&buf), spanlog.WithIDGenerator(logfmttest.NewIDGenerator()))
	if err != nil {
		t.Fatal(err)
	}
	handleRequest(ctx, p.TracerProvider().Tracer("quickstart"), p.Logger())
	if err := p.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	logfmttest.Golden(t, "testdata/quickstart.golden", logfmttest.Scrub(buf.Bytes()))
}
