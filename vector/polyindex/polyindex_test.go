package polyindex

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

func square(x0, y0, size float64) orb.MultiPolygon {
	return orb.MultiPolygon{{{{x0, y0}, {x0 + size, y0}, {x0 + size, y0 + size}, {x0, y0 + size}, {x0, y0}}}}
}

func TestIndex(t *testing.T) {
	// Two units side by side, the second with a hole (a lagoon), and an island far away.
	withHole := square(1000, 0, 1000)
	withHole[0] = append(withHole[0], orb.Ring{{1400, 400}, {1600, 400}, {1600, 600}, {1400, 600}, {1400, 400}})
	polys := []orb.MultiPolygon{square(0, 0, 1000), withHole, square(20000, 20000, 100)}
	ix := New(polys)

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

// star is a star-shaped polygon with many thin arms: many edges cross every horizontal line.
func star(c orb.Point, r0, r1 float64, arms, n int) orb.MultiPolygon {
	ring := make(orb.Ring, 0, n+1)
	for i := 0; i < n; i++ {
		a := 2 * math.Pi * float64(i) / float64(n)
		r := r0 + (r1-r0)*(0.5+0.5*math.Cos(float64(arms)*a))
		ring = append(ring, orb.Point{c[0] + r*math.Cos(a), c[1] + r*math.Sin(a)})
	}
	ring = append(ring, ring[0])
	return orb.MultiPolygon{{ring}}
}

// TestIndexAgainstBruteForce compares Locate with planar.MultiPolygonContains on random
// points over overlapping star polygons.
func TestIndexAgainstBruteForce(t *testing.T) {
	polys := []orb.MultiPolygon{
		star(orb.Point{0, 0}, 300, 1000, 7, 700),
		star(orb.Point{900, 300}, 200, 800, 11, 900),
		square(-500, -1500, 3000),
	}
	ix := New(polys)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 20000; i++ {
		p := orb.Point{-1500 + 3500*rng.Float64(), -2000 + 3500*rng.Float64()}
		want := -1
		for k, mp := range polys {
			if planar.MultiPolygonContains(mp, p) {
				want = k
				break
			}
		}
		if got := ix.Locate(p); got != want {
			t.Fatalf("Locate(%v) = %d, want %d", p, got, want)
		}
	}
}

func BenchmarkLocate(b *testing.B) {
	var polys []orb.MultiPolygon
	for i := 0; i < 400; i++ {
		polys = append(polys, star(orb.Point{float64(i%20) * 5000, float64(i/20) * 5000}, 1000, 2400, 9, 500))
	}
	ix := New(polys)
	rng := rand.New(rand.NewPCG(1, 2))
	pts := make([]orb.Point, 1024)
	for i := range pts {
		pts[i] = orb.Point{100000 * rng.Float64(), 100000 * rng.Float64()}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ix.Locate(pts[i%len(pts)])
	}
}
