package gpkg_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/data/gpkg"
	"github.com/tasi-gis/tasi/input/demo"
)

// BenchmarkWriteTimorLeste measures writing the whole Timor-Leste demo run (about 15,700
// transects, 505,000 intersections, 38 whole-coast shorelines) to a new GeoPackage.
func BenchmarkWriteTimorLeste(b *testing.B) {
	series, err := demo.TimorLeste(demo.DefaultConfig())
	if err != nil {
		b.Fatal(err)
	}
	res, err := analysis.Run(context.Background(), series.Input(), analysis.DefaultParams())
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		path := filepath.Join(dir, "run.gpkg")
		if err := gpkg.Write(context.Background(), path, res, analysis.Provenance{Version: "bench"}); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if err := os.Remove(path); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(len(res.Intersections)), "intersections")
}

// BenchmarkReadRunDemo reads a whole results GeoPackage, such as the Timor-Leste demo
// run's (505,000 intersections), named by TASI_BENCH_GPKG, with and without its
// intersections: the difference is what the intersections layer costs.
func BenchmarkReadRunDemo(b *testing.B) {
	path := os.Getenv("TASI_BENCH_GPKG")
	if path == "" {
		b.Skip("set TASI_BENCH_GPKG to a results GeoPackage, e.g. /tmp/gr-demo/results.gpkg")
	}
	for _, tc := range []struct {
		name string
		opts []gpkg.ReadOption
	}{
		{"all", nil},
		{"without-intersections", []gpkg.ReadOption{gpkg.WithoutIntersections()}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var n int
			for b.Loop() {
				r, err := gpkg.ReadRun(context.Background(), path, tc.opts...)
				if err != nil {
					b.Fatal(err)
				}
				n = len(r.Result.Intersections)
			}
			b.ReportMetric(float64(n), "intersections")
		})
	}
}
