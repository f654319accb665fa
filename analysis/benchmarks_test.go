package analysis_test

import (
	"context"
	"testing"

	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/input/demo"
)

// BenchmarkRunTimorLeste measures the whole analysis of the Timor-Leste demo coast:
// about 15,700 transects at 50 m against 38 shorelines, aggregated into 99 sucos.
func BenchmarkRunTimorLeste(b *testing.B) {
	series, err := demo.TimorLeste(demo.DefaultConfig())
	if err != nil {
		b.Fatal(err)
	}
	in := series.Input()
	b.ReportAllocs()
	b.ResetTimer()
	var res *analysis.Result
	for i := 0; i < b.N; i++ {
		if res, err = analysis.Run(context.Background(), in, analysis.DefaultParams()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(res.Transects)), "transects")
	b.ReportMetric(float64(len(res.Intersections)), "intersections")
}
