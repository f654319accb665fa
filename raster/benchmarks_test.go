package raster_test

import (
	"testing"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/raster"
)

// worldPopLike is a grid of the size and cell of the bundled WorldPop grid (3958 × 1654
// cells of 0.000833°) with one cell in 256 holding data, about as sparse as the 25,486
// settled cells of Timor-Leste.
func worldPopLike(b *testing.B) *raster.Grid {
	b.Helper()
	g, err := raster.New(orb.Point{124.044582852, -8.126249766}, 0.000833333329965, 0.000833333330109, 3958, 1654)
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < len(g.Values); i += 256 {
		g.Values[i] = 1
	}
	return g
}

// BenchmarkCellsWhole visits the data cells of a whole WorldPop-sized grid.
func BenchmarkCellsWhole(b *testing.B) {
	g := worldPopLike(b)
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		for range g.Cells(g.Bound()) {
			n++
		}
		if n != (len(g.Values)+255)/256 {
			b.Fatalf("%d cells", n)
		}
	}
}

// BenchmarkCellsSuco visits the data cells in a suco-sized bound (0.05° square).
func BenchmarkCellsSuco(b *testing.B) {
	g := worldPopLike(b)
	bound := orb.Bound{Min: orb.Point{125.55, -8.60}, Max: orb.Point{125.60, -8.55}}
	b.ReportAllocs()
	for b.Loop() {
		for range g.Cells(bound) {
		}
	}
}

// BenchmarkCell locates a point.
func BenchmarkCell(b *testing.B) {
	g := worldPopLike(b)
	p := orb.Point{125.5725, -8.5512}
	for b.Loop() {
		if _, _, ok := g.Cell(p); !ok {
			b.Fatal("outside")
		}
	}
}
