package main

import (
	"io"
	"log/slog"
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
