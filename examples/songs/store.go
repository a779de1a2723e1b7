package main

import (
	"context"
	"sync"

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
	s.mu.Lock()
	defer s.mu.Unlock()
	s.songs = append(s.songs, song)
	return len(s.songs)
}
