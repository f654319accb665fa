package tiles

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/paulmach/orb/maptile"
)

// BenchmarkHandler serves the composite tile of Dili's waterfront at zooms 8, 12 and 14
// from each source of the demo run (six shorelines, 15,000 transects), cold (cache off:
// every request cuts and gzips the tile) and warm (served from the cache).
func BenchmarkHandler(b *testing.B) {
	srcs := map[string]Source{"memory": memorySource(b)}
	if p, ok := benchPostGIS(b); ok {
		srcs["postgis"] = p
	}
	for _, name := range []string{"memory", "postgis"} {
		src, ok := srcs[name]
		if !ok {
			continue
		}
		for _, tile := range []maptile.Tile{dili8, dili12, dili14} {
			for _, warm := range []bool{false, true} {
				state := "cold"
				opts := Options{}
				if warm {
					state, opts.CacheBytes = "warm", DefaultCacheBytes
				}
				b.Run(fmt.Sprintf("%s/z%d/%s", name, tile.Z, state), func(b *testing.B) {
					h := NewHandler(src, opts)
					path := tilePath("all", tile)
					req := httptest.NewRequest(http.MethodGet, path, nil)
					req.Header.Set("Accept-Encoding", "gzip")
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, req) // warms the cache and the run lookup
					if rec.Code != http.StatusOK {
						b.Fatalf("%s: %d", path, rec.Code)
					}
					size := rec.Body.Len()
					b.ReportAllocs()
					b.ResetTimer()
					for i := 0; i < b.N; i++ {
						w := discard{header: http.Header{}}
						h.ServeHTTP(&w, req)
						if w.code != http.StatusOK || w.n != size {
							b.Fatalf("%s: %d, %d bytes", path, w.code, w.n)
						}
					}
					b.ReportMetric(float64(size), "gzip-bytes")
				})
			}
		}
	}
}

// discard is a ResponseWriter that counts the body instead of keeping it, as a socket
// would: httptest.ResponseRecorder's growing buffer would cost more than a warm tile.
type discard struct {
	header http.Header
	code   int
	n      int
}

func (d *discard) Header() http.Header  { return d.header }
func (d *discard) WriteHeader(code int) { d.code = code }
func (d *discard) Write(b []byte) (int, error) {
	if d.code == 0 {
		d.code = http.StatusOK
	}
	d.n += len(b)
	return len(b), nil
}

// BenchmarkSourceTile cuts the same tiles with the sources alone: no gzip, no cache.
func BenchmarkSourceTile(b *testing.B) {
	srcs := map[string]Source{"memory": memorySource(b)}
	runs := map[string]int64{"memory": memorySource(b).run.ID}
	if p, ok := benchPostGIS(b); ok {
		srcs["postgis"] = p
		runs["postgis"] = demoDB(b).run
	}
	names := layerNames(DefaultLayers())
	for _, name := range []string{"memory", "postgis"} {
		src, ok := srcs[name]
		if !ok {
			continue
		}
		for _, tile := range []maptile.Tile{dili8, dili12, dili14} {
			b.Run(fmt.Sprintf("%s/z%d", name, tile.Z), func(b *testing.B) {
				ctx := context.Background()
				var size int
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					t, err := src.Tile(ctx, runs[name], tile, names)
					if err != nil {
						b.Fatal(err)
					}
					size = len(t)
				}
				b.ReportMetric(float64(size), "mvt-bytes")
			})
		}
	}
}

// BenchmarkHazardTile measures what the hazard layer adds to a tile: the composite tile of
// Dili's waterfront with every layer and with every layer but hazard, and the hazard layer
// alone, at zooms 9 (its first) and 12, from each source, without gzip or cache.
func BenchmarkHazardTile(b *testing.B) {
	srcs := map[string]Source{"memory": memorySource(b)}
	runs := map[string]int64{"memory": memorySource(b).run.ID}
	if p, ok := benchPostGIS(b); ok {
		srcs["postgis"] = p
		runs["postgis"] = demoDB(b).run
	}
	all := layerNames(DefaultLayers())
	var others []string
	for _, n := range all {
		if n != "hazard" {
			others = append(others, n)
		}
	}
	for _, name := range []string{"memory", "postgis"} {
		src, ok := srcs[name]
		if !ok {
			continue
		}
		for _, tile := range []maptile.Tile{maptile.At(dili, 9), dili12} {
			for _, set := range []struct {
				name   string
				layers []string
			}{{"all", all}, {"all-but-hazard", others}, {"hazard", []string{"hazard"}}} {
				b.Run(fmt.Sprintf("%s/z%d/%s", name, tile.Z, set.name), func(b *testing.B) {
					ctx := context.Background()
					var size int
					b.ReportAllocs()
					for i := 0; i < b.N; i++ {
						t, err := src.Tile(ctx, runs[name], tile, set.layers)
						if err != nil {
							b.Fatal(err)
						}
						size = len(t)
					}
					b.ReportMetric(float64(size), "mvt-bytes")
				})
			}
		}
	}
}

// BenchmarkNewMemory indexes the demo run for the in-memory source.
func BenchmarkNewMemory(b *testing.B) {
	f := demoRun(b)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := NewMemory(Dataset{Run: Run{ID: 1}, Result: f.read, Reference: f.ref}, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// benchPostGIS returns the PostGIS source when the harness has a server.
func benchPostGIS(b *testing.B) (*PostGIS, bool) {
	var p *PostGIS
	ok := b.Run("postgis-available", func(b *testing.B) {
		p, _ = postgisSource(b)
	})
	return p, ok && p != nil
}
