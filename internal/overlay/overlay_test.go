package overlay

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// square returns the counter-clockwise square of side s with its lower left corner at
// (x, y).
func square(x, y, s float64) orb.Polygon {
	return orb.Polygon{{{x, y}, {x + s, y}, {x + s, y + s}, {x, y + s}, {x, y}}}
}

// cw returns p with its outer ring reversed (clockwise).
func cw(p orb.Polygon) orb.Polygon {
	p = p.Clone()
	p[0].Reverse()
	return p
}

// shape is what a result is checked against: its area and, per polygon, its ring count.
type shape struct {
	area  float64
	rings []int
}

// check compares mp with want and checks every ring's orientation: outer rings
// counter-clockwise, holes clockwise.
func check(t *testing.T, mp orb.MultiPolygon, want shape) {
	t.Helper()
	if got := planar.Area(mp); math.Abs(got-want.area) > 1e-12 {
		t.Errorf("area %g, want %g", got, want.area)
	}
	if len(mp) != len(want.rings) {
		t.Fatalf("%d polygons, want %d: %v", len(mp), len(want.rings), mp)
	}
	for i, p := range mp {
		if len(p) != want.rings[i] {
			t.Errorf("polygon %d: %d rings, want %d", i, len(p), want.rings[i])
		}
		for j, r := range p {
			want := orb.CCW
			if j > 0 {
				want = orb.CW
			}
			if o := r.Orientation(); o != want {
				t.Errorf("polygon %d ring %d: orientation %v, want %v", i, j, o, want)
			}
		}
	}
}

func TestUnion(t *testing.T) {
	for _, tc := range []struct {
		name  string
		polys []orb.Polygon
		want  shape
	}{
		{"overlapping unit squares", []orb.Polygon{square(0, 0, 1), square(0.5, 0.5, 1)}, shape{1.75, []int{1}}},
		{"touching squares", []orb.Polygon{square(0, 0, 1), square(1, 0, 1)}, shape{2, []int{1}}},
		{"apart squares", []orb.Polygon{square(0, 0, 1), square(3, 0, 2)}, shape{5, []int{1, 1}}},
		{"clockwise input", []orb.Polygon{cw(square(0, 0, 2)), cw(square(1, 1, 2))}, shape{7, []int{1}}},
		{"ring of squares around a hole", []orb.Polygon{
			square(0, 0, 1), square(1, 0, 1), square(2, 0, 1), square(2, 1, 1),
			square(2, 2, 1), square(1, 2, 1), square(0, 2, 1), square(0, 1, 1),
		}, shape{8, []int{2}}},
		{"degenerate piece skipped", []orb.Polygon{
			square(0, 0, 1),
			{{{5, 5}, {6, 6}, {7, 7}, {5, 5}}}, // collinear: no area
		}, shape{1, []int{1}}},
		{"short ring skipped", []orb.Polygon{square(0, 0, 1), {{{5, 5}, {6, 6}, {5, 5}}}}, shape{1, []int{1}}},
		{"bow tie skipped", []orb.Polygon{
			square(0, 0, 1),
			{{{3, 0}, {4, 1}, {4, 0}, {3, 1}, {3, 0}}}, // crosses itself
		}, shape{1, []int{1}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mp, err := Union(tc.polys)
			if err != nil {
				t.Fatal(err)
			}
			check(t, mp, tc.want)
		})
	}
}

func TestUnionNothing(t *testing.T) {
	for _, polys := range [][]orb.Polygon{nil, {{{{0, 0}, {1, 1}, {2, 2}, {0, 0}}}}} {
		mp, err := Union(polys)
		if err != nil || mp != nil {
			t.Errorf("Union(%v) = %v, %v; want nil, nil", polys, mp, err)
		}
	}
}

func TestDifference(t *testing.T) {
	unit := orb.MultiPolygon{square(0, 0, 3)}
	for _, tc := range []struct {
		name string
		a    orb.MultiPolygon
		b    []orb.MultiPolygon
		want shape
	}{
		{"hole", unit, []orb.MultiPolygon{{square(1, 1, 1)}}, shape{8, []int{2}}},
		{"clockwise input, hole", orb.MultiPolygon{cw(square(0, 0, 3))}, []orb.MultiPolygon{{cw(square(1, 1, 1))}}, shape{8, []int{2}}},
		{"overlapping cuts", unit, []orb.MultiPolygon{{square(-1, -1, 2)}, {square(0, 0, 2)}}, shape{5, []int{1}}},
		{"cut in two", unit, []orb.MultiPolygon{{orb.Polygon{{{1, -1}, {2, -1}, {2, 4}, {1, 4}, {1, -1}}}}}, shape{6, []int{1, 1}}},
		{"cut apart", unit, []orb.MultiPolygon{{square(5, 5, 1)}}, shape{9, []int{1}}},
		{"nothing to cut", unit, nil, shape{9, []int{1}}},
		{"everything removed", unit, []orb.MultiPolygon{{square(-1, -1, 5)}}, shape{0, []int{}}},
		{"exactly removed", unit, []orb.MultiPolygon{{square(0, 0, 3)}}, shape{0, []int{}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mp, err := Difference(tc.a, tc.b...)
			if err != nil {
				t.Fatal(err)
			}
			check(t, mp, tc.want)
		})
	}
}

func TestIntersects(t *testing.T) {
	a := orb.MultiPolygon{square(0, 0, 1)}
	for _, tc := range []struct {
		name string
		b    []orb.MultiPolygon
		want bool
	}{
		{"none", nil, false},
		{"apart", []orb.MultiPolygon{{square(2, 0, 1)}}, false},
		{"overlapping", []orb.MultiPolygon{{square(0.5, 0.5, 1)}}, true},
		{"touching at an edge", []orb.MultiPolygon{{square(1, 0, 1)}}, true},
		{"touching at a corner", []orb.MultiPolygon{{square(1, 1, 1)}}, true},
		{"inside", []orb.MultiPolygon{{square(0.25, 0.25, 0.5)}}, true},
		{"second of two", []orb.MultiPolygon{{square(5, 5, 1)}, {square(0.5, 0, 1)}}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Intersects(a, tc.b...); got != tc.want {
				t.Errorf("Intersects = %v, want %v", got, tc.want)
			}
		})
	}
}
