package transect

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

func TestCastStraight(t *testing.T) {
	p0 := orb.Point{500000, 9000000} // UTM-sized coordinates
	for _, tc := range []struct {
		name      string
		angle     float64 // direction of the baseline, degrees counter-clockwise from east
		smoothing float64
		azimuth   float64 // expected, degrees clockwise from north
	}{
		{"east sea north", 0, 2500, 0},
		{"east no smoothing", 0, 0, 0},
		{"30 degrees", 30, 2500, 330},
		{"135 degrees", 135, 500, 225},
		{"south", 270, 2500, 90},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := tc.angle * math.Pi / 180
			dir := orb.Point{math.Cos(a), math.Sin(a)}
			left := orb.Point{-dir[1], dir[0]}
			var base orb.LineString
			for k := 0; k <= 10; k++ { // vertices every 100 m, 1000 m long
				base = append(base, add(p0, scale(dir, 100*float64(k))))
			}
			land := LandFunc(func(p orb.Point) bool { return cross(dir, sub(p, p0)) < 0 }) // right of the line
			ts, err := Cast(orb.MultiLineString{base}, land, CastOptions{Spacing: 50, Landward: 200, Seaward: 300, Smoothing: tc.smoothing})
			if err != nil {
				t.Fatal(err)
			}
			if len(ts) != 21 {
				t.Fatalf("got %d transects, want 21", len(ts))
			}
			for k, tr := range ts {
				b := add(p0, scale(dir, 50*float64(k)))
				want := Transect{
					ID: k + 1, Origin: sub(b, scale(left, 200)), End: add(b, scale(left, 300)),
					Base: 200, Azimuth: tc.azimuth, Part: 0, Chainage: 50 * float64(k),
				}
				if tr.ID != want.ID || tr.Part != 0 || math.Abs(tr.Chainage-want.Chainage) > 1e-9 ||
					math.Abs(tr.Base-200) > 1e-9 || math.Abs(tr.Azimuth-want.Azimuth) > 1e-9 ||
					!near(tr.Origin, want.Origin, 1e-6) || !near(tr.End, want.End, 1e-6) {
					t.Fatalf("transect %d:\n got %+v\nwant %+v", k, tr, want)
				}
				if got := tr.At(12); !near(got, add(b, scale(left, 12)), 1e-6) {
					t.Errorf("At(12) = %v, want 12 m seaward of %v", got, b)
				}
			}
		})
	}
}

func TestCastIsland(t *testing.T) {
	c := orb.Point{700000, 9050000}
	for _, tc := range []struct {
		name     string
		r        float64
		ccw      bool
		land     func(r float64) Land
		count    int
		base     float64 // expected Base (landward reach after cuts)
		landCuts int
	}{
		{"ccw", 1000, true, disc(c), 126, 200, 0}, // 2π·1000/50 = 125.7
		{"cw", 1000, false, disc(c), 126, 200, 0},
		{"no land mask: outside is sea", 1000, true, func(float64) Land { return LandFunc(func(orb.Point) bool { return false }) }, 126, 200, 0},
		// Landward parts would cross the whole island: they stop halfway across, less 1 m.
		{"small island", 100, true, disc(c), 13, 99, 13}, // 2π·100/50 = 12.6
	} {
		t.Run(tc.name, func(t *testing.T) {
			land := tc.land(tc.r)
			ts, st, err := cast(orb.MultiLineString{ring(c, tc.r, 720, tc.ccw)}, land, CastOptions{Spacing: 50, Landward: 200, Seaward: 300, Smoothing: 2500})
			if err != nil {
				t.Fatal(err)
			}
			if len(ts) != tc.count || st.landCut != tc.landCuts || st.crossCut != 0 || st.dropped != 0 {
				t.Fatalf("got %d transects %+v, want %d with %d land cuts", len(ts), st, tc.count, tc.landCuts)
			}
			for _, tr := range ts {
				radial := sub(tr.At(0), c)
				along := sub(tr.End, tr.Origin)
				if ang := math.Acos(math.Min(1, dot(radial, along)/norm(radial)/norm(along))) * 180 / math.Pi; ang > 0.1 {
					t.Errorf("transect %d is %.3f° off the outward radius", tr.ID, ang)
				}
				if math.Abs(tr.Base-tc.base) > 0.02 || math.Abs(tr.Length()-tr.Base-300) > 1e-6 {
					t.Errorf("transect %d: base %.3f, seaward %.3f; want %g and 300", tr.ID, tr.Base, tr.Length()-tr.Base, tc.base)
				}
			}
			requireNoCrossings(t, ts)
		})
	}
}

func disc(c orb.Point) func(r float64) Land {
	return func(r float64) Land {
		return LandFunc(func(p orb.Point) bool { return norm(sub(p, c)) < r })
	}
}

// bay is a straight coast along y = 0 (land south) with a semicircular bay of radius r
// centred on the origin.
func bay(r float64) (orb.MultiLineString, Land) {
	ls := orb.LineString{{-2000, 0}}
	for k := 0; k <= 60; k++ {
		a := math.Pi + math.Pi*float64(k)/60
		ls = append(ls, orb.Point{r * math.Cos(a), r * math.Sin(a)})
	}
	ls = append(ls, orb.Point{2000, 0})
	return orb.MultiLineString{ls}, LandFunc(func(p orb.Point) bool { return p[1] < 0 && norm(p) > r })
}

func TestCastBay(t *testing.T) {
	base, land := bay(150)
	for _, tc := range []struct {
		name                   string
		smoothing              float64
		count, crossCut, drops int
		inBay                  int // transects cast from the bay's arc
		nearCentre             float64
		minSeaward             float64 // of the bay's transects
	}{
		// Without smoothing the bay's transects are near radial (normals to a 60-gon's
		// sides) and converge on its centre: neighbours meet short of it and are cut there,
		// so every one stops within 35 m of the centre. Transects on the straight coast
		// beside the bay cross the radial ones' landward parts: those are cut or, right at
		// the rim, dropped.
		{"no smoothing", 0, 163, 27, 4, 15, 35, 100},
		{"500 m", 500, 163, 21, 4, 15, math.Inf(1), 75}, // a quarter of the reach at least
		// DSAS's 2500 m window: the bay is smoothed away and its transects are near
		// parallel, running out of the bay to sea.
		{"2500 m", 2500, 167, 0, 0, 19, math.Inf(1), 300},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts, st, err := cast(base, land, CastOptions{Spacing: 25, Landward: 200, Seaward: 300, Smoothing: tc.smoothing})
			if err != nil {
				t.Fatal(err)
			}
			requireNoCrossings(t, ts)
			inBay := 0
			for _, tr := range ts {
				if norm(tr.At(0)) > 150.001 {
					continue
				}
				inBay++
				if d := norm(tr.End); d > tc.nearCentre || tr.Length()-tr.Base < tc.minSeaward-1e-9 {
					t.Errorf("bay transect %d ends %.1f m from the centre, %.1f m seaward", tr.ID, d, tr.Length()-tr.Base)
				}
			}
			if st.laid != 167 || len(ts) != tc.count || st.crossCut != tc.crossCut || st.dropped != tc.drops || inBay != tc.inBay {
				t.Errorf("laid %d, got %d transects (%d in the bay), %d cut at crossings, %d dropped; want 167, %d (%d), %d, %d",
					st.laid, len(ts), inBay, st.crossCut, st.dropped, tc.count, tc.inBay, tc.crossCut, tc.drops)
			}
			requireSides(t, ts, land, 0.5)
		})
	}
}

func TestCastSpit(t *testing.T) {
	// A spit 60 m wide and 1500 m long off a straight coast (land south of y = 0).
	land := LandFunc(func(p orb.Point) bool { return p[1] < 0 || (math.Abs(p[0]) < 30 && p[1] < 1500) })
	base := orb.MultiLineString{{{-2000, 0}, {-30, 0}, {-30, 1500}, {30, 1500}, {30, 0}, {2000, 0}}}
	for _, smoothing := range []float64{0, 2500} {
		ts, st, err := cast(base, land, CastOptions{Spacing: 50, Landward: 200, Seaward: 300, Smoothing: smoothing})
		if err != nil {
			t.Fatal(err)
		}
		requireNoCrossings(t, ts)
		requireSides(t, ts, land, 0.5)
		onSpit := 0
		for _, tr := range ts {
			b := tr.At(0)
			if math.Abs(math.Abs(b[0])-30) > 1e-9 || b[1] <= 0 || b[1] >= 1500 {
				continue
			}
			onSpit++
			// It reaches neither side of the spit but its own.
			other := orb.Point{-b[0], 0}
			if segmentsMeet(tr.Origin, tr.End, other, orb.Point{other[0], 1500}) {
				t.Errorf("smoothing %g: transect %d from %v reaches the other side of the spit", smoothing, tr.ID, b)
			}
		}
		if onSpit < 50 {
			t.Errorf("smoothing %g: only %d transects on the spit's sides (%+v)", smoothing, onSpit, st)
		}
	}
}

func TestCastReversed(t *testing.T) {
	// A wiggly coast, and the same coast drawn the other way: same transects, reversed order.
	f := func(x float64) float64 { return 150*math.Sin(x/400) + 40*math.Sin(x/90) }
	var ls orb.LineString
	for x := 0.0; x <= 10000; x += 10 {
		ls = append(ls, orb.Point{x, f(x)})
	}
	land := LandFunc(func(p orb.Point) bool { return p[1] < f(p[0]) })
	opt := CastOptions{Spacing: 50, Landward: 100, Seaward: 200, Smoothing: 1000}
	fwd, err := Cast(orb.MultiLineString{ls}, land, opt)
	if err != nil {
		t.Fatal(err)
	}
	rev, err := Cast(orb.MultiLineString{reversed(ls)}, land, opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(fwd) != len(rev) || len(fwd) < 200 {
		t.Fatalf("%d transects forward, %d reversed", len(fwd), len(rev))
	}
	for k, a := range fwd {
		b := rev[len(rev)-1-k]
		if !near(a.Origin, b.Origin, 1e-6) || !near(a.End, b.End, 1e-6) || math.Abs(a.Base-b.Base) > 1e-6 {
			t.Fatalf("transect %d: %v–%v forward, %v–%v reversed", a.ID, a.Origin, a.End, b.Origin, b.End)
		}
		if a.End[1] < a.Origin[1] {
			t.Fatalf("transect %d points south, onto land", a.ID)
		}
	}
	requireNoCrossings(t, fwd)
}

func TestCastShortParts(t *testing.T) {
	land := LandFunc(func(p orb.Point) bool { return p[1] < 0 })
	for _, tc := range []struct {
		name  string
		base  orb.MultiLineString
		chain []float64
	}{
		{"shorter than spacing: one at the midpoint", orb.MultiLineString{{{0, 0}, {30, 0}}}, []float64{15}},
		{"leftover split between the ends", orb.MultiLineString{{{0, 0}, {120, 0}}}, []float64{10, 60, 110}},
		{"zero-length and repeated points ignored", orb.MultiLineString{{{5, 5}}, {{0, 0}, {0, 0}, {100, 0}, {100, 0}}}, []float64{0, 50, 100}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts, err := Cast(tc.base, land, CastOptions{Spacing: 50, Landward: 10, Seaward: 10})
			if err != nil {
				t.Fatal(err)
			}
			if len(ts) != len(tc.chain) {
				t.Fatalf("got %d transects, want %d", len(ts), len(tc.chain))
			}
			for k, tr := range ts {
				if math.Abs(tr.Chainage-tc.chain[k]) > 1e-9 || tr.Azimuth != 0 {
					t.Errorf("transect %d: chainage %g azimuth %g, want %g and 0", k, tr.Chainage, tr.Azimuth, tc.chain[k])
				}
			}
		})
	}
}

func TestCastErrors(t *testing.T) {
	land := LandFunc(func(p orb.Point) bool { return p[1] < 0 })
	line := orb.MultiLineString{{{0, 0}, {100, 0}}}
	ok := CastOptions{Spacing: 50, Landward: 10, Seaward: 10}
	for _, tc := range []struct {
		name string
		base orb.MultiLineString
		land Land
		opt  func(CastOptions) CastOptions
		want string
	}{
		{"empty baseline", nil, land, nil, "empty baseline"},
		{"no length", orb.MultiLineString{{{1, 1}, {1, 1}}, {}}, land, nil, "none of the 2 baseline parts has any length"},
		{"nan vertex", orb.MultiLineString{{{0, 0}, {math.NaN(), 0}}}, land, nil, "baseline part 0: vertex 1: non-finite"},
		{"zero spacing", line, land, func(o CastOptions) CastOptions { o.Spacing = 0; return o }, "spacing 0"},
		{"negative spacing", line, land, func(o CastOptions) CastOptions { o.Spacing = -5; return o }, "spacing -5"},
		{"nan spacing", line, land, func(o CastOptions) CastOptions { o.Spacing = math.NaN(); return o }, "spacing NaN"},
		{"negative landward", line, land, func(o CastOptions) CastOptions { o.Landward = -1; return o }, "landward reach -1"},
		{"zero seaward", line, land, func(o CastOptions) CastOptions { o.Seaward = 0; return o }, "seaward reach 0"},
		{"negative smoothing", line, land, func(o CastOptions) CastOptions { o.Smoothing = -1; return o }, "smoothing -1"},
		{"infinite step", line, land, func(o CastOptions) CastOptions { o.Step = math.Inf(1); return o }, "step +Inf"},
		{"nil land", line, nil, nil, "no land mask"},
		{"open part, no side", line, LandFunc(func(orb.Point) bool { return true }), nil, "baseline part 0: cannot tell the seaward side"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opt := ok
			if tc.opt != nil {
				opt = tc.opt(opt)
			}
			_, err := Cast(tc.base, tc.land, opt)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "cast transects: ") {
				t.Fatalf("got error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestGiven(t *testing.T) {
	lines := []orb.LineString{{{0, 0}, {5, 5}, {0, 100}}, {{10, 100}, {10, 0}}}
	for _, tc := range []struct {
		seaward bool
		want    []Transect
	}{
		{false, []Transect{
			{ID: 1, Origin: orb.Point{0, 0}, End: orb.Point{0, 100}, Azimuth: 0, Part: -1},
			{ID: 2, Origin: orb.Point{10, 100}, End: orb.Point{10, 0}, Azimuth: 180, Part: -1},
		}},
		{true, []Transect{
			{ID: 1, Origin: orb.Point{0, 100}, End: orb.Point{0, 0}, Azimuth: 180, Part: -1},
			{ID: 2, Origin: orb.Point{10, 0}, End: orb.Point{10, 100}, Azimuth: 0, Part: -1},
		}},
	} {
		got, err := Given(lines, tc.seaward)
		if err != nil {
			t.Fatal(err)
		}
		for i := range got {
			if !math.IsNaN(got[i].Chainage) {
				t.Errorf("origin seaward %v: transect %d chainage %g, want NaN", tc.seaward, i, got[i].Chainage)
			}
			got[i].Chainage = 0
			if got[i] != tc.want[i] {
				t.Errorf("origin seaward %v: got %+v, want %+v", tc.seaward, got[i], tc.want[i])
			}
		}
	}
	for _, bad := range [][]orb.LineString{{{{0, 0}}}, {{{1, 1}, {1, 1}}}, {{{0, 0}, {math.Inf(1), 0}}}} {
		if _, err := Given(bad, false); err == nil || !strings.HasPrefix(err.Error(), "given transect 0: ") {
			t.Errorf("Given(%v): error %v", bad, err)
		}
	}
}

func TestCastIsletOffshore(t *testing.T) {
	// A straight mainland coast (land south of y = 0) and an islet of radius 50 m whose
	// shore is 150 m offshore: transects between them stop halfway across the water.
	c := orb.Point{0, 200}
	land := LandFunc(func(p orb.Point) bool { return p[1] < 0 || norm(sub(p, c)) < 50 })
	base := orb.MultiLineString{{{-1000, 0}, {1000, 0}}, ring(c, 50, 180, true)}
	ts, st, err := cast(base, land, CastOptions{Spacing: 25, Landward: 100, Seaward: 300, Smoothing: 2500})
	if err != nil {
		t.Fatal(err)
	}
	requireNoCrossings(t, ts)
	requireSides(t, ts, land, 0.5)
	parts := map[int]int{}
	for k, tr := range ts {
		parts[tr.Part]++
		if tr.ID != k+1 || (k > 0 && tr.Part == ts[k-1].Part && tr.Chainage <= ts[k-1].Chainage) {
			t.Fatalf("transect %d out of order: id %d, part %d, chainage %g", k, tr.ID, tr.Part, tr.Chainage)
		}
		b := tr.At(0)
		if tr.Part == 0 && math.Abs(b[0]) < 1 {
			// Straight at the islet: open water from 0 to 150 m, cut at 75 m less 1 m.
			if got := tr.Length() - tr.Base; math.Abs(got-74) > 0.02 {
				t.Errorf("mainland transect at x=%.1f reaches %.2f m seaward, want 74", b[0], got)
			}
		}
	}
	if parts[0] != 81 || parts[1] != 13 || st.dropped != 0 {
		t.Errorf("got %v transects per part, %+v; want 81 on the mainland and 13 round the islet", parts, st)
	}
}

// TestCastWorkers checks that the transects do not depend on how many goroutines probe
// the land mask.
func TestCastWorkers(t *testing.T) {
	base, land := bay(150)
	var want []Transect
	for _, workers := range []int{1, 2, 3, 8} {
		ts, err := Cast(base, land, CastOptions{Spacing: 10, Landward: 150, Seaward: 150, Smoothing: 100, Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		if want == nil {
			want = ts
			continue
		}
		if !reflect.DeepEqual(ts, want) {
			t.Errorf("%d workers: %d transects differ from one worker's %d", workers, len(ts), len(want))
		}
	}
	if len(want) < 100 {
		t.Fatalf("%d transects: the test needs more than 64 per worker range", len(want))
	}
	if _, err := Cast(base, land, CastOptions{Spacing: 10, Seaward: 150, Workers: -1}); err == nil {
		t.Error("workers -1: no error")
	}
}

// TestCastTooDense: in the bay, transects converge on its centre and cross in pairs that
// grow with the square of their density; MaxCrossings stops Cast before it holds them.
func TestCastTooDense(t *testing.T) {
	base, land := bay(150)
	opt := CastOptions{Spacing: 1, Landward: 200, Seaward: 300}
	_, st, err := cast(base, land, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d transects laid at 1 m, %d cut at crossings", st.laid, st.crossCut)
	opt.MaxCrossings = 1000
	_, err = Cast(base, land, opt)
	if !errors.Is(err, ErrTooDense) || !strings.Contains(err.Error(), "more than 1000 pairs") || !strings.Contains(err.Error(), "at 1 m spacing") {
		t.Errorf("error %v, want ErrTooDense naming the bound and the spacing", err)
	}
	// At the usual spacing the same bound is far from reached.
	opt.Spacing = 25
	if _, err := Cast(base, land, opt); err != nil {
		t.Errorf("25 m spacing with the bound: %v", err)
	}
	opt.MaxCrossings = -1
	if _, err := Cast(base, land, opt); err == nil {
		t.Error("a negative bound was accepted")
	}
}
