package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// demoSongs are posted by the demo, one after another.
var demoSongs = []string{
	`{"title":"So What","artist":"Miles Davis","year":1959}`,
	`{"title":"Blue in Green","artist":"Miles Davis","year":1959}`,
	`{"title":"Naima","artist":"John Coltrane","year":1960}`,
	`{"title":"Take Five","artist":"Dave Brubeck","year":1959}`,
	`{"title":"Goodbye Pork Pie Hat","artist":"Charles Mingus","year":1959}`,
	`{"title":"Peace Piece","artist":"Bill Evans","year":1958}`,
	`{"title":"Moanin'","artist":"Art Blakey","year":1958}`,
	`{"title":"Song for My Father","artist":"Horace Silver","year":1965}`,
}

// demoBadRequest is the one request the demo expects to be refused.
const demoBadRequest = `{"artist":"Nobody"}`

// runDemo serves on a free loopback port, posts the demo songs and one bad
// request to itself, waits for the after-response work, then writes the
// /metrics scrape to out. The lines go wherever the pipeline prints.
func runDemo(ctx context.Context, s *server, h http.Handler, out io.Writer) error {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(lis) }()
	defer srv.Shutdown(ctx)

	base := "http://" + lis.Addr().String()
	client := &http.Client{Timeout: 10 * time.Second}
	for _, body := range demoSongs {
		if err := post(client, base, body, http.StatusCreated); err != nil {
			return err
		}
		s.idle() // keeps the demo's lines in one order run after run
	}
	if err := post(client, base, demoBadRequest, http.StatusUnprocessableEntity); err != nil {
		return err
	}

	resp, err := client.Get(base + "/metrics")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(out, resp.Body)
	return err
}

func post(client *http.Client, base, body string, want int) error {
	resp, err := client.Post(base+"/songs", "application/json", strings.NewReader(body))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		return fmt.Errorf("POST %s: status %d (%s), want %d", body, resp.StatusCode, bytes.TrimSpace(msg), want)
	}
	return nil
}
