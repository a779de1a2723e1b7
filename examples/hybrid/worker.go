package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
)

// worker does the CPU work of a job and hands the outcome on.
type worker struct {
	log    *slog.Logger
	rounds int
	out    func(context.Context, Outcome) error
}

// process hashes the request's text rounds times.
func (w *worker) process(ctx context.Context, j Job) error {
	sum := sha256.Sum256([]byte(j.Request.Text))
	for range w.rounds - 1 {
		sum = sha256.Sum256(sum[:])
	}
	digest := hex.EncodeToString(sum[:8])
	w.log.InfoContext(ctx, "request processed", "request.id", j.Request.ID, "rounds", w.rounds, "digest", digest)
	return w.out(ctx, Outcome{Result: Result{ID: j.Request.ID, Digest: digest}, Reply: j.Reply})
}
