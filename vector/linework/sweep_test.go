package linework

import (
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
)

// bruteCrossings tests every pair of segments, with the rules the sweep applies, and
// returns the distinct points where they meet.
func bruteCrossings(ml orb.MultiLineString) map[orb.Point]bool {
	segs := segmentsOf(ml)
	found := map[orb.Point]bool{}
	for i := range segs {
		for j := i + 1; j < len(segs); j++ {
			a, s := segs[i], segs[j]
			if adjacent(a, s) {
				continue
			}
			if p, ok := segmentsCross(a.a, a.b, s.a, s.b); ok && !(a.part != s.part && a.isBoundary(p) && s.isBoundary(p)) {
				found[p] = true
			}
		}
	}
	return found
}

// TestSweepMatchesBruteForce checks the quantized sweep against testing every pair, on
// random walks whose coordinates sit far from the origin (as UTM metres do) and often
// share an x, where quantization could reorder segments; on wide, tall and square
// lattices, so that it sweeps along x and along y.
func TestSweepMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	crossings := 0
	for trial := range 3000 {
		n := 3 + rng.IntN(12)
		w, h := 8, 8
		switch trial % 3 {
		case 1:
			w, h = 30, 4
		case 2:
			w, h = 4, 30
		}
		var ml orb.MultiLineString
		for range 1 + rng.IntN(2) {
			l := make(orb.LineString, n)
			for i := range l {
				// a coarse lattice far from the origin: many equal and nearly equal coordinates
				l[i] = orb.Point{7e5 + float64(rng.IntN(w)) + 1e-9*float64(rng.IntN(3)), 9e6 + float64(rng.IntN(h)) + 1e-9*float64(rng.IntN(3))}
			}
			ml = append(ml, l)
		}
		_, got := selfCrossing(ml)
		want := bruteCrossings(ml)
		if got != (len(want) > 0) {
			t.Fatalf("trial %d: sweep says crossing=%v, brute force %d crossings, for %v", trial, got, len(want), ml)
		}
		pts, total := SelfCrossings(ml, len(want)+1)
		if total != len(want) || len(pts) != total {
			t.Fatalf("trial %d: SelfCrossings found %d (%d listed), brute force %d, for %v", trial, total, len(pts), len(want), ml)
		}
		for _, p := range pts {
			if !want[p] {
				t.Fatalf("trial %d: SelfCrossings lists %v, which brute force does not find", trial, p)
			}
		}
		if len(want) > 0 {
			crossings++
		}
	}
	if crossings < 100 || crossings > 2900 {
		t.Errorf("%d of 3000 random lines cross themselves: the test does not exercise both answers", crossings)
	}
}
