package main

import (
	"context"
	"net/http"
)

type afterKey struct{}

// runAfter runs the tasks a request scheduled with after once next has
// returned: with next instrumented by otelhttp, the request span has ended
// and the response is out by then.
func runAfter(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var tasks []func()
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), afterKey{}, &tasks)))
		for _, task := range tasks {
			task()
		}
	})
}

// after schedules task to run once the request is over. Outside runAfter it
// runs task at once.
func after(ctx context.Context, task func()) {
	if tasks, ok := ctx.Value(afterKey{}).(*[]func()); ok {
		*tasks = append(*tasks, task)
		return
	}
	task()
}
