package polylabel_test

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/tasi-gis/tasi/vector/polylabel"
)

func TestPolygon(t *testing.T) {
	square := orb.Polygon{{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}}
	// A C open to the east: its centroid (about x 4) falls in the opening. Its pole, as
	// the frame's, is in an outer corner, beside the inner one.
	c := orb.Polygon{{{0, 0}, {10, 0}, {10, 2}, {2, 2}, {2, 8}, {10, 8}, {10, 10}, {0, 10}, {0, 0}}}
	// A square with a square hole in the middle: the best point is in a corner of the
	// frame, on its diagonal, as far from both corners as from the outer edges:
	// x = √2 (2 - x), so x = 2√2 / (1 + √2).
	frame := orb.Polygon{
		{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}},
		{{2, 2}, {2, 8}, {8, 8}, {8, 2}, {2, 2}},
	}
	corner := 2 * math.Sqrt2 / (1 + math.Sqrt2)
	tests := []struct {
		name  string
		p     orb.Polygon
		wantD float64 // the true distance of the pole to the edges
	}{
		{"square", square, 5},
		{"C", c, corner},
		{"frame", frame, corner},
	}
	const precision = 0.01
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pt, d := polylabel.Polygon(tt.p, precision)
			if !planar.PolygonContains(tt.p, pt) {
				t.Errorf("point %v is outside the polygon", pt)
			}
			if d > tt.wantD+1e-9 || d < tt.wantD-precision {
				t.Errorf("distance %v, want %v within %v", d, tt.wantD, precision)
			}
		})
	}
	if pt, _ := polylabel.Polygon(square, precision); math.Abs(pt[0]-5) > 0.1 || math.Abs(pt[1]-5) > 0.1 {
		t.Errorf("square: %v, want its centre (5, 5)", pt)
	}
}

func TestMultiPolygon(t *testing.T) {
	small := orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}}
	big := orb.Polygon{{{10, 10}, {20, 10}, {20, 20}, {10, 20}, {10, 10}}}
	pt, d := polylabel.MultiPolygon(orb.MultiPolygon{small, big}, 0.01)
	if !planar.PolygonContains(big, pt) || math.Abs(d-5) > 0.01 {
		t.Errorf("got %v at %v, want the centre of the bigger part at distance 5", pt, d)
	}
	if pt, d := polylabel.MultiPolygon(nil, 1); pt != (orb.Point{}) || d != 0 {
		t.Errorf("empty: %v %v", pt, d)
	}
}

func TestDegenerate(t *testing.T) {
	line := orb.Polygon{{{0, 0}, {5, 0}, {10, 0}, {0, 0}}}
	if pt, d := polylabel.Polygon(line, 1); pt != (orb.Point{0, 0}) || d != 0 {
		t.Errorf("flat polygon: %v %v, want its first vertex and 0", pt, d)
	}
}
