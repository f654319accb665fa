package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkHandlerBuild is what Handler costs at server start: reading, hashing and
// gzipping the embedded files once.
func BenchmarkHandlerBuild(b *testing.B) {
	for b.Loop() {
		if _, err := newHandler(files); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkServeMapLibreGzip serves the largest file, pre-compressed.
func BenchmarkServeMapLibreGzip(b *testing.B) {
	h := Handler()
	req := httptest.NewRequest(http.MethodGet, "/static/vendor/maplibre-gl.mjs", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
}
