package levels

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// HTTPHandler returns the admin endpoint of the Switch:
//
//   - GET (or HEAD) answers, in text/plain, "levels: <directives>", then
//     "default: <level>" when the directives name no default, then
//     "revert: <directives> at <time> (in <duration>)" while a temporary
//     change is in force.
//   - PUT replaces the directives with the request body. A ttl query
//     parameter (a Go duration such as 10m) makes the change temporary.
//     It answers as GET does, 400 with the parse error for malformed
//     directives or ttl, 413 for a body over 64 KiB.
//   - Any other method gets 405.
//
// Anyone who reaches it can silence the program's logs or make it log
// every debug line: mount it only on an admin listener or behind
// authentication, never on the public mux.
func (s *Switch) HTTPHandler() http.Handler { return adminHandler{s} }

type adminHandler struct{ sw *Switch }

func (h adminHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		h.writeState(w)
	case http.MethodPut:
		h.put(w, r)
	default:
		w.Header().Set("Allow", "GET, HEAD, PUT")
		http.Error(w, "method not allowed; GET shows the directives, PUT replaces them", http.StatusMethodNotAllowed)
	}
}

func (h adminHandler) put(w http.ResponseWriter, r *http.Request) {
	var ttl time.Duration
	if q := r.URL.Query().Get("ttl"); q != "" {
		d, err := time.ParseDuration(q)
		if err != nil || d < 0 {
			http.Error(w, fmt.Sprintf("levels: ttl %q is not a duration such as 10m", q), http.StatusBadRequest)
			return
		}
		ttl = d
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxTextBytes))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			http.Error(w, fmt.Sprintf("levels: directives are longer than %d bytes", maxTextBytes), http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "levels: reading the directives: "+err.Error(), http.StatusBadRequest)
		return
	}
	if _, err := h.sw.Set(string(body), ttl); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	h.writeState(w)
}

func (h adminHandler) writeState(w http.ResponseWriter) {
	var b strings.Builder
	f := h.sw.Filter()
	fmt.Fprintf(&b, "levels: %s\n", shown(f.String()))
	if _, ok := f.Default(); !ok {
		fmt.Fprintf(&b, "default: %s\n", formatLevel(h.sw.DefaultLevel()))
	}
	if to, at, ok := h.sw.PendingRevert(); ok {
		left := at.Sub(h.sw.clock.Now()).Round(time.Second)
		fmt.Fprintf(&b, "revert: %s at %s (in %s)\n", shown(to.String()), at.UTC().Format(time.RFC3339), max(left, 0))
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = io.WriteString(w, b.String())
}
