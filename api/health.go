package api

import (
	"context"
	"errors"
	"net/http"

	"github.com/tasi-gis/tasi/data/results"
)

type healthJSON struct {
	Status string `json:"status"`
	Error  string `json:"error,omitempty"`
}

// healthz answers while the process serves HTTP at all: a liveness probe. It never touches
// the store, so a database outage does not get the server restarted for nothing.
func (s *server) healthz(w http.ResponseWriter, r *http.Request) {
	s.writeJSON(w, r, typeJSON, healthJSON{Status: "ok"})
}

// readyz answers 200 when the store can be reached within the ready timeout, else 503
// with the reason: a readiness probe, so a load balancer sends no traffic meanwhile. The
// reason is the store's error, which never holds a password.
func (s *server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), s.ready)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		// The detail (host, port, user, database) stays in the log: /readyz answers
		// anyone who can reach the server.
		reason := "store unreachable"
		if errors.Is(err, results.ErrTimeout) || errors.Is(err, context.DeadlineExceeded) {
			reason = "store did not answer within " + s.ready.String()
		}
		// Debug, as in fail: the outage is logged once by whoever owns the store, not
		// once per probe.
		s.log.Debug("not ready", "err", err)
		h := w.Header()
		h.Set("Content-Type", typeJSON)
		h.Set("Cache-Control", "no-store")
		h.Set("Retry-After", "5")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write(mustJSON(healthJSON{Status: "unavailable", Error: reason}))
		return
	}
	s.writeJSON(w, r, typeJSON, healthJSON{Status: "ok"})
}
