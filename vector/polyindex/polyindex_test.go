package polyindex

import (
	"testing"

	"github.com/paulmach/orb"
)

func square(x0, y0, size float64) orb.MultiPolygon {
	return orb.MultiPolygon{{{{x0, y0}, {x0 + size, y0}, {x0 + size, y0 + size}, {x0, y0 + size}, {x0, y0}}}}
}

func TestIndex(t *testing.T) {
	// Two units side by side, the second with a hole (a lagoon), and an island far away.
	withHole := square(1000, 0, 1000)
	withHole[0] = append(withHole[0], orb.Ring{{1400, 400}, {1600, 400}, {1600, 600}, {1400, 600}, {1400, 400}})
	polys := []orb.MultiPolygon{square(0, 0, 1000), withHole, square(20000, 20000, 100)}
	ix := New(polys, 500)

	tests := []struct {
		p       orb.Point
		locate  int
		nearest int // within 300 m
	}{
		{orb.Point{500, 500}, 0, 0},
		{orb.Point{1200, 500}, 1, 1},
		{orb.Point{1500, 500}, -1, 1}, // in the lagoon: not land, but 100 m from unit 1
		{orb.Point{20050, 20050}, 2, 2},
		{orb.Point{-100, 500}, -1, 0}, // 100 m offshore of unit 0
		{orb.Point{-1000, 500}, -1, -1},
		{orb.Point{2100, 1100}, -1, 1},
	}
	for _, tt := range tests {
		if got := ix.Locate(tt.p); got != tt.locate {
			t.Errorf("Locate(%v) = %d, want %d", tt.p, got, tt.locate)
		}
		if got := ix.Contains(tt.p); got != (tt.locate >= 0) {
			t.Errorf("Contains(%v) = %v", tt.p, got)
		}
		if got := ix.Nearest(tt.p, 300); got != tt.nearest {
			t.Errorf("Nearest(%v, 300) = %d, want %d", tt.p, got, tt.nearest)
		}
	}
	if ix.Len() != 3 {
		t.Errorf("Len = %d", ix.Len())
	}
}
