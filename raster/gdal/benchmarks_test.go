package gdal

import (
	"context"
	"testing"

	"github.com/tasi-gis/tasi/data"
)

// BenchmarkReadBytesPopulation reads the bundled WorldPop grid (829,542 bytes of LZW
// GeoTIFF, 3958 × 1654 Float32 cells) from memory.
func BenchmarkReadBytesPopulation(b *testing.B) {
	tif := data.PopulationGrid()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ReadBytes(context.Background(), "population.tif", tif, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
