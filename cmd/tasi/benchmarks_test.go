package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/api/web"
	"github.com/tasi-gis/tasi/data"
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
// from a results GeoPackage: read the file and index its run for the API and the tiles
// while the bundled reference data, the named places, the context layers and the web map
// are made, as runServe does. The file is $TASI_BENCH_GPKG (`tasi demo` writes the
// Timor-Leste demo's, 15,670 transects and 504,989 intersections, to demo/results.gpkg),
// else the benchmark is skipped. B/op and allocs/op are those of one start; the heap held
// afterwards is reported as MB-held (scripts/serve-gpkg-startup.sh measures the process).
func BenchmarkServeLoadGeoPackage(b *testing.B) {
	path := os.Getenv("TASI_BENCH_GPKG")
	if path == "" {
		b.Skip("set TASI_BENCH_GPKG to a results GeoPackage, such as the one tasi demo writes")
	}
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	b.ReportAllocs()
	var (
		g    *gpkgStore
		held uint64
	)
	for b.Loop() {
		bundled := sync.OnceValues(data.TimorLeste)
		var read sync.WaitGroup
		var gpkgErr error
		read.Go(func() { g, gpkgErr = openGpkgStore(ctx, log, path, bundled) })
		ref, err := bundled()
		if err == nil {
			_, _, err = bundledContext(ref)
			web.New(web.Options{})
		}
		read.Wait()
		if err = errors.Join(err, gpkgErr); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		held = m.HeapAlloc
		b.StartTimer()
	}
	b.ReportMetric(float64(g.runs[0].run.Transects), "transects")
	b.ReportMetric(float64(held)/(1<<20), "MB-held")
}
