package transect

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/vector/linework"
)

func TestIntersectModes(t *testing.T) {
	// One transect along the x axis from x = -100 to 400, crossing its baseline at x = 0,
	// so that a hit's Distance is its x.
	tr := []Transect{{ID: 1, Origin: orb.Point{-100, 0}, End: orb.Point{400, 0}, Base: 100, Azimuth: 90}}
	none := math.NaN()
	for _, tc := range []struct {
		name                      string
		shore                     orb.MultiLineString
		seaward, landward, median float64 // NaN: no hit
	}{
		// Crossings at 80, 120 and 200; the links between them lie outside the 25 m band.
		{"three crossings", orb.MultiLineString{{{80, -100}, {80, 100}, {120, 100}, {120, -100}, {200, -100}, {200, 100}}}, 200, 80, 120},
		// Two crossings of equal weight: the median is halfway, as numpy's is.
		{"two crossings", orb.MultiLineString{{{80, -100}, {80, 100}, {120, 100}, {120, -100}}}, 120, 80, 100},
		{"oblique", orb.MultiLineString{{{-50, -100}, {150, 100}}}, 50, 50, 50},
		{"two parts", orb.MultiLineString{{{30, -50}, {30, 50}}, {{90, 50}, {90, -50}}}, 90, 30, 60},
		{"running along the transect", orb.MultiLineString{{{10, 0}, {60, 0}}}, 60, 10, 35},
		// Within the band but never crossing: only the median mode sees it.
		{"alongside, no crossing", orb.MultiLineString{{{150, 10}, {170, 10}}}, none, none, 160},
		// 5 m of shoreline crossing at x = 300 and 40 m alongside from 100 to 140: the
		// length-weighted median lies at 100 + 45/2.
		{"weighted by length", orb.MultiLineString{{{300, -2.5}, {300, 2.5}}, {{100, -20}, {140, -20}}}, 300, 300, 122.5},
		{"beyond the seaward end", orb.MultiLineString{{{450, -100}, {450, 100}}}, none, none, none},
		{"behind the landward end", orb.MultiLineString{{{-150, -100}, {-150, 100}}}, none, none, none},
		{"outside the band", orb.MultiLineString{{{0, 30}, {300, 30}}}, none, none, none},
		{"empty", orb.MultiLineString{{}, {{5, 5}}}, none, none, none},
		// Segments with a non-finite coordinate are ignored, even where they would cross.
		{"non-finite", orb.MultiLineString{{{math.NaN(), -100}, {math.NaN(), 100}}, {{math.Inf(1), -100}, {math.Inf(1), 100}},
			{{-50, math.Inf(1)}, {-50, math.Inf(-1)}}, {{10, math.Inf(1)}, {10, 100}}, {{60, -100}, {60, 100}}}, 60, 60, 60},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, m := range []struct {
				mode Mode
				want float64
			}{{Seaward, tc.seaward}, {Landward, tc.landward}, {Median, tc.median}} {
				hits := Intersect(tr, []orb.MultiLineString{tc.shore}, m.mode, 25)
				if math.IsNaN(m.want) {
					if len(hits) != 0 {
						t.Errorf("%v: got %+v, want no hit", m.mode, hits)
					}
					continue
				}
				if len(hits) != 1 {
					t.Fatalf("%v: got %d hits, want 1", m.mode, len(hits))
				}
				h := hits[0]
				if math.Abs(h.Distance-m.want) > 1e-9 || !near(h.Point, orb.Point{m.want, 0}, 1e-9) {
					t.Errorf("%v: got distance %g at %v, want %g", m.mode, h.Distance, h.Point, m.want)
				}
			}
		})
	}
}

func TestIntersectMedianChecks(t *testing.T) {
	tr := []Transect{{Origin: orb.Point{0, 0}, End: orb.Point{0, 300}, Base: 100}}
	// Crossings at 150 and 250 along the transect: standard deviation 50 m.
	split := orb.MultiLineString{{{-50, 150}, {50, 150}}, {{-50, 250}, {50, 250}}}
	short := orb.MultiLineString{{{20, 80}, {26, 80}}} // 5 m inside the band
	for _, tc := range []struct {
		name  string
		opt   IntersectOptions
		shore orb.MultiLineString
		want  float64 // NaN: no hit
	}{
		{"no checks", IntersectOptions{Mode: Median}, split, 100},
		{"std 50 within 60", IntersectOptions{Mode: Median, MaxStd: 60}, split, 100},
		{"std 50 above 15", IntersectOptions{Mode: Median, MaxStd: 15}, split, math.NaN()},
		{"5 m of shoreline", IntersectOptions{Mode: Median}, short, -20},
		{"5 m below min length 10", IntersectOptions{Mode: Median, MinLength: 10}, short, math.NaN()},
		{"checks ignored by seaward", IntersectOptions{Mode: Seaward, MaxStd: 15}, split, 150},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hits, err := IntersectContext(context.Background(), tr, []orb.MultiLineString{tc.shore}, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case math.IsNaN(tc.want) && len(hits) != 0:
				t.Errorf("got %+v, want no hit", hits)
			case !math.IsNaN(tc.want) && (len(hits) != 1 || math.Abs(hits[0].Distance-tc.want) > 1e-9):
				t.Errorf("got %+v, want distance %g", hits, tc.want)
			}
		})
	}
}

// randomScene is a wiggly coast with transects across it and shorelines near it.
func randomScene(seed uint64, nShore int) ([]Transect, []orb.MultiLineString) {
	rng := rand.New(rand.NewPCG(seed, 1))
	f := func(x float64) float64 { return 120*math.Sin(x/300) + 30*math.Sin(x/70) }
	var coast orb.LineString
	for x := 0.0; x <= 5000; x += 20 {
		coast = append(coast, orb.Point{x, f(x)})
	}
	ts, err := Cast(orb.MultiLineString{coast}, LandFunc(func(p orb.Point) bool { return p[1] < f(p[0]) }),
		CastOptions{Spacing: 50, Landward: 150, Seaward: 150, Smoothing: 500})
	if err != nil {
		panic(err)
	}
	shores := make([]orb.MultiLineString, nShore)
	for j := range shores {
		off := rng.Float64()*160 - 80
		var ml orb.MultiLineString
		var ls orb.LineString
		for x := 0.0; x <= 5000; x += 5 + 30*rng.Float64() {
			if rng.Float64() < 0.01 { // gaps, as clouds leave them
				if len(ls) > 1 {
					ml = append(ml, ls)
				}
				ls = nil
			}
			ls = append(ls, orb.Point{x + 8*rng.NormFloat64(), f(x) + off + 15*rng.NormFloat64()})
		}
		shores[j] = append(ml, ls)
	}
	return ts, shores
}

// bruteForce computes hits without the grid: crossings of every segment with every
// transect, and for Median the shoreline densified to 5 cm, CoastSat style.
func bruteForce(ts []Transect, shores []orb.MultiLineString, mode Mode, band float64) []Hit {
	var out []Hit
	for i, tr := range ts {
		u := scale(sub(tr.End, tr.Origin), 1/tr.Length())
		for j, ml := range shores {
			var xs []float64
			for _, ls := range ml {
				for k := 0; k+1 < len(ls); k++ {
					a, b := ls[k], ls[k+1]
					if mode != Median {
						if ok, lo, hi, _, _ := meet(tr.Origin, tr.End, a, b); ok {
							xs = append(xs, lo, hi)
						}
						continue
					}
					n := int(norm(sub(b, a))/0.05) + 1
					for s := range n {
						p := sub(lerp(a, b, (float64(s)+0.5)/float64(n)), tr.Origin)
						x, y := dot(p, u), cross(u, p)
						if x >= 0 && x <= tr.Length() && math.Abs(y) <= band {
							xs = append(xs, x)
						}
					}
				}
			}
			if len(xs) == 0 {
				continue
			}
			slices.Sort(xs)
			x := xs[len(xs)-1]
			switch mode {
			case Landward:
				x = xs[0]
			case Median:
				x = xs[len(xs)/2]
				if len(xs)%2 == 0 {
					x = (xs[len(xs)/2-1] + x) / 2
				}
			}
			out = append(out, Hit{Transect: i, Shoreline: j, Distance: x - tr.Base, Point: add(tr.Origin, scale(u, x))})
		}
	}
	return out
}

func TestIntersectAgainstBruteForce(t *testing.T) {
	ts, shores := randomScene(7, 4)
	for _, tc := range []struct {
		mode Mode
		tol  float64
	}{{Seaward, 1e-6}, {Landward, 1e-6}, {Median, 0.05}} {
		t.Run(tc.mode.String(), func(t *testing.T) {
			got := Intersect(ts, shores, tc.mode, 25)
			want := bruteForce(ts, shores, tc.mode, 25)
			if len(got) != len(want) || len(got) < len(ts) {
				t.Fatalf("got %d hits, want %d (for %d transects)", len(got), len(want), len(ts))
			}
			for k := range got {
				g, w := got[k], want[k]
				if g.Transect != w.Transect || g.Shoreline != w.Shoreline || math.Abs(g.Distance-w.Distance) > tc.tol || !near(g.Point, w.Point, tc.tol) {
					t.Fatalf("hit %d: got %+v, want %+v", k, g, w)
				}
			}
		})
	}
}

func TestIntersectDeterministic(t *testing.T) {
	ts, shores := randomScene(11, 9)
	for _, mode := range []Mode{Seaward, Median} {
		var first []Hit
		for _, w := range []int{1, 2, 3, 8} {
			hits, err := IntersectContext(context.Background(), ts, shores, IntersectOptions{Mode: mode, Workers: w})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.IsSortedFunc(hits, func(a, b Hit) int {
				if a.Transect != b.Transect {
					return a.Transect - b.Transect
				}
				return a.Shoreline - b.Shoreline
			}) {
				t.Fatalf("%v with %d workers: hits not sorted by transect, shoreline", mode, w)
			}
			if first == nil {
				first = hits
			} else if !reflect.DeepEqual(first, hits) {
				t.Fatalf("%v: %d workers give a different result from 1", mode, w)
			}
		}
	}
}

func TestIntersectErrors(t *testing.T) {
	ts := []Transect{{Origin: orb.Point{0, 0}, End: orb.Point{0, 10}}}
	shores := []orb.MultiLineString{{{{-5, 5}, {5, 5}}}}
	for _, tc := range []struct {
		name string
		opt  IntersectOptions
		want string
	}{
		{"mode", IntersectOptions{Mode: 7}, "unknown mode Mode(7)"},
		{"band", IntersectOptions{Mode: Median, Band: math.NaN()}, "band NaN"},
		{"max std", IntersectOptions{MaxStd: -1}, "max std -1"},
		{"min length", IntersectOptions{MinLength: math.Inf(1)}, "min length +Inf"},
		{"workers", IntersectOptions{Workers: -1}, "workers -1"},
	} {
		if _, err := IntersectContext(context.Background(), ts, shores, tc.opt); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got error %v, want %q", tc.name, err, tc.want)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := IntersectContext(ctx, ts, shores, IntersectOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: got %v", err)
	}
	defer func() {
		if recover() == nil {
			t.Error("Intersect with an unknown mode did not panic")
		}
	}()
	Intersect(ts, shores, Mode(-1), 0)
}

// TestIntersectSelfCrossingShoreline measures shorelines that loop back over a transect,
// as real ones do round river-mouth bars and rocks: every crossing counts and the mode
// picks among them, as in DSAS, whatever the order the line meets the transect in, and
// whether the crossings belong to one part or several.
func TestIntersectSelfCrossingShoreline(t *testing.T) {
	// The transect runs north along x = 0 from y = -100 to 300 and crosses its baseline
	// at y = 0, so a hit's Distance is its y.
	tr := []Transect{{ID: 1, Origin: orb.Point{0, -100}, End: orb.Point{0, 300}, Base: 100}}
	// A wide loop: along y = 10, out to y = 40 and back along it, and on along y = 25,
	// crossing its first leg at (30, 25); its turns lie outside the 25 m band, so the
	// band holds three 50 m pieces at 10, 40 and 25 and the median is the middle one.
	wide := orb.LineString{{-200, 10}, {30, 10}, {30, 40}, {-30, 40}, {-30, 25}, {200, 25}}
	// A tight loop crossing at 10, 100 and 40, whose turns at x = ±20 are inside the band
	// and count, every metre of shoreline alike: 45 m at y = 10, 90 m spread over 10–100,
	// 40 m at 100, 60 m spread over 40–100 and 45 m at 40, 280 m in all. Below y = 40 lie
	// 45 + 30 m, at it 45 m more, and above it 2 m per metre, so half (140 m) is reached
	// 10 m above it, at 50.
	tight := orb.LineString{{-200, 10}, {20, 10}, {20, 100}, {-20, 100}, {-20, 40}, {200, 40}}
	for _, tc := range []struct {
		name                      string
		shore                     orb.MultiLineString
		seaward, landward, median float64
		tie                       bool // the median falls between two pieces of equal weight
	}{
		{"wide loop", orb.MultiLineString{wide}, 40, 10, 25, false},
		{"wide loop drawn backwards", orb.MultiLineString{reversed(wide)}, 40, 10, 25, false},
		{"tight loop", orb.MultiLineString{tight}, 100, 10, 50, false},
		// Two parts of one shoreline (CoastSat contour pieces), one crossing at 10 and
		// the other at 40 and then 25, crossing each other at (60, 25).
		{"two parts", orb.MultiLineString{{{-200, 10}, {60, 10}, {60, 50}}, {{30, 70}, {30, 40}, {-30, 40}, {-30, 25}, {200, 25}}}, 40, 10, 25, false},
		// Another part along y = 70 makes four crossings of equal weight: the median is
		// halfway between the middle two, as numpy's is.
		{"four crossings, even", orb.MultiLineString{wide, {{-200, 70}, {200, 70}}}, 70, 10, 32.5, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, n := linework.SelfCrossings(tc.shore, 0); n == 0 {
				t.Fatal("the test shoreline does not cross itself")
			}
			for _, m := range []struct {
				mode Mode
				want float64
			}{{Seaward, tc.seaward}, {Landward, tc.landward}, {Median, tc.median}} {
				for _, workers := range []int{1, 2} {
					hits, err := IntersectContext(context.Background(), tr, []orb.MultiLineString{tc.shore}, IntersectOptions{Mode: m.mode, Workers: workers})
					if err != nil {
						t.Fatal(err)
					}
					if len(hits) != 1 || math.Abs(hits[0].Distance-m.want) > 1e-9 || !near(hits[0].Point, orb.Point{0, m.want}, 1e-9) {
						t.Fatalf("%v: got %+v, want one hit at %g", m.mode, hits, m.want)
					}
				}
				if m.mode == Median && tc.tie {
					continue // sampled, the two middle pieces never hold exactly half each
				}
				if bf := bruteForce(tr, []orb.MultiLineString{tc.shore}, m.mode, DefaultBand); len(bf) != 1 || math.Abs(bf[0].Distance-m.want) > 0.05 {
					t.Errorf("%v: brute force gives %+v, want %g", m.mode, bf, m.want)
				}
			}
		})
	}
}
