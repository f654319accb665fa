package linework

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
)

// bruteCrossing tests every pair of segments, with the rules selfCrossing applies.
func bruteCrossing(ml orb.MultiLineString) bool {
	var segs []segment
	for pi, l := range ml {
		closed := len(l) > 3 && l[0] == l[len(l)-1]
		first := len(segs)
		for i := 0; i+1 < len(l); i++ {
			if l[i] != l[i+1] {
				segs = append(segs, segment{a: l[i], b: l[i+1], part: pi, idx: len(segs) - first, closedPart: closed})
			}
		}
		for k := first; k < len(segs); k++ {
			segs[k].partLen = len(segs) - first
		}
	}
	for i := range segs {
		for j := i + 1; j < len(segs); j++ {
			a, s := segs[i], segs[j]
			if adjacent(a, s) {
				continue
			}
			if p, ok := segmentsCross(a.a, a.b, s.a, s.b); ok && !(a.part != s.part && a.isBoundary(p) && s.isBoundary(p)) {
				return true
			}
		}
	}
	return false
}

// TestSweepMatchesBruteForce checks the quantized sweep against testing every pair, on
// random walks whose coordinates sit far from the origin (as UTM metres do) and often
// share an x, where quantization could reorder segments.
func TestSweepMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	crossings := 0
	for trial := range 3000 {
		n := 3 + rng.IntN(12)
		var ml orb.MultiLineString
		for range 1 + rng.IntN(2) {
			l := make(orb.LineString, n)
			for i := range l {
				// a coarse lattice far from the origin: many equal and nearly equal x
				l[i] = orb.Point{7e5 + float64(rng.IntN(8)) + 1e-9*float64(rng.IntN(3)), 9e6 + float64(rng.IntN(8))}
			}
			ml = append(ml, l)
		}
		_, got := selfCrossing(ml)
		want := bruteCrossing(ml)
		if got != want {
			t.Fatalf("trial %d: sweep says crossing=%v, brute force %v, for %v", trial, got, want, ml)
		}
		if want {
			crossings++
		}
	}
	if crossings < 100 || crossings > 2900 {
		t.Errorf("%d of 3000 random lines cross themselves: the test does not exercise both answers", crossings)
	}
}

// BenchmarkCheckShoreline checks one whole-coast synthetic shoreline on a 400 km coast
// with 10 m vertices, the size of one Timor-Leste demo shoreline.
func BenchmarkCheckShoreline(b *testing.B) {
	var l orb.LineString
	for i := range 40_000 {
		x := float64(i) * 10
		l = append(l, orb.Point{5e5 + x, 9e6 + 2000*math.Sin(x/3000)})
	}
	ml := orb.MultiLineString{l}
	for b.Loop() {
		if err := Check(ml); err != nil {
			b.Fatal(err)
		}
	}
}
