package analysis

import (
	"context"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/project"
	"github.com/tasi-gis/tasi/data"
	"github.com/tasi-gis/tasi/vector/polyindex"
	"github.com/tasi-gis/tasi/vector/synthetic"
	"github.com/tasi-gis/tasi/vector/utm"
)

// timorLesteInput is the demo's input: 38 synthetic shorelines (1987–2024) on the whole
// 785 km COD-AB coast of Timor-Leste, with the 442 sucos.
func timorLesteInput(tb testing.TB) Input {
	tb.Helper()
	ref, err := data.TimorLeste()
	if err != nil {
		tb.Fatal(err)
	}
	zone, err := utm.ZoneOf(ref.Bound())
	if err != nil {
		tb.Fatal(err)
	}
	coast := project.MultiLineString(ref.Coastline.Clone(), zone.Forward)
	land := make([]orb.MultiPolygon, len(ref.Units))
	for i, u := range ref.Units {
		land[i] = project.MultiPolygon(u.Geometry.Clone(), zone.Forward)
	}
	ss, err := synthetic.Generate(coast, polyindex.New(land), synthetic.DefaultRateField(coast.Bound(), 1), synthetic.Options{
		Seed: 1, Start: time.Date(1987, 1, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC),
		PerYear: 1, Noise: 8, NoiseLength: 500, Uncertainty: [2]float64{6, 15}, CloudGap: 0.15, Seasonal: 5,
	})
	if err != nil {
		tb.Fatal(err)
	}
	in := Input{Coast: ref.Coastline, Units: ref.Units}
	for _, s := range ss {
		in.Shorelines = append(in.Shorelines, Shoreline{
			Source: "synthetic", Date: s.Date, Uncertainty: s.Uncertainty,
			Geometry: project.MultiLineString(s.Geometry.Clone(), zone.Inverse),
		})
	}
	return in
}

// BenchmarkRunTimorLeste measures the whole analysis of the Timor-Leste demo coast:
// about 15,700 transects at 50 m against 38 shorelines, aggregated into 99 sucos.
func BenchmarkRunTimorLeste(b *testing.B) {
	in := timorLesteInput(b)
	b.ReportAllocs()
	b.ResetTimer()
	var res *Result
	for i := 0; i < b.N; i++ {
		var err error
		if res, err = Run(context.Background(), in, DefaultParams()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(res.Transects)), "transects")
	b.ReportMetric(float64(len(res.Intersections)), "intersections")
}
