package synthetic

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/paulmach/orb"
)

// crossings counts the pairs of segments of the line through v that share a point other
// than the vertex between neighbours, by brute force.
func crossings(v []orb.Point, closed bool) int {
	o := func(a, b, c orb.Point) float64 { return cross(sub(b, a), sub(c, a)) }
	on := func(p, q, r orb.Point) bool {
		return math.Min(p[0], q[0]) <= r[0] && r[0] <= math.Max(p[0], q[0]) &&
			math.Min(p[1], q[1]) <= r[1] && r[1] <= math.Max(p[1], q[1])
	}
	n, count := len(v)-1, 0
	for i := range n {
		for j := i + 1; j < n; j++ {
			a, b, c, d := v[i], v[i+1], v[j], v[j+1]
			if j == i+1 || closed && i == 0 && j == n-1 {
				p, q, r := a, b, d // neighbours: a turn straight back
				if closed && j == n-1 && i == 0 {
					p, q, r = c, d, b
				}
				if o(p, q, r) == 0 && dot(sub(q, p), sub(r, q)) < 0 {
					count++
				}
				continue
			}
			d1, d2, d3, d4 := o(c, d, a), o(c, d, b), o(a, b, c), o(a, b, d)
			if d1*d2 < 0 && d3*d4 < 0 ||
				d1 == 0 && on(c, d, a) || d2 == 0 && on(c, d, b) || d3 == 0 && on(a, b, c) || d4 == 0 && on(a, b, d) {
				count++
			}
		}
	}
	return count
}

func arc(n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = float64(i)
	}
	return s
}

func TestWalkerCutsLoops(t *testing.T) {
	tests := []struct {
		name   string
		in     []orb.Point
		closed bool
		want   []orb.Point
	}{
		{"simple", []orb.Point{{0, 0}, {1, 0}, {1, 1}}, false, []orb.Point{{0, 0}, {1, 0}, {1, 1}}},
		{"figure eight", []orb.Point{{0, 0}, {2, 2}, {2, 0}, {0, 2}}, false, []orb.Point{{0, 0}, {1, 1}, {0, 2}}},
		{"swallowtail", []orb.Point{{0, 0}, {4, 0}, {5, 1}, {3, 1}, {4, 0.5}, {4, -1}, {8, -1}}, false,
			[]orb.Point{{0, 0}, {4, 0}, {4, -1}, {8, -1}}},
		{"spike", []orb.Point{{0, 0}, {2, 0}, {1, 0}, {1, 1}}, false, []orb.Point{{0, 0}, {1, 0}, {1, 1}}},
		{"through a vertex", []orb.Point{{0, 0}, {2, 0}, {2, 2}, {1, 1}, {3, -1}}, false, []orb.Point{{0, 0}, {2, 0}, {3, -1}}},
		{"ring with a loop", []orb.Point{{0, 0}, {4, 0}, {4, 4}, {2, 4}, {2, 5}, {3, 5}, {1, 3}, {0, 4}, {0, 0}}, true,
			[]orb.Point{{0, 0}, {4, 0}, {4, 4}, {2, 4}, {1, 3}, {0, 4}, {0, 0}}},
		{"ring crossing its start", []orb.Point{{0, 0}, {4, 0}, {4, 4}, {0, 4}, {2, -2}, {0, 0}}, true,
			[]orb.Point{{0, 0}, {4.0 / 3, 0}, {2, -2}, {0, 0}}},
	}
	var w walker
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w.run(tt.in, arc(len(tt.in)), tt.closed, 1)
			if !reflect.DeepEqual(w.v, tt.want) {
				t.Errorf("got %v, want %v", w.v, tt.want)
			}
		})
	}
}

func TestWalkerOnRandomScribbles(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var w walker
	for trial := range 300 {
		n := 3 + rng.IntN(200)
		pts := make([]orb.Point, n)
		for i := range pts {
			pts[i] = orb.Point{math.Round(rng.Float64() * 50), math.Round(rng.Float64() * 50)} // many collinear cases
			if trial%2 == 1 {
				pts[i] = orb.Point{rng.NormFloat64() * 1e3, rng.NormFloat64() * 1e3}
			}
		}
		closed := trial%3 == 0
		if closed {
			pts = append(pts, pts[0])
		}
		w.run(pts, arc(len(pts)), closed, []float64{0.5, 5, 500}[trial%3])
		if c := crossings(w.v, closed && len(w.v) > 3 && w.v[0] == w.v[len(w.v)-1]); c > 0 {
			t.Fatalf("trial %d: %d crossings left in %v", trial, c, w.v)
		}
		if w.v[0] != pts[0] || w.v[len(w.v)-1] != pts[len(pts)-1] {
			t.Fatalf("trial %d: ends moved", trial)
		}
		for i := 1; i < len(w.s); i++ {
			if w.s[i] < w.s[i-1] {
				t.Fatalf("trial %d: arc length goes back at %d", trial, i)
			}
		}
	}
}

// TestDisplacementMakesLoops checks that the coasts of TestNoLineCrossesItself do make
// the loops the walker has to cut, so that test tests something.
func TestDisplacementMakesLoops(t *testing.T) {
	inlet := orb.LineString{{0, 0}, {5000, 0}, {5000, -2000}, {5060, -2000}, {5060, 0}, {10000, 0}}
	spit := orb.LineString{{0, 0}, {5000, 0}, {5000, 1500}, {5040, 1500}, {5040, 0}, {10000, 0}}
	zigzag := orb.LineString{}
	for x := 0.0; x <= 3000; x += 5 {
		zigzag = append(zigzag, orb.Point{x, 100 * math.Abs(math.Mod(x, 60)-30) / 30})
	}
	for _, tc := range []struct {
		name string
		ls   orb.LineString
		land func(orb.Point) bool
		rate float64
	}{
		{"inlet closing", inlet, func(p orb.Point) bool { return p[1] < 0 && (p[0] < 5000 || p[0] > 5060) }, 3},
		{"spit eroding", spit, func(p orb.Point) bool { return p[1] < 0 || p[0] > 5000 && p[0] < 5040 && p[1] < 1500 }, -3},
		{"zigzag filling", zigzag, func(p orb.Point) bool { return p[1] < 100*math.Abs(math.Mod(p[0], 60)-30)/30 }, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var dense orb.LineString
			for i := 1; i < len(tc.ls); i++ {
				a, b := tc.ls[i-1], tc.ls[i]
				n := max(1, int(dist(a, b)/10))
				for k := range n {
					dense = append(dense, lerp(a, b, float64(k)/float64(n)))
				}
			}
			dense = append(dense, tc.ls[len(tc.ls)-1])
			c := buildChains(orb.MultiLineString{dense})[0]
			c.smoothNormals(DefaultSmoothing)
			if err := c.orientSeaward(landOf(tc.land), DefaultProbe); err != nil {
				t.Fatal(err)
			}
			c.prepareIndex()
			raw := make([]orb.Point, len(c.pts))
			for i, p := range c.pts {
				raw[i] = orb.Point{p[0] + 38*tc.rate*c.normal[i][0], p[1] + 38*tc.rate*c.normal[i][1]}
			}
			if n := crossings(raw, false); n == 0 {
				t.Fatal("the raw displaced line does not cross itself")
			}
			var w walker
			w.run(raw, c.s, false, c.cell)
			if n := crossings(w.v, false); n != 0 {
				t.Errorf("%d crossings after cutting the loops", n)
			}
		})
	}
}

type landOf func(orb.Point) bool

func (f landOf) Contains(p orb.Point) bool { return f(p) }
