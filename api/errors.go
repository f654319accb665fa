package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/tasi-gis/tasi/data/results"
)

// badRequest is an error in the request, answered with 400 and its message.
type badRequest struct{ msg string }

func (e *badRequest) Error() string { return e.msg }

func badRequestf(format string, args ...any) error {
	return &badRequest{fmt.Sprintf(format, args...)}
}

// errorBody is the JSON body of every error response.
type errorBody struct {
	Error string `json:"error"`
}

// writeError answers with status and {"error": msg}.
func writeError(w http.ResponseWriter, status int, msg string) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(errorBody{msg})
}

// fail answers a request that failed with err: the one place errors become statuses.
// Messages of bad requests and of things not found are the client's to see; anything else
// is logged and reaches the client as a generic message.
func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var bad *badRequest
	var nf *results.NotFoundError
	switch {
	case errors.As(err, &bad):
		writeError(w, http.StatusBadRequest, bad.msg)
	case errors.As(err, &nf):
		writeError(w, http.StatusNotFound, nf.Msg)
	case errors.Is(err, results.ErrNotFound):
		writeError(w, http.StatusNotFound, "not found")
	case r.Context().Err() == context.Canceled:
		// The client has gone: nobody reads the answer.
		s.log.Debug("request cancelled by the client", "path", r.URL.Path, "err", err)
		writeError(w, 499, "request cancelled")
	case errors.Is(err, results.ErrTimeout), errors.Is(err, context.DeadlineExceeded):
		s.log.Warn("request timed out", "path", r.URL.Path, "err", err)
		w.Header().Set("Retry-After", "5")
		writeError(w, http.StatusServiceUnavailable, "request timed out")
	case errors.Is(err, results.ErrUnavailable):
		s.log.Warn("store unavailable", "path", r.URL.Path, "err", err)
		w.Header().Set("Retry-After", "5")
		writeError(w, http.StatusServiceUnavailable, "database unavailable: try again shortly")
	default:
		s.log.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
		writeError(w, http.StatusInternalServerError, "internal error")
	}
}

// writeJSON answers 200 with v as JSON of content type ct.
func (s *server) writeJSON(w http.ResponseWriter, r *http.Request, ct string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		s.fail(w, r, fmt.Errorf("encode response: %w", err))
		return
	}
	h := w.Header()
	h.Set("Content-Type", ct)
	h.Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

// logPanic records a recovered panic.
func (s *server) logPanic(r *http.Request, v any, stack []byte) {
	s.log.Error("panic serving request", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(v),
		slog.String("stack", string(stack)))
}
