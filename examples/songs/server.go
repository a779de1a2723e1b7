package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/spanlog/spanlog"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// maxBody caps a posted song's size.
const maxBody = 64 << 10

// server is the songs service: POST /songs and GET /metrics.
type server struct {
	tracer  trace.Tracer
	log     *slog.Logger
	store   store
	nextID  atomic.Int64
	jobs    chan job
	pending sync.WaitGroup // jobs queued or running
	done    chan struct{}  // closed when the worker has exited
}

// job is processing that goes on after the response, linked to the request.
type job struct {
	song    Song
	id      int
	request trace.Link
}

func newServer(p *spanlog.Pipeline) *server {
	return newServerWith(p.TracerProvider().Tracer("songs"), p.Logger())
}

// newServerWith builds the server on any tracer and logger; the load test
// runs it bare, with no-op ones, to measure what spanlog costs.
func newServerWith(tracer trace.Tracer, log *slog.Logger) *server {
	s := &server{
		tracer: tracer,
		log:    log,
		jobs:   make(chan job, 64),
		done:   make(chan struct{}),
	}
	go s.work()
	return s
}

// handler returns the service's routes, instrumented with otelhttp so each
// request span carries the HTTP semantic-convention fields.
func (s *server) handler(p *spanlog.Pipeline) http.Handler {
	return s.instrumented(p.TracerProvider(), p.MeterProvider(), p.Propagator(), p.MetricsHandler())
}

// instrumented returns the routes wrapped in otelhttp with the given
// providers, whatever built them.
func (s *server) instrumented(tp trace.TracerProvider, mp metric.MeterProvider, prop propagation.TextMapPropagator, metrics http.Handler) http.Handler {
	return runAfter(otelhttp.NewHandler(s.routes(metrics), "songs",
		otelhttp.WithTracerProvider(tp),
		otelhttp.WithMeterProvider(mp),
		otelhttp.WithPropagators(prop),
		otelhttp.WithFilter(func(r *http.Request) bool { return r.URL.Path != "/metrics" }),
		otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string { return "HTTP request" })))
}

// routes maps the service's paths, with metrics serving GET /metrics.
func (s *server) routes(metrics http.Handler) *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("/songs", s.postSong)
	mux.Handle("GET /metrics", metrics)
	return mux
}

// badRequest is a client error: its status and a message for the client.
type badRequest struct {
	status int
	msg    string
}

func (e *badRequest) Error() string { return e.msg }

func (s *server) postSong(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	requestID := fmt.Sprintf("req-%04d", s.nextID.Add(1))
	trace.SpanFromContext(ctx).SetAttributes(
		attribute.String("http.route", "/songs"),
		attribute.String("request_id", requestID))

	song, err := decodeSong(w, r)
	s.log.DebugContext(ctx, "decoded body", "song.title", song.Title, "song.artist", song.Artist, "song.year", song.Year)
	if err != nil {
		var bad *badRequest
		if !errors.As(err, &bad) {
			bad = &badRequest{http.StatusBadRequest, err.Error()}
		}
		s.log.ErrorContext(ctx, "rejected song", "status", bad.status, "reason", bad.msg)
		http.Error(w, bad.msg, bad.status)
		return
	}

	for _, v := range vendors {
		askVendor(ctx, s.tracer, s.log, v, song)
	}
	id := s.store.saveEvent(ctx, s.tracer, song)
	s.log.InfoContext(ctx, "song saved", "song.id", id, "song.title", song.Title)

	// Counted now, so idle waits for it; queued once the request is over.
	s.pending.Add(1)
	j := job{song: song, id: id, request: trace.LinkFromContext(ctx)}
	after(ctx, func() { s.jobs <- j })

	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	_ = json.NewEncoder(w).Encode(map[string]int{"id": id})
}

// decodeSong reads a song, or says what is wrong with the request.
func decodeSong(w http.ResponseWriter, r *http.Request) (Song, error) {
	var song Song
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		return song, &badRequest{http.StatusMethodNotAllowed, "method " + r.Method + " not allowed: POST a song"}
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&song); err != nil {
		return song, &badRequest{http.StatusBadRequest, "invalid JSON: " + err.Error()}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return song, &badRequest{http.StatusBadRequest, "invalid JSON: more than one value"}
	}
	if song.Title == "" {
		return song, &badRequest{http.StatusUnprocessableEntity, "missing title"}
	}
	return song, nil
}

// work processes saved songs after their responses went out, each in a new
// root span that follows from the request's span (a link, not a parent).
func (s *server) work() {
	defer close(s.done)
	for j := range s.jobs {
		ctx, span := s.tracer.Start(context.Background(), "index_song",
			trace.WithLinks(j.request),
			trace.WithAttributes(attribute.Int("song.id", j.id)))
		s.log.InfoContext(ctx, "song indexed", "song.title", j.song.Title)
		span.End()
		s.pending.Done()
	}
}

// idle waits until every queued job has been processed.
func (s *server) idle() { s.pending.Wait() }

// close stops the worker after it has drained the queue. Call it once no
// request can arrive any more.
func (s *server) close() {
	close(s.jobs)
	<-s.done
}
