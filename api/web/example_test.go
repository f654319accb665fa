package web_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/tasi-gis/tasi/api/web"
)

// The map is mounted at "/" beneath the API and tile routes, which take precedence.
func ExampleHandler() {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/runs", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"runs":[]}`)
	})
	mux.Handle("/", web.Handler())

	for _, p := range []string{"/", "/static/vendor/maplibre-gl.mjs", "/api/v1/runs", "/missing"} {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, p, nil))
		fmt.Println(p, rec.Code, rec.Header().Get("Content-Type"))
	}
	// Output:
	// / 200 text/html; charset=utf-8
	// /static/vendor/maplibre-gl.mjs 200 text/javascript; charset=utf-8
	// /api/v1/runs 200 text/plain; charset=utf-8
	// /missing 404 text/plain; charset=utf-8
}
