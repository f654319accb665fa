package transect

import (
	"context"
	"errors"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

func TestIntersectPoints(t *testing.T) {
	// The transect runs north along x = 0 from y = -100 to 300 and crosses its baseline
	// at y = 0, so a hit's Distance is its y; the band is 25 m either side.
	tr := []Transect{{ID: 1, Origin: orb.Point{0, -100}, End: orb.Point{0, 300}, Base: 100}}
	nan := math.NaN()
	none := math.NaN()
	// std of {10, 20, 30} is sqrt(200/3) = 8.165 m (numpy's, population).
	three := orb.MultiPoint{{-5, 10}, {3, 30}, {24.9, 20}}
	for _, tc := range []struct {
		name   string
		points orb.MultiPoint
		opt    IntersectOptions
		want   float64 // NaN: no hit
	}{
		{"odd count", three, IntersectOptions{}, 20},
		{"even count", orb.MultiPoint{{-5, 10}, {3, 30}, {24.9, 20}, {0, 50}}, IntersectOptions{}, 25},
		{"one point", orb.MultiPoint{{7, -42}}, IntersectOptions{}, -42},
		{"a point given twice counts twice", orb.MultiPoint{{0, 10}, {0, 10}, {0, 40}}, IntersectOptions{}, 10},
		{"beyond the band", orb.MultiPoint{{-5, 10}, {3, 30}, {24.9, 20}, {25.1, 100}, {-26, 200}, {30, 0}}, IntersectOptions{}, 20},
		{"band edges count", orb.MultiPoint{{25, 10}, {-25, 30}}, IntersectOptions{}, 20},
		{"narrower band", orb.MultiPoint{{-5, 10}, {3, 30}, {24.9, 20}}, IntersectOptions{Band: 10}, 20},
		{"beyond the ends", orb.MultiPoint{{0, -100.5}, {0, 300.5}, {3, 400}, {2, 60}}, IntersectOptions{}, 60},
		{"ends count", orb.MultiPoint{{0, -100}, {0, 300}}, IntersectOptions{}, 100},
		{"nothing in the band", orb.MultiPoint{{40, 10}, {0, 500}}, IntersectOptions{}, none},
		{"non-finite points ignored", orb.MultiPoint{{nan, 10}, {0, math.Inf(1)}, {math.Inf(-1), 0}, {1, 5}}, IntersectOptions{}, 5},
		{"mode not used", three, IntersectOptions{Mode: Seaward}, 20},
		{"3 points, min 3", three, IntersectOptions{MinPoints: 3}, 20},
		{"3 points, min 4", three, IntersectOptions{MinPoints: 4}, none},
		{"std 8.165 within 8.2", three, IntersectOptions{MaxStd: 8.2}, 20},
		{"std 8.165 above 8.1", three, IntersectOptions{MaxStd: 8.1}, none},
		{"min length not used", three, IntersectOptions{MinLength: 1000}, 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hits, err := IntersectPointsContext(context.Background(), tr, []orb.MultiPoint{tc.points}, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			if math.IsNaN(tc.want) {
				if len(hits) != 0 {
					t.Errorf("got %+v, want no hit", hits)
				}
				return
			}
			if len(hits) != 1 || hits[0].Transect != 0 || hits[0].Shoreline != 0 ||
				math.Abs(hits[0].Distance-tc.want) > 1e-9 || !near(hits[0].Point, orb.Point{0, tc.want}, 1e-9) {
				t.Errorf("got %+v, want one hit at %g", hits, tc.want)
			}
		})
	}
}

func TestIntersectPointsOblique(t *testing.T) {
	// A transect from (1000, 2000) towards (0.6, 0.8), 500 m long, crossing its baseline
	// 100 m from its origin. Points at along/across (150, 10), (170, -20), (210, 3) and
	// (260, 24): the median of 150, 170, 210 and 260 is 190, 90 m seaward of the baseline.
	o, u := orb.Point{1000, 2000}, orb.Point{0.6, 0.8}
	left := orb.Point{-0.8, 0.6}
	tr := []Transect{{Origin: o, End: add(o, scale(u, 500)), Base: 100}}
	var mp orb.MultiPoint
	for _, p := range [][2]float64{{150, 10}, {170, -20}, {210, 3}, {260, 24}, {300, 26}, {-1, 0}} {
		mp = append(mp, add(o, add(scale(u, p[0]), scale(left, p[1]))))
	}
	hits, err := IntersectPointsContext(context.Background(), tr, []orb.MultiPoint{mp}, IntersectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 1 || math.Abs(hits[0].Distance-90) > 1e-9 || !near(hits[0].Point, add(o, scale(u, 190)), 1e-9) {
		t.Errorf("got %+v, want 90 m at %v", hits, add(o, scale(u, 190)))
	}
}

// bruteForcePoints measures point shorelines against every transect without the grid.
func bruteForcePoints(ts []Transect, shores []orb.MultiPoint, band float64) []Hit {
	var out []Hit
	for i, tr := range ts {
		u := scale(sub(tr.End, tr.Origin), 1/tr.Length())
		for j, mp := range shores {
			var xs []float64
			for _, p := range mp {
				d := sub(p, tr.Origin)
				if x, y := dot(d, u), cross(u, d); x >= 0 && x <= tr.Length() && math.Abs(y) <= band {
					xs = append(xs, x)
				}
			}
			if len(xs) == 0 {
				continue
			}
			slices.Sort(xs)
			x := xs[len(xs)/2]
			if len(xs)%2 == 0 {
				x = (xs[len(xs)/2-1] + x) / 2
			}
			out = append(out, Hit{Transect: i, Shoreline: j, Distance: x - tr.Base, Point: add(tr.Origin, scale(u, x))})
		}
	}
	return out
}

// asPoints turns line shorelines into point shorelines of their vertices.
func asPoints(shores []orb.MultiLineString) []orb.MultiPoint {
	out := make([]orb.MultiPoint, len(shores))
	for j, ml := range shores {
		for _, ls := range ml {
			out[j] = append(out[j], ls...)
		}
	}
	return out
}

func TestIntersectPointsAgainstBruteForce(t *testing.T) {
	ts, lines := randomScene(7, 5)
	shores := asPoints(lines)
	want := bruteForcePoints(ts, shores, 25)
	if len(want) < len(ts) {
		t.Fatalf("brute force finds %d hits for %d transects: the scene is too sparse", len(want), len(ts))
	}
	for _, workers := range []int{1, 2, 3, 8} {
		got, err := IntersectPointsContext(context.Background(), ts, shores, IntersectOptions{Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("%d workers: %d hits, want %d", workers, len(got), len(want))
		}
		for k := range got {
			g, w := got[k], want[k]
			if g.Transect != w.Transect || g.Shoreline != w.Shoreline || math.Abs(g.Distance-w.Distance) > 1e-9 || !near(g.Point, w.Point, 1e-9) {
				t.Fatalf("%d workers: hit %d: got %+v, want %+v", workers, k, g, w)
			}
		}
	}
	a, _ := IntersectPointsContext(context.Background(), ts, shores, IntersectOptions{Workers: 1})
	b, _ := IntersectPointsContext(context.Background(), ts, shores, IntersectOptions{Workers: 3})
	if !reflect.DeepEqual(a, b) {
		t.Error("1 and 3 workers give different hits")
	}
}

func TestIntersectPointsErrors(t *testing.T) {
	ts := []Transect{{Origin: orb.Point{0, 0}, End: orb.Point{0, 10}}}
	shores := []orb.MultiPoint{{{0, 5}}}
	for _, tc := range []struct {
		name string
		opt  IntersectOptions
		want string
	}{
		{"band", IntersectOptions{Band: math.NaN()}, "intersect point shorelines: band NaN"},
		{"max std", IntersectOptions{MaxStd: -1}, "max std -1"},
		{"min points", IntersectOptions{MinPoints: -1}, "min points -1"},
		{"workers", IntersectOptions{Workers: -1}, "workers -1"},
	} {
		if _, err := IntersectPointsContext(context.Background(), ts, shores, tc.opt); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got error %v, want %q", tc.name, err, tc.want)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := IntersectPointsContext(ctx, ts, shores, IntersectOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: got %v", err)
	}
	if hits, err := IntersectPointsContext(context.Background(), nil, shores, IntersectOptions{}); hits != nil || err != nil {
		t.Errorf("no transects: got %v, %v", hits, err)
	}
}
