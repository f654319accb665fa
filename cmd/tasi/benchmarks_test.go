package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/tasi-gis/tasi/analysis"
)

// BenchmarkProgressUpdate measures one progress report from goroutines on every core,
// as the analysis steps make them, with a log and no terminal.
func BenchmarkProgressUpdate(b *testing.B) {
	p := newProgressTo(io.Discard, slog.New(slog.DiscardHandler), false, time.Now)
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			i++
			p.update(analysis.Progress{Step: "intersections", Done: i, Total: 1 << 40})
		}
	})
}

// BenchmarkServeLoadGeoPackage measures what `tasi serve --gpkg` does before it can answer
// from a results GeoPackage: read the file and index its run for the API and the tiles.
// The file is $TASI_BENCH_GPKG (`tasi demo` writes the Timor-Leste demo's, 15,670
// transects and 504,989 intersections, to demo/results.gpkg), else the benchmark is
// skipped. B/op and allocs/op are those of one load; peak is the Go heap's high-water mark
// over the loads isn't reported here: scripts/serve-gpkg-startup.sh measures the process.
func BenchmarkServeLoadGeoPackage(b *testing.B) {
	path := os.Getenv("TASI_BENCH_GPKG")
	if path == "" {
		b.Skip("set TASI_BENCH_GPKG to a results GeoPackage, such as the one tasi demo writes")
	}
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	b.ReportAllocs()
	var transects int
	for b.Loop() {
		g, err := openGpkgStore(ctx, log, path)
		if err != nil {
			b.Fatal(err)
		}
		transects = g.runs[0].run.Transects
	}
	b.ReportMetric(float64(transects), "transects")
}
