package postgis_test

import (
	"context"
	"testing"
	"time"

	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/data"
	"github.com/tasi-gis/tasi/data/postgis"
	"github.com/tasi-gis/tasi/input/demo"
	"github.com/tasi-gis/tasi/plan"
)

// timorLesteRun is the demo's run: 38 synthetic shorelines (1987–2024) on the whole
// 785 km COD-AB coast of Timor-Leste, with the 442 sucos (as analysis's benchmark).
func timorLesteRun(b *testing.B) *analysis.Result {
	b.Helper()
	series, err := demo.TimorLeste(demo.DefaultConfig())
	if err != nil {
		b.Fatal(err)
	}
	in := series.Input()
	res, err := analysis.Run(context.Background(), in, analysis.DefaultParams())
	if err != nil {
		b.Fatal(err)
	}
	return res
}

// BenchmarkWriteRunTimorLeste measures WriteRun of the whole Timor-Leste demo run (about
// 15,700 transects, 550,000 intersections, 99 sucos) into a database that already holds
// the earlier iterations' runs.
func BenchmarkWriteRunTimorLeste(b *testing.B) {
	res := timorLesteRun(b)
	s, _ := newStore(b)
	ctx := context.Background()
	prov := provenance()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if _, err := s.WriteRun(ctx, res, prov); err != nil {
			b.Fatal(err)
		}
	}
	elapsed := time.Since(start).Seconds()
	b.ReportMetric(elapsed/float64(b.N), "s/run")
	b.ReportMetric(float64(len(res.Intersections)*b.N)/elapsed, "intersections/s")
	b.ReportMetric(float64(len(res.Transects)), "transects")
	b.ReportMetric(float64(len(res.Intersections)), "intersections")
}

// BenchmarkWriteRunTimorLesteHazard is BenchmarkWriteRunTimorLeste with the run's hazard
// zones (10, 20 and 30 years), as tasi analyze --db stores it: the difference is what the
// zones add.
func BenchmarkWriteRunTimorLesteHazard(b *testing.B) {
	res := timorLesteRun(b)
	f, err := plan.NewForecast(res, plan.Options{})
	if err != nil {
		b.Fatal(err)
	}
	h := f.Hazard(plan.Zones(res, f, nil))
	s, _ := newStore(b)
	ctx := context.Background()
	prov := provenance()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.WriteRun(ctx, res, prov, postgis.WithHazard(h)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/run")
	b.ReportMetric(float64(len(h.Zones)), "zones")
}

// BenchmarkImportReference measures ImportReference of the bundled Timor-Leste data,
// including deriving postos and municipalities.
func BenchmarkImportReference(b *testing.B) {
	ref, err := data.TimorLeste()
	if err != nil {
		b.Fatal(err)
	}
	s, _ := newStore(b)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := s.ImportReference(ctx, ref); err != nil {
			b.Fatal(err)
		}
	}
}
