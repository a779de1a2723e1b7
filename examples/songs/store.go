package main

import (
	"context"
	"sync"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
)

// Song is what clients post.
type Song struct {
	Title  string `json:"title"`
	Artist string `json:"artist"`
	Year   int    `json:"year"`
}

// store keeps songs in memory, as a stand-in for a database.
type store struct {
	mu    sync.Mutex
	songs []Song

	// measure, when set, is given each save's duration in seconds, for a
	// service that records db_event by hand instead of deriving it from
	// the span (the load test's comparison server). spanlog needs none.
	measure func(ctx context.Context, seconds float64)
}

// saveEvent writes the song's event in a record.save_event span whose
// metric fields feed db_event_total and db_event_duration_seconds.
func (s *store) saveEvent(ctx context.Context, tracer trace.Tracer, song Song) int {
	_, span := tracer.Start(ctx, "record.save_event", trace.WithAttributes(
		attribute.String("metric_name", "db_event"),
		attribute.String("metric_label_event_table", "events"),
		attribute.String("metric_label_event_type", "Song"),
	))
	defer span.End()
	var start time.Time
	if s.measure != nil {
		start = time.Now()
	}
	s.mu.Lock()
	s.songs = append(s.songs, song)
	n := len(s.songs)
	s.mu.Unlock()
	if s.measure != nil {
		s.measure(ctx, time.Since(start).Seconds())
	}
	return n
}
