package transect

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
)

// ring returns a closed circle of n segments around c, counter-clockwise or clockwise.
func ring(c orb.Point, r float64, n int, ccw bool) orb.LineString {
	ls := make(orb.LineString, n+1)
	for k := range n {
		a := 2 * math.Pi * float64(k) / float64(n)
		if !ccw {
			a = -a
		}
		ls[k] = orb.Point{c[0] + r*math.Cos(a), c[1] + r*math.Sin(a)}
	}
	ls[n] = ls[0]
	return ls
}

func reversed(ls orb.LineString) orb.LineString {
	out := make(orb.LineString, len(ls))
	for i, p := range ls {
		out[len(ls)-1-i] = p
	}
	return out
}

// orient2 is the sign of the turn a→b→c.
func orient2(a, b, c orb.Point) float64 { return cross(sub(b, a), sub(c, a)) }

// segmentsMeet is an independent check that segments ab and cd touch or cross.
func segmentsMeet(a, b, c, d orb.Point) bool {
	d1, d2 := orient2(c, d, a), orient2(c, d, b)
	d3, d4 := orient2(a, b, c), orient2(a, b, d)
	if ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)) {
		return true
	}
	on := func(p, q, r orb.Point) bool { // r on segment pq, given collinear
		return math.Min(p[0], q[0]) <= r[0] && r[0] <= math.Max(p[0], q[0]) &&
			math.Min(p[1], q[1]) <= r[1] && r[1] <= math.Max(p[1], q[1])
	}
	return (d1 == 0 && on(c, d, a)) || (d2 == 0 && on(c, d, b)) || (d3 == 0 && on(a, b, c)) || (d4 == 0 && on(a, b, d))
}

// requireNoCrossings fails when any two transects meet (brute force over all pairs).
func requireNoCrossings(t *testing.T, ts []Transect) {
	t.Helper()
	n := 0
	for i := range ts {
		for j := i + 1; j < len(ts); j++ {
			if segmentsMeet(ts[i].Origin, ts[i].End, ts[j].Origin, ts[j].End) {
				if n < 5 {
					t.Errorf("transects %d and %d cross: %v–%v and %v–%v", ts[i].ID, ts[j].ID, ts[i].Origin, ts[i].End, ts[j].Origin, ts[j].End)
				}
				n++
			}
		}
	}
	if n > 0 {
		t.Fatalf("%d crossing pairs", n)
	}
}

// requireSides fails when a landward part leaves land or a seaward part touches land,
// sampled every metre, except within skip metres of the baseline.
func requireSides(t *testing.T, ts []Transect, land Land, skip float64) {
	t.Helper()
	for _, tr := range ts {
		for d := -tr.Base; d <= tr.Length()-tr.Base; d++ {
			if math.Abs(d) < skip {
				continue
			}
			if got, want := land.Contains(tr.At(d)), d < 0; got != want {
				t.Fatalf("transect %d at %.0f m: on land %v, want %v", tr.ID, d, got, want)
			}
		}
	}
}

func near(a, b orb.Point, tol float64) bool { return norm(sub(a, b)) <= tol }
