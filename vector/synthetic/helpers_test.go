package synthetic_test

import (
	"math"
	"testing"
	"time"

	"github.com/paulmach/orb"
)

// landFunc adapts a function to the Land interface.
type landFunc func(orb.Point) bool

func (f landFunc) Contains(p orb.Point) bool { return f(p) }

var (
	start = time.Date(1987, 1, 1, 0, 0, 0, 0, time.UTC)
	end   = time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC)
)

// years is the time from start to t in the package's years.
func years(t time.Time) float64 { return t.Sub(start).Hours() / 24 / 365.242199 }

// straight returns a straight coast of the given length through origin in direction
// angle (radians), vertices every step metres, and the land to its right.
func straight(origin orb.Point, angle, length, step float64) (orb.LineString, landFunc) {
	dx, dy := math.Cos(angle), math.Sin(angle)
	var ls orb.LineString
	for s := 0.0; s <= length+1e-9; s += step {
		ls = append(ls, orb.Point{origin[0] + s*dx, origin[1] + s*dy})
	}
	land := func(p orb.Point) bool { // right of the direction of travel
		return (p[0]-origin[0])*dy-(p[1]-origin[1])*dx > 0
	}
	return ls, land
}

// circle returns a ring of n vertices round c, counter-clockwise unless cw, and the disc.
func circle(c orb.Point, r float64, n int, cw bool) (orb.LineString, landFunc) {
	var ls orb.LineString
	for i := 0; i <= n; i++ {
		a := 2 * math.Pi * float64(i%n) / float64(n)
		if cw {
			a = -a
		}
		ls = append(ls, orb.Point{c[0] + r*math.Cos(a), c[1] + r*math.Sin(a)})
	}
	return ls, func(p orb.Point) bool { return math.Hypot(p[0]-c[0], p[1]-c[1]) < r }
}

// graph returns the coast y = f(x) for x in [0, length] every step metres, land below.
func graph(f func(float64) float64, length, step float64) (orb.LineString, landFunc) {
	var ls orb.LineString
	for x := 0.0; x <= length+1e-9; x += step {
		ls = append(ls, orb.Point{x, f(x)})
	}
	return ls, func(p orb.Point) bool { return p[1] < f(p[0]) }
}

// star returns a star-shaped island r(θ) = r0·(1 + a·sin(kθ)) with n vertices.
func star(r0, a float64, k, n int) (orb.LineString, landFunc) {
	rad := func(t float64) float64 { return r0 * (1 + a*math.Sin(float64(k)*t)) }
	var ls orb.LineString
	for i := 0; i <= n; i++ {
		t := 2 * math.Pi * float64(i%n) / float64(n)
		ls = append(ls, orb.Point{rad(t) * math.Cos(t), rad(t) * math.Sin(t)})
	}
	return ls, func(p orb.Point) bool { return math.Hypot(p[0], p[1]) < rad(math.Atan2(p[1], p[0])) }
}

// densify puts vertices at most step metres apart along ls.
func densify(ls orb.LineString, step float64) orb.LineString {
	out := orb.LineString{ls[0]}
	for i := 1; i < len(ls); i++ {
		a, b := ls[i-1], ls[i]
		n := int(math.Ceil(math.Hypot(b[0]-a[0], b[1]-a[1]) / step))
		for k := 1; k <= n; k++ {
			t := float64(k) / float64(n)
			out = append(out, orb.Point{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])})
		}
	}
	return out
}

func lineLength(ls orb.LineString) float64 {
	var l float64
	for i := 1; i < len(ls); i++ {
		l += math.Hypot(ls[i][0]-ls[i-1][0], ls[i][1]-ls[i-1][1])
	}
	return l
}

func totalLength(g orb.MultiLineString) float64 {
	var l float64
	for _, ls := range g {
		l += lineLength(ls)
	}
	return l
}

// seg is segment i of line l.
type seg struct{ l, i int }

// firstMeeting reports the first pair of segments of g that cross, touch or overlap, other
// than neighbours on one line meeting at their shared vertex, or ok = false. Segments are
// put in a grid of the given cell size and the pairs sharing a cell are tested, so it
// takes O(n) for lines whose segments are about cell long.
func firstMeeting(g orb.MultiLineString, cell float64) (s, t seg, ok bool) {
	type key struct{ x, y int }
	grid := map[key][]seg{}
	for l, ls := range g {
		for i := 0; i+1 < len(ls); i++ {
			a, b := ls[i], ls[i+1]
			for x := int(math.Floor(math.Min(a[0], b[0]) / cell)); x <= int(math.Floor(math.Max(a[0], b[0])/cell)); x++ {
				for y := int(math.Floor(math.Min(a[1], b[1]) / cell)); y <= int(math.Floor(math.Max(a[1], b[1])/cell)); y++ {
					grid[key{x, y}] = append(grid[key{x, y}], seg{l, i})
				}
			}
		}
	}
	for _, segs := range grid {
		for x := 0; x < len(segs); x++ {
			for y := x + 1; y < len(segs); y++ {
				s, t := segs[x], segs[y]
				if t.l < s.l || t.l == s.l && t.i < s.i {
					s, t = t, s
				}
				ls, lt := g[s.l], g[t.l]
				a, b, c, d := ls[s.i], ls[s.i+1], lt[t.i], lt[t.i+1]
				n := len(ls) - 1
				closed := n > 2 && ls[0] == ls[n]
				switch {
				case s.l == t.l && t.i == s.i+1: // neighbours: only a turn straight back overlaps
					if orient(a, b, d) == 0 && (b[0]-a[0])*(d[0]-c[0])+(b[1]-a[1])*(d[1]-c[1]) < 0 {
						return s, t, true
					}
				case s.l == t.l && closed && s.i == 0 && t.i == n-1:
					if orient(c, d, b) == 0 && (d[0]-c[0])*(b[0]-a[0])+(d[1]-c[1])*(b[1]-a[1]) < 0 {
						return s, t, true
					}
				case segmentsMeet(a, b, c, d):
					return s, t, true
				}
			}
		}
	}
	return seg{}, seg{}, false
}

func orient(a, b, c orb.Point) float64 {
	return (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])
}

// segmentsMeet reports whether closed segments ab and cd share a point.
func segmentsMeet(a, b, c, d orb.Point) bool {
	d1, d2 := orient(c, d, a), orient(c, d, b)
	d3, d4 := orient(a, b, c), orient(a, b, d)
	if (d1 > 0 && d2 < 0 || d1 < 0 && d2 > 0) && (d3 > 0 && d4 < 0 || d3 < 0 && d4 > 0) {
		return true
	}
	on := func(p, q, r orb.Point) bool { // r on segment pq, given collinear
		return math.Min(p[0], q[0]) <= r[0] && r[0] <= math.Max(p[0], q[0]) &&
			math.Min(p[1], q[1]) <= r[1] && r[1] <= math.Max(p[1], q[1])
	}
	return d1 == 0 && on(c, d, a) || d2 == 0 && on(c, d, b) || d3 == 0 && on(a, b, c) || d4 == 0 && on(a, b, d)
}

// requireSimple fails t when a generated line meets itself or another line.
func requireSimple(t *testing.T, g orb.MultiLineString, cell float64) {
	t.Helper()
	if s, u, bad := firstMeeting(g, cell); bad {
		t.Fatalf("line %d segment %d %v–%v meets line %d segment %d %v–%v", s.l, s.i, g[s.l][s.i], g[s.l][s.i+1],
			u.l, u.i, g[u.l][u.i], g[u.l][u.i+1])
	}
}

func TestSelfIntersectionChecker(t *testing.T) {
	tests := []struct {
		name string
		ls   orb.LineString
		want bool
	}{
		{"simple", orb.LineString{{0, 0}, {1, 0}, {1, 1}, {0, 1}}, false},
		{"square ring", orb.LineString{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}, false},
		{"figure eight", orb.LineString{{0, 0}, {1, 1}, {1, 0}, {0, 1}}, true},
		{"touch at vertex", orb.LineString{{0, 0}, {2, 0}, {2, 1}, {1, 0}}, true},
		{"spike", orb.LineString{{0, 0}, {2, 0}, {1, 0}}, true},
		{"collinear overlap", orb.LineString{{0, 0}, {3, 0}, {3, 1}, {2, 1}, {2, 0}, {1, 0}}, true},
		{"ring crossing", orb.LineString{{0, 0}, {2, 0}, {0, 1}, {2, 1}, {0, 0}}, true},
	}
	other := orb.LineString{{0.5, -1}, {0.5, 0.5}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, cell := range []float64{0.3, 1, 10} {
				if _, _, got := firstMeeting(orb.MultiLineString{tt.ls}, cell); got != tt.want {
					t.Errorf("cell %v: got %v, want %v", cell, got, tt.want)
				}
				// A second line crossing the first segment of the first.
				if _, _, got := firstMeeting(orb.MultiLineString{tt.ls, other}, cell); !got {
					t.Errorf("cell %v: crossing of two lines not found", cell)
				}
			}
		})
	}
}
