package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

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
	var computing *errComputing
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
	case errors.As(err, &computing):
		// The computation goes on: the answer will be there for a later request.
		w.Header().Set("Retry-After", "5")
		writeError(w, http.StatusServiceUnavailable, fmt.Sprintf("%s of run %d is still being computed: try again in a few seconds", computing.thing(), computing.run))
	case errors.Is(err, results.ErrTimeout), errors.Is(err, context.DeadlineExceeded):
		s.log.Warn("request timed out", "path", r.URL.Path, "err", err)
		w.Header().Set("Retry-After", "5")
		writeError(w, http.StatusServiceUnavailable, "request timed out")
	case errors.Is(err, results.ErrUnavailable):
		// Debug: one line per request was 56,000 lines in 10 s of outage. Whoever owns
		// the store logs the outage once (tasi serve: package internal/outage).
		s.log.Debug("store unavailable", "path", r.URL.Path, "err", err)
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
	// Answers change only when a run is stored or deleted: clients revalidate every
	// time (no-cache), and an unchanged answer costs a 304 instead of its body, which
	// matters on a field office's link for the 2 MB units GeoJSON. The tag is weak
	// because the compression middleware may change the bytes on the wire.
	h.Set("Cache-Control", "no-cache")
	tag := weakETag(b)
	h.Set("ETag", tag)
	if etagMatches(r.Header.Get("If-None-Match"), tag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

// weakETag is a weak entity tag for the body b.
func weakETag(b []byte) string {
	sum := sha256.Sum256(b)
	return `W/"` + hex.EncodeToString(sum[:12]) + `"`
}

// etagMatches reports whether the If-None-Match header value header names tag, with the
// weak comparison RFC 9110 prescribes for If-None-Match.
func etagMatches(header, tag string) bool {
	opaque := strings.TrimPrefix(tag, "W/")
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == opaque {
			return true
		}
	}
	return false
}

// logPanic records a recovered panic.
func (s *server) logPanic(r *http.Request, v any, stack []byte) {
	s.log.Error("panic serving request", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(v),
		slog.String("stack", string(stack)))
}
