package main

import (
	"context"
	"log/slog"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
)

// vendors are the catalogues a posted song is looked up in.
var vendors = []string{"lastfm", "cdbaby"}

// askVendor looks the song up at one vendor, in a child span that inherits
// the request's fields and adds subject and category. The lookup is made up:
// the demo has no network beyond loopback.
func askVendor(ctx context.Context, tracer trace.Tracer, log *slog.Logger, vendor string, song Song) {
	ctx, span := tracer.Start(ctx, "vendor."+vendor+".task", trace.WithAttributes(
		attribute.String("subject", "vendor."+vendor),
		attribute.String("category", "vendor"),
	))
	defer span.End()
	log.DebugContext(ctx, "asking vendor", "vendor.query", song.Title)
	matches := len(strings.Fields(song.Title)) // a stand-in for the vendor's answer
	log.InfoContext(ctx, "finished processing vendor request",
		"vendor.status", 200, "vendor.matches", matches)
}
