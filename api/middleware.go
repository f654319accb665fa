package api

import (
	"context"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/go-chi/chi/v5/middleware"
	"github.com/go-chi/cors"
)

// nosniff tells browsers to trust the Content-Type of every answer, errors included,
// instead of guessing: a JSON error quoting user input is never run as a script or page.
func nosniff(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		next.ServeHTTP(w, r)
	})
}

// corsPolicy lets pages of origins read the answers: every route is a public, read-only
// GET, so by default (no origins, or "*") any origin may, as public tile servers allow
// (Access-Control-Allow-Origin: *, never with credentials). Preflight OPTIONS requests are
// answered here. A restricted list answers the origin back and varies on it, so a shared
// cache does not hand one origin's answer to another.
func corsPolicy(origins []string) func(http.Handler) http.Handler {
	if len(origins) == 0 {
		origins = []string{"*"}
	}
	return cors.Handler(cors.Options{
		AllowedOrigins: origins,
		AllowedMethods: []string{http.MethodGet, http.MethodHead},
		AllowedHeaders: []string{"Accept", "Accept-Language", "Content-Type", "If-None-Match", "If-Modified-Since", "Range"},
		// What a script needs to read from the answers: validators, the file name of
		// at-risk downloads, when to retry.
		ExposedHeaders: []string{"ETag", "Content-Disposition", "Retry-After"},
		MaxAge:         3600,
	})
}

// recoverer turns a panic in a handler into a logged error and a JSON 500, so that one bad
// request neither kills the server nor leaves the client without an answer.
// http.ErrAbortHandler passes through: it is how a handler aborts a response on purpose.
func (s *server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.logPanic(r, v, debug.Stack())
			if ww, ok := w.(middleware.WrapResponseWriter); ok && ww.Status() != 0 {
				return // the header is out: nothing better to do than end the response
			}
			writeError(w, http.StatusInternalServerError, "internal error")
		}()
		next.ServeHTTP(w, r)
	})
}

// timeout gives each request a context that ends after d. Handlers pass it to the store,
// where it cancels the query (pgx sends the server a cancel request); the store's error
// then becomes a 503. Unlike http.TimeoutHandler it does not buffer responses, so tiles
// and large GeoJSON stream.
func timeout(d time.Duration) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx, cancel := context.WithTimeout(r.Context(), d)
			defer cancel()
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}
