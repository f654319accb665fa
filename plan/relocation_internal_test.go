package plan

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/tasi-gis/tasi/raster"
)

// TestHornSlope checks Horn's slope on hand-built 3 × 3 grids at the equator, where a
// degree of longitude is 111,319.49 m and of latitude 110,574.28 m (WGS 84).
func TestHornSlope(t *testing.T) {
	const cell = 0.001 // degrees
	m := metresPerDegree(0)
	tests := []struct {
		name   string
		values [9]float32 // rows from the north
		want   float64    // degrees
	}{
		{"flat", [9]float32{5, 5, 5, 5, 5, 5, 5, 5, 5}, 0},
		// 10 m more per column eastwards: atan(10 / (cell × m per degree of longitude)).
		{"east", [9]float32{0, 10, 20, 0, 10, 20, 0, 10, 20}, math.Atan(10/(cell*m[0])) * 180 / math.Pi},
		// 10 m more per row southwards.
		{"south", [9]float32{0, 0, 0, 10, 10, 10, 20, 20, 20}, math.Atan(10/(cell*m[1])) * 180 / math.Pi},
		// Both: the gradients add as a vector.
		{"both", [9]float32{0, 10, 20, 10, 20, 30, 20, 30, 40}, math.Atan(math.Hypot(10/(cell*m[0]), 10/(cell*m[1]))) * 180 / math.Pi},
		// Horn weighs the centre row and column double: a single spike in the middle
		// has no slope, a step on one side has a quarter-weight corner.
		{"spike", [9]float32{0, 0, 0, 0, 100, 0, 0, 0, 0}, 0},
	}
	for _, tt := range tests {
		g, err := raster.New(orb.Point{-cell * 1.5, cell * 1.5}, cell, cell, 3, 3)
		if err != nil {
			t.Fatal(err)
		}
		copy(g.Values, tt.values[:])
		if got := hornSlope(g, 1, 1); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("%s: slope %.6f°, want %.6f°", tt.name, got, tt.want)
		}
		if !math.IsNaN(hornSlope(g, 0, 1)) {
			t.Errorf("%s: a slope at the edge", tt.name)
		}
	}
	g, _ := raster.New(orb.Point{0, 0}, cell, cell, 3, 3)
	if !math.IsNaN(hornSlope(g, 1, 1)) {
		t.Error("a slope among cells without data")
	}
}

// TestClipRing clips rings to a bound without touching them, holes included.
func TestClipRing(t *testing.T) {
	b := orb.Bound{Min: orb.Point{0, 0}, Max: orb.Point{10, 10}}
	sq := func(x0, y0, x1, y1 float64) orb.Ring {
		return orb.Ring{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}
	}
	tests := []struct {
		name string
		p    orb.Polygon
		area float64
	}{
		{"inside", orb.Polygon{sq(2, 2, 4, 4)}, 4},
		{"overlapping", orb.Polygon{sq(-5, -5, 5, 5)}, 25},
		{"covering", orb.Polygon{sq(-5, -5, 15, 15)}, 100},
		{"outside", orb.Polygon{sq(20, 20, 30, 30)}, 0},
		{"covering with a hole across the edge", orb.Polygon{sq(-5, -5, 15, 15), sq(8, 8, 12, 12)}, 96},
		// A C whose arms leave the bound and come back: the part between them is not kept.
		{"c", orb.Polygon{{{-1, 1}, {11, 1}, {11, 9}, {-1, 9}, {-1, 7}, {9, 7}, {9, 3}, {-1, 3}, {-1, 1}}}, 10*2*2 + 1*4},
	}
	for _, tt := range tests {
		before := tt.p.Clone()
		got := clipPolygon(b, tt.p)
		if a := planar.Area(got); math.Abs(a-tt.area) > 1e-9 {
			t.Errorf("%s: area %g, want %g", tt.name, a, tt.area)
		}
		if !tt.p.Equal(before) {
			t.Errorf("%s: the input changed", tt.name)
		}
	}
}
