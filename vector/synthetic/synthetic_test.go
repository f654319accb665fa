package synthetic_test

import (
	"math"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/vector/polyindex"
	"github.com/tasi-gis/tasi/vector/synthetic"
)

func constant(r float64) synthetic.RateField { return func(orb.Point) float64 { return r } }

// quiet are options without noise, gaps or seasons.
func quiet(seed uint64) synthetic.Options {
	return synthetic.Options{Seed: seed, Start: start, End: end, PerYear: 1, Uncertainty: [2]float64{10, 10}}
}

// noisy are options with everything on.
func noisy(seed uint64) synthetic.Options {
	return synthetic.Options{
		Seed: seed, Start: start, End: end, PerYear: 2,
		Noise: 8, NoiseLength: 500, Uncertainty: [2]float64{5, 15},
		CloudGap: 0.2, GapLength: 1500, Seasonal: 5,
	}
}

func TestStraightCoastMovesByRateTimesTime(t *testing.T) {
	tests := []struct {
		name     string
		angle    float64 // direction the line is drawn in
		reversed bool    // drawn the other way, land still on the same side
		rate     float64
	}{
		{"east, accreting", 0, false, 0.7},
		{"east, eroding", 0, false, -2.5},
		{"drawn west", 0, true, 1.3},
		{"oblique far from origin", 0.645, false, -1.1},
		{"oblique drawn back", 2.2, true, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			origin := orb.Point{712345.5, 8956789.25} // UTM 51S-like coordinates
			ls, land := straight(origin, tt.angle, 10000, 20)
			if tt.reversed {
				ls.Reverse()
			}
			got, err := synthetic.Generate(orb.MultiLineString{ls}, land, constant(tt.rate), quiet(1))
			if err != nil {
				t.Fatal(err)
			}
			dir := orb.Point{math.Cos(tt.angle), math.Sin(tt.angle)}
			sea := orb.Point{-dir[1], dir[0]} // land is on the right
			for _, sl := range got {
				want := tt.rate * years(sl.Date)
				if len(sl.Geometry) != 1 || len(sl.Geometry[0]) != len(ls) {
					t.Fatalf("%s: got %d lines, want 1 of %d vertices", sl.Date.Format(time.DateOnly), len(sl.Geometry), len(ls))
				}
				for _, q := range sl.Geometry[0] {
					v := orb.Point{q[0] - origin[0], q[1] - origin[1]}
					across := v[0]*sea[0] + v[1]*sea[1]
					along := v[0]*dir[0] + v[1]*dir[1]
					if math.Abs(across-want) > 1e-6 {
						t.Fatalf("%s: vertex %v moved %.9f m seaward, want %.9f", sl.Date.Format(time.DateOnly), q, across, want)
					}
					if k := math.Round(along / 20); math.Abs(along-20*k) > 1e-6 {
						t.Fatalf("%s: vertex %v slid %.9f m along shore", sl.Date.Format(time.DateOnly), q, along-20*k)
					}
				}
			}
		})
	}
}

func meanRadius(ls orb.LineString, c orb.Point) float64 {
	pts := ls
	if len(ls) > 1 && ls[0] == ls[len(ls)-1] {
		pts = ls[:len(ls)-1]
	}
	var sum float64
	for _, p := range pts {
		sum += math.Hypot(p[0]-c[0], p[1]-c[1])
	}
	return sum / float64(len(pts))
}

func TestIslandRadiusChangesByRate(t *testing.T) {
	c := orb.Point{500000, 9000000}
	for _, tt := range []struct {
		name string
		rate float64
		cw   bool
	}{
		{"eroding, counter-clockwise", -1, false},
		{"eroding, clockwise", -1, true},
		{"accreting, clockwise", 1.5, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ring, land := circle(c, 3000, 900, tt.cw)
			coast := orb.MultiLineString{ring}
			exact, err := synthetic.Generate(coast, land, constant(tt.rate), quiet(7))
			if err != nil {
				t.Fatal(err)
			}
			for _, sl := range exact {
				if len(sl.Geometry) != 1 || sl.Geometry[0][0] != sl.Geometry[0][len(sl.Geometry[0])-1] {
					t.Fatalf("%s: want one closed ring, got %d lines", sl.Date.Format(time.DateOnly), len(sl.Geometry))
				}
				if got, want := meanRadius(sl.Geometry[0], c), 3000+tt.rate*years(sl.Date); math.Abs(got-want) > 1e-6 {
					t.Fatalf("%s: mean radius %.9f, want %.9f", sl.Date.Format(time.DateOnly), got, want)
				}
			}
			// With noise and seasons the mean radius still follows the rate: fit its slope.
			opt := noisy(7)
			opt.CloudGap = 0
			got, err := synthetic.Generate(coast, land, constant(tt.rate), opt)
			if err != nil {
				t.Fatal(err)
			}
			var st, sr, stt, str float64
			for _, sl := range got {
				y, r := years(sl.Date), meanRadius(sl.Geometry[0], c)
				st, sr, stt, str = st+y, sr+r, stt+y*y, str+y*r
			}
			n := float64(len(got))
			slope := (str - st*sr/n) / (stt - st*st/n)
			if math.Abs(slope-tt.rate) > 0.05 {
				t.Errorf("mean radius changes by %.3f m/yr, want %.3f", slope, tt.rate)
			}
		})
	}
}

func TestDeterministic(t *testing.T) {
	ls, land := graph(func(x float64) float64 { return 300*math.Sin(x/500) + 60*math.Sin(x/37) }, 20000, 10)
	coast := orb.MultiLineString{ls}
	rate := synthetic.DefaultRateField(coast.Bound(), 3, orb.Point{8000, 0})
	a, err := synthetic.Generate(coast, land, rate, noisy(42))
	if err != nil {
		t.Fatal(err)
	}
	procs := runtime.GOMAXPROCS(1) // a different number of workers must not matter
	b, err := synthetic.Generate(coast, land, rate, noisy(42))
	runtime.GOMAXPROCS(procs)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Error("same seed, different shorelines")
	}
	c, err := synthetic.Generate(coast, land, rate, noisy(43))
	if err != nil {
		t.Fatal(err)
	}
	if reflect.DeepEqual(a, c) || a[0].Date.Equal(c[0].Date) && reflect.DeepEqual(a[0].Geometry, c[0].Geometry) {
		t.Error("different seeds, same shorelines")
	}
	if r1, r2 := synthetic.DefaultRateField(coast.Bound(), 3), synthetic.DefaultRateField(coast.Bound(), 4); r1(orb.Point{5000, 0}) == r2(orb.Point{5000, 0}) {
		t.Error("different seeds, same rate field")
	}
}

func TestShorelineCountAndDates(t *testing.T) {
	ls, land := straight(orb.Point{0, 0}, 0, 2000, 50)
	span := end.Sub(start).Hours() / 24 / 365.242199
	for _, perYear := range []float64{0.5, 1, 2.5, 3} {
		opt := noisy(9)
		opt.PerYear = perYear
		got, err := synthetic.Generate(orb.MultiLineString{ls}, land, constant(0), opt)
		if err != nil {
			t.Fatal(err)
		}
		if want := int(math.Round(perYear * span)); len(got) != want {
			t.Errorf("%v per year: %d shorelines, want %d", perYear, len(got), want)
		}
		perDecade := map[int]int{}
		for i, sl := range got {
			if sl.Date.Before(start) || sl.Date.After(end) || i > 0 && !sl.Date.After(got[i-1].Date) {
				t.Fatalf("%v per year: date %d %s out of order or range", perYear, i, sl.Date)
			}
			if sl.Uncertainty < 5 || sl.Uncertainty > 15 {
				t.Fatalf("uncertainty %v outside [5, 15]", sl.Uncertainty)
			}
			perDecade[(sl.Date.Year()-1987)/10]++
		}
		for d := range 3 { // whole decades get their share of scenes
			if want := perYear * 10; math.Abs(float64(perDecade[d])-want) > 1 {
				t.Errorf("%v per year: %d shorelines in decade %d, want %v", perYear, perDecade[d], d, want)
			}
		}
	}
}

func TestCloudGapsRemoveFraction(t *testing.T) {
	line, lineLand := straight(orb.Point{0, 0}, 0.3, 40000, 25)
	ring, ringLand := circle(orb.Point{0, 0}, 5000, 1200, false)
	wavy, wavyLand := graph(func(x float64) float64 { return 200 * math.Sin(x/700) }, 30000, 15)
	for _, tc := range []struct {
		name  string
		coast orb.MultiLineString
		land  synthetic.Land
	}{
		{"straight", orb.MultiLineString{line}, lineLand},
		{"island", orb.MultiLineString{ring}, ringLand},
		{"wavy", orb.MultiLineString{wavy}, wavyLand},
	} {
		for _, frac := range []float64{0.05, 0.25, 0.5} {
			opt := noisy(11)
			opt.CloudGap = 0
			clear, err := synthetic.Generate(tc.coast, tc.land, constant(-0.5), opt)
			if err != nil {
				t.Fatal(err)
			}
			opt.CloudGap = frac
			cloudy, err := synthetic.Generate(tc.coast, tc.land, constant(-0.5), opt)
			if err != nil {
				t.Fatal(err)
			}
			var removed, lines float64
			for k := range cloudy {
				removed += 1 - totalLength(cloudy[k].Geometry)/totalLength(clear[k].Geometry)
				lines += float64(len(cloudy[k].Geometry))
			}
			removed /= float64(len(cloudy))
			lines /= float64(len(cloudy))
			if math.Abs(removed-frac) > 0.01 {
				t.Errorf("%s, %v: removed %.4f of the length, want %v", tc.name, frac, removed, frac)
			}
			// Gaps of 1.5 km on average: stretches, not confetti.
			if want := frac * totalLength(tc.coast) / 1500; lines > want+2 {
				t.Errorf("%s, %v: %.1f lines per shoreline, want about %.1f", tc.name, frac, lines, want)
			}
		}
	}
}

func TestNoiseScalesWithUncertainty(t *testing.T) {
	ls, land := straight(orb.Point{0, 0}, 0, 100000, 25)
	opt := noisy(5)
	opt.CloudGap, opt.Seasonal = 0, 0
	got, err := synthetic.Generate(orb.MultiLineString{ls}, land, constant(0), opt)
	if err != nil {
		t.Fatal(err)
	}
	var ratio, corr float64
	for _, sl := range got {
		// Sea is to the left of the eastward line: the offset is y.
		pts := sl.Geometry[0]
		var ss float64
		for _, p := range pts {
			ss += p[1] * p[1]
		}
		ratio += math.Sqrt(ss/float64(len(pts))) / (8 * sl.Uncertainty / 10)
		var c float64 // correlation at one correlation length (20 vertices of 25 m)
		for i := 20; i < len(pts); i++ {
			c += pts[i][1] * pts[i-20][1]
		}
		corr += c / float64(len(pts)-20) / (ss / float64(len(pts)))
	}
	ratio /= float64(len(got))
	corr /= float64(len(got))
	if math.Abs(ratio-1) > 0.05 {
		t.Errorf("noise std / (Noise·u/ū) = %.3f, want 1", ratio)
	}
	if math.Abs(corr-math.Exp(-1)) > 0.05 {
		t.Errorf("noise correlation at NoiseLength = %.3f, want %.3f", corr, math.Exp(-1))
	}
}

func TestNoLineCrossesItself(t *testing.T) {
	wiggly, wigglyLand := graph(func(x float64) float64 {
		return 300*math.Sin(x/400) + 80*math.Sin(x/37) + 20*math.Sin(x/9)
	}, 20000, 8)
	zigzag, zigzagLand := graph(func(x float64) float64 { // 100 m teeth, 60 m apart
		return 100 * math.Abs(math.Mod(x, 60)-30) / 30
	}, 6000, 5)
	starRing, starLand := star(2000, 0.45, 9, 2000)
	// A 60 m wide inlet 2 km deep, and a 40 m wide spit 1.5 km long.
	inletPath := densify(orb.LineString{{0, 0}, {5000, 0}, {5000, -2000}, {5060, -2000}, {5060, 0}, {10000, 0}}, 10)
	inletLand := polyindex.New([]orb.MultiPolygon{{{append(orb.Ring(inletPath.Clone()), orb.Point{10000, -5000}, orb.Point{0, -5000}, orb.Point{0, 0})}}})
	spitPath := densify(orb.LineString{{0, 0}, {5000, 0}, {5000, 1500}, {5040, 1500}, {5040, 0}, {10000, 0}}, 10)
	spitLand := polyindex.New([]orb.MultiPolygon{{{append(orb.Ring(spitPath.Clone()), orb.Point{10000, -5000}, orb.Point{0, -5000}, orb.Point{0, 0})}}})
	coasts := []struct {
		name  string
		coast orb.LineString
		land  synthetic.Land
	}{
		{"wiggly", wiggly, wigglyLand},
		{"zigzag", zigzag, zigzagLand},
		{"star island", starRing, starLand},
		{"inlet", inletPath, inletLand},
		{"spit", spitPath, spitLand},
	}
	for _, tc := range coasts {
		coast := orb.MultiLineString{tc.coast}
		for _, rate := range []struct {
			name string
			f    synthetic.RateField
		}{
			{"+3", constant(3)},
			{"-3", constant(-3)},
			{"default", synthetic.DefaultRateField(coast.Bound(), 1)},
		} {
			t.Run(tc.name+" "+rate.name, func(t *testing.T) {
				for _, opt := range []synthetic.Options{quiet(2), noisy(2)} {
					got, err := synthetic.Generate(coast, tc.land, rate.f, opt)
					if err != nil {
						t.Fatal(err)
					}
					for _, sl := range got {
						requireSimple(t, sl.Geometry, 20)
					}
				}
			})
		}
	}
}

func TestLoopsAreCut(t *testing.T) {
	// Accreting banks of a 60 m inlet meet after 20 years: the inlet closes.
	path := densify(orb.LineString{{0, 0}, {5000, 0}, {5000, -2000}, {5060, -2000}, {5060, 0}, {10000, 0}}, 10)
	land := polyindex.New([]orb.MultiPolygon{{{append(orb.Ring(path.Clone()), orb.Point{10000, -5000}, orb.Point{0, -5000}, orb.Point{0, 0})}}})
	got, err := synthetic.Generate(orb.MultiLineString{path}, land, constant(3), quiet(1))
	if err != nil {
		t.Fatal(err)
	}
	last := got[len(got)-1]
	if n := len(last.Geometry); n != 1 {
		t.Fatalf("%d lines, want 1", n)
	}
	minY := math.Inf(1)
	for _, p := range last.Geometry[0] {
		minY = math.Min(minY, p[1])
	}
	// The mouth closes about 10 m inside; smoothed normals at the mouth corners let the
	// closure sit a little deeper, but far from the 2 km of the open inlet.
	if minY < -200 {
		t.Errorf("after %.0f years the inlet still reaches y = %.0f", years(last.Date), minY)
	}
	if y := lineLength(last.Geometry[0]); y > 10500 {
		t.Errorf("closed-inlet shoreline is %.0f m long, want about 10 km", y)
	}

	// An islet of 60 m radius eroding at 3 m/yr is gone after 20 years.
	ring, disc := circle(orb.Point{0, 0}, 60, 40, false)
	got, err = synthetic.Generate(orb.MultiLineString{ring}, disc, constant(-3), quiet(1))
	if err != nil {
		t.Fatal(err)
	}
	for _, sl := range got {
		if gone := years(sl.Date) > 20.5; gone != (len(sl.Geometry) == 0) {
			t.Errorf("%s: islet of radius %.0f m has %d lines", sl.Date.Format(time.DateOnly), 60-3*years(sl.Date), len(sl.Geometry))
		}
	}
}

func TestLinesMeetingEndToEndAreJoined(t *testing.T) {
	c := orb.Point{1000, 2000}
	ring, land := circle(c, 2500, 600, false)
	// Five arcs, every other one drawn backwards, in shuffled order.
	var parts orb.MultiLineString
	for _, k := range []int{3, 0, 4, 1, 2} {
		arc := ring[k*120 : (k+1)*120+1].Clone()
		if k%2 == 1 {
			arc.Reverse()
		}
		parts = append(parts, arc)
	}
	line, lineLand := straight(orb.Point{0, 50000}, 0, 9000, 30)
	mid := line[100:201].Clone()
	mid.Reverse()
	parts = append(parts, line[200:].Clone(), line[:101].Clone(), mid)
	both := landFunc(func(p orb.Point) bool { return land(p) || p[1] > 40000 && lineLand(p) })
	got, err := synthetic.Generate(parts, both, constant(-1), quiet(3))
	if err != nil {
		t.Fatal(err)
	}
	for _, sl := range got {
		g := sl.Geometry
		if len(g) != 2 {
			t.Fatalf("%d lines, want the ring and the line", len(g))
		}
		if g[0][0] != g[0][len(g[0])-1] || len(g[0]) != 601 {
			t.Fatalf("ring not closed or %d vertices, want 601", len(g[0]))
		}
		if got, want := meanRadius(g[0], c), 2500-years(sl.Date); math.Abs(got-want) > 1e-6 {
			t.Fatalf("mean radius %.9f, want %.9f", got, want)
		}
		if len(g[1]) != len(line) {
			t.Fatalf("line has %d vertices, want %d", len(g[1]), len(line))
		}
		for _, p := range g[1] {
			if math.Abs(p[1]-(50000-years(sl.Date))) > 1e-6 { // land to the south, eroding
				t.Fatalf("line vertex %v, want y = %.6f", p, 50000-years(sl.Date))
			}
		}
	}
}

func TestSeawardSideFromLand(t *testing.T) {
	// The same line with land on either side moves the opposite way.
	ls, south := straight(orb.Point{0, 0}, 0, 5000, 50)
	north := landFunc(func(p orb.Point) bool { return !south(p) })
	for _, tc := range []struct {
		land synthetic.Land
		sign float64
	}{{south, 1}, {north, -1}} {
		got, err := synthetic.Generate(orb.MultiLineString{ls}, tc.land, constant(2), quiet(1))
		if err != nil {
			t.Fatal(err)
		}
		last := got[len(got)-1]
		if y, want := last.Geometry[0][0][1], tc.sign*2*years(last.Date); math.Abs(y-want) > 1e-6 {
			t.Errorf("y = %v, want %v", y, want)
		}
	}
}

func TestOptionsErrors(t *testing.T) {
	ls, land := straight(orb.Point{0, 0}, 0, 5000, 50)
	coast := orb.MultiLineString{ls}
	tests := []struct {
		name   string
		change func(*synthetic.Options)
		land   synthetic.Land
		rate   synthetic.RateField
		coast  orb.MultiLineString
		want   string
	}{
		{"end before start", func(o *synthetic.Options) { o.End = o.Start.AddDate(-1, 0, 0) }, land, constant(1), coast, "not after start"},
		{"no scenes", func(o *synthetic.Options) { o.PerYear = 0 }, land, constant(1), coast, "shorelines per year"},
		{"too few years", func(o *synthetic.Options) { o.PerYear = 0.01 }, land, constant(1), coast, "makes none"},
		{"too many scenes", func(o *synthetic.Options) { o.PerYear = 400 }, land, constant(1), coast, "do not fit"},
		{"negative noise", func(o *synthetic.Options) { o.Noise = -1 }, land, constant(1), coast, "noise"},
		{"noise without length", func(o *synthetic.Options) { o.NoiseLength = 0 }, land, constant(1), coast, "correlation length"},
		{"zero uncertainty", func(o *synthetic.Options) { o.Uncertainty = [2]float64{0, 10} }, land, constant(1), coast, "uncertainty"},
		{"reversed uncertainty", func(o *synthetic.Options) { o.Uncertainty = [2]float64{10, 5} }, land, constant(1), coast, "uncertainty"},
		{"too cloudy", func(o *synthetic.Options) { o.CloudGap = 0.6 }, land, constant(1), coast, "cloud gap"},
		{"negative season", func(o *synthetic.Options) { o.Seasonal = -1 }, land, constant(1), coast, "seasonal"},
		{"negative smoothing", func(o *synthetic.Options) { o.Smoothing = -1 }, land, constant(1), coast, "smoothing"},
		{"no land", nil, nil, constant(1), coast, "no land"},
		{"no rate", nil, land, nil, coast, "no rate"},
		{"NaN rate", nil, land, constant(math.NaN()), coast, "is NaN"},
		{"empty coast", nil, land, constant(1), orb.MultiLineString{{{1, 1}, {1, 1}}}, "no line"},
		{"all sea", nil, landFunc(func(orb.Point) bool { return false }), constant(1), coast, "seaward side"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opt := noisy(1)
			if tt.change != nil {
				tt.change(&opt)
			}
			_, err := synthetic.Generate(tt.coast, tt.land, tt.rate, opt)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "generate shorelines: ") {
				t.Errorf("got error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestDefaultRateField(t *testing.T) {
	bound := orb.Bound{Min: orb.Point{640000, 8890000}, Max: orb.Point{990000, 9110000}}
	towns := []orb.Point{{780000, 9050000}, {900000, 9000000}}
	for seed := range uint64(20) {
		f := synthetic.DefaultRateField(bound, seed, towns...)
		lo, hi := math.Inf(1), math.Inf(-1)
		for x := bound.Min[0]; x <= bound.Max[0]; x += 1000 {
			for y := bound.Min[1]; y <= bound.Max[1]; y += 1000 {
				r := f(orb.Point{x, y})
				lo, hi = math.Min(lo, r), math.Max(hi, r)
			}
		}
		if lo < -3 || hi > 1.5 || hi-lo < 2 {
			t.Errorf("seed %d: rates in [%.2f, %.2f], want a spread within [-3, 1.5]", seed, lo, hi)
		}
		for _, c := range towns {
			if r := synthetic.Truth(f, c); r > -2 || r < -3 {
				t.Errorf("seed %d: rate %.2f at hotspot %v, want -3..-2", seed, r, c)
			}
		}
		// Smooth: under 0.02 m/yr change per 100 m away from hotspots.
		p := orb.Point{700000, 8900000}
		if d := math.Abs(f(p) - f(orb.Point{p[0] + 100, p[1]})); d > 0.02 {
			t.Errorf("seed %d: rate changes %.3f m/yr over 100 m", seed, d)
		}
	}
}

func TestIsletJoiningTheCoastIsCut(t *testing.T) {
	// An islet of 150 m radius 40 m off a straight coast; both accrete 2 m/yr, so their
	// shorelines would overlap after ten years.
	coast, south := straight(orb.Point{-3000, 0}, 0, 6000, 20)
	islet, disc := circle(orb.Point{0, 190}, 150, 48, false)
	land := landFunc(func(p orb.Point) bool { return south(p) || disc(p) })
	got, err := synthetic.Generate(orb.MultiLineString{coast, islet}, land, constant(2), quiet(5))
	if err != nil {
		t.Fatal(err)
	}
	for _, sl := range got {
		requireSimple(t, sl.Geometry, 20)
		joined := years(sl.Date) > 10 // 40 m closed from both sides at 2 m/yr
		if ring := sl.Geometry[len(sl.Geometry)-1]; joined == (ring[0] == ring[len(ring)-1]) {
			t.Errorf("%s, %.1f years: islet closed is %v", sl.Date.Format(time.DateOnly), years(sl.Date), !joined)
		}
	}
}
