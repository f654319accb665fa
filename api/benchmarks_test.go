package api_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/tasi-gis/tasi/api"
)

// benchmarkRoutes measures the handler answering the routes a map session uses most, on
// the demo run (98 coastal sucos, 15,670 transects, about 10 shorelines).
func benchmarkRoutes(b *testing.B, store api.Store) {
	h := handler(store)
	d := theDemo(b)
	pcode := d.res.Units[len(d.res.Units)/2].Unit.Code
	label := d.res.Transects[len(d.res.Transects)/2].Label
	for _, bc := range []struct{ name, path, encoding string }{
		{"units", "/api/v1/units", ""},
		{"units-gzip", "/api/v1/units", "gzip"},
		{"units-sorted-20", "/api/v1/units?sort=-mean_lrr&limit=20", ""},
		{"units-municipality", "/api/v1/units?municipality=TL01", ""},
		{"unit", "/api/v1/units/" + pcode, ""},
		{"transect", "/api/v1/transects/" + label, ""},
	} {
		b.Run(bc.name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, bc.path, nil)
			if bc.encoding != "" {
				req.Header.Set("Accept-Encoding", bc.encoding)
			}
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != 200 {
					b.Fatalf("%s: %d", bc.path, rec.Code)
				}
			}
		})
	}
}

func BenchmarkMemory(b *testing.B) { benchmarkRoutes(b, newMemory(b, theDemo(b))) }

func BenchmarkPostGIS(b *testing.B) {
	s, _ := newPostGIS(b, theDemo(b))
	benchmarkRoutes(b, s)
}
