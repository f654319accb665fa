package gdal

import (
	"context"
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/data"
	"github.com/tasi-gis/tasi/internal/shared"
	"github.com/tasi-gis/tasi/raster"
)

// checkWorldPop checks a grid against the figures of shared/data/SOURCES.md §12 and
// gdalinfo -stats: 3958 × 1654 cells of 0.000833°, extent 124.04–127.34 E, −9.50 to
// −8.13, 25,486 cells with people (0.473 to 4,424.866 each), 1,247,886 people, every other
// cell nodata.
func checkWorldPop(t *testing.T, g *raster.Grid) {
	t.Helper()
	if err := g.Validate(); err != nil {
		t.Fatal(err)
	}
	if g.Width != 3958 || g.Height != 1654 {
		t.Errorf("grid %d × %d, want 3958 × 1654", g.Width, g.Height)
	}
	if math.Abs(g.CellWidth-0.000833333) > 1e-9 || math.Abs(g.CellHeight-0.000833333) > 1e-9 {
		t.Errorf("cells %.9f × %.9f degrees, want 0.000833333", g.CellWidth, g.CellHeight)
	}
	// gdalinfo: origin (124.044582852000005, -8.126249766000001).
	if math.Abs(g.Origin[0]-124.044582852) > 1e-9 || math.Abs(g.Origin[1]+8.126249766) > 1e-9 {
		t.Errorf("origin %.9f, want [124.044582852 -8.126249766]", g.Origin)
	}
	b := g.Bound()
	if math.Abs(b.Min[0]-124.04) > 0.005 || math.Abs(b.Max[0]-127.34) > 0.005 ||
		math.Abs(b.Min[1]+9.50) > 0.005 || math.Abs(b.Max[1]+8.13) > 0.005 {
		t.Errorf("extent %v, want 124.04–127.34 E, −9.50 to −8.13", b)
	}
	var sum float64
	n, positive := 0, 0
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range g.Cells(b) {
		n++
		if v > 0 {
			positive++
		}
		sum += float64(v)
		lo, hi = math.Min(lo, float64(v)), math.Max(hi, float64(v))
	}
	t.Logf("%d cells with data, %d > 0, %.3f people, values %.3f to %.3f", n, positive, sum, lo, hi)
	if positive != 25486 || n != 25486 {
		t.Errorf("%d cells with data, %d of them > 0; want 25486 and 25486 (nodata everywhere else)", n, positive)
	}
	if math.Abs(sum-1247886) > 1 {
		t.Errorf("%.3f people, want 1,247,886 ± 1", sum)
	}
	if math.Abs(lo-0.473) > 0.001 || math.Abs(hi-4424.866) > 0.001 {
		t.Errorf("values %.3f to %.3f, want 0.473 to 4424.866", lo, hi)
	}
}

// TestReadWorldPop reads the WorldPop grid from shared data, by path.
func TestReadWorldPop(t *testing.T) {
	path := shared.Data(t, "tls_worldpop_population/tls_population_base.tif")
	g, err := Read(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkWorldPop(t, g)
}

// TestReadBundledPopulation reads the grid bundled in package data, from memory.
func TestReadBundledPopulation(t *testing.T) {
	g, err := ReadBytes(context.Background(), "population.tif", data.PopulationGrid(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkWorldPop(t, g)
}

// TestReadWorldPopBound reads the cells of Dili (Dom Aleixo and around) only, directly and
// through a warp, and compares them with the same cells of the whole grid.
func TestReadWorldPopBound(t *testing.T) {
	ctx := context.Background()
	tif := data.PopulationGrid()
	whole, err := ReadBytes(ctx, "population.tif", tif, Options{})
	if err != nil {
		t.Fatal(err)
	}
	dili := orb.Bound{Min: orb.Point{125.50, -8.60}, Max: orb.Point{125.65, -8.53}}
	part, err := ReadBytes(ctx, "population.tif", tif, Options{Bound: dili})
	if err != nil {
		t.Fatal(err)
	}
	if !part.Bound().Contains(dili.Min) || !part.Bound().Contains(dili.Max) || part.Width > 182 || part.Height > 86 {
		t.Errorf("part %v (%d × %d) does not just cover %v", part.Bound(), part.Width, part.Height, dili)
	}
	var sumPart, sumWhole float64
	for c, v := range part.Cells(part.Bound()) {
		sumPart += float64(v)
		col, row, ok := whole.Cell(part.Centre(c.Col, c.Row))
		if !ok || whole.At(col, row) != v {
			t.Fatalf("cell %v of the part = %v, of the whole grid %v", c, v, whole.At(col, row))
		}
	}
	for _, v := range whole.Cells(part.Bound()) {
		sumWhole += float64(v)
	}
	t.Logf("Dili: %d × %d cells, %.0f people", part.Width, part.Height, sumPart)
	if sumPart != sumWhole || sumPart < 100000 {
		t.Errorf("Dili: %.1f people in the part, %.1f in the same cells of the whole grid", sumPart, sumWhole)
	}
}
