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
