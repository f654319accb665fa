package synthetic_test

import (
	"math"
	"reflect"
	"runtime"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/vector/linework"
	"github.com/tasi-gis/tasi/vector/polyindex"
	"github.com/tasi-gis/tasi/vector/synthetic"
)

// tightBends are coasts whose displaced shorelines loop: a 60 m inlet 2 km deep whose
// banks accrete into each other, a 40 m spit 1.5 km long eroding from both sides, and
// 100 m teeth 60 m apart filling in.
func tightBends() []struct {
	name  string
	coast orb.LineString
	land  synthetic.Land
	rate  float64
} {
	inlet := densify(orb.LineString{{0, 0}, {5000, 0}, {5000, -2000}, {5060, -2000}, {5060, 0}, {10000, 0}}, 10)
	spit := densify(orb.LineString{{0, 0}, {5000, 0}, {5000, 1500}, {5040, 1500}, {5040, 0}, {10000, 0}}, 10)
	zigzag, zigzagLand := graph(func(x float64) float64 { return 100 * math.Abs(math.Mod(x, 60)-30) / 30 }, 6000, 5)
	below := func(ls orb.LineString) synthetic.Land {
		return polyindex.New([]orb.MultiPolygon{{{append(orb.Ring(ls.Clone()), orb.Point{10000, -5000}, orb.Point{0, -5000}, orb.Point{0, 0})}}})
	}
	return []struct {
		name  string
		coast orb.LineString
		land  synthetic.Land
		rate  float64
	}{
		{"inlet closing", inlet, below(inlet), 3},
		{"spit eroding", spit, below(spit), -3},
		{"zigzag filling", zigzag, zigzagLand, 3},
	}
}

func TestKeepLoopsCrossesItself(t *testing.T) {
	for _, tc := range tightBends() {
		t.Run(tc.name, func(t *testing.T) {
			coast := orb.MultiLineString{tc.coast}
			for _, keep := range []bool{false, true} {
				opt := noisy(4)
				opt.KeepLoops = keep
				got, err := synthetic.Generate(coast, tc.land, constant(tc.rate), opt)
				if err != nil {
					t.Fatal(err)
				}
				looping := 0
				for _, sl := range got {
					if _, n := linework.SelfCrossings(sl.Geometry, 0); n > 0 {
						looping++
					}
				}
				switch {
				case keep && looping == 0:
					t.Errorf("KeepLoops: none of %d shorelines crosses itself", len(got))
				case !keep && looping > 0:
					t.Errorf("default: %d of %d shorelines cross themselves", looping, len(got))
				}
				t.Logf("KeepLoops %v: %d of %d shorelines cross themselves", keep, looping, len(got))
			}
		})
	}
}

func TestKeepLoopsDeterministic(t *testing.T) {
	tc := tightBends()[0]
	coast := orb.MultiLineString{tc.coast}
	opt := noisy(42)
	opt.KeepLoops = true
	a, err := synthetic.Generate(coast, tc.land, constant(tc.rate), opt)
	if err != nil {
		t.Fatal(err)
	}
	procs := runtime.GOMAXPROCS(1) // a different number of workers must not matter
	b, err := synthetic.Generate(coast, tc.land, constant(tc.rate), opt)
	runtime.GOMAXPROCS(procs)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Error("same seed, different shorelines")
	}
	opt.Seed = 43
	c, err := synthetic.Generate(coast, tc.land, constant(tc.rate), opt)
	if err != nil {
		t.Fatal(err)
	}
	if reflect.DeepEqual(a, c) {
		t.Error("different seeds, same shorelines")
	}
}

// TestKeepLoopsWithoutLoops checks that KeepLoops changes nothing where the displacement
// makes no loop: a straight coast and a gently curved island, noise, gaps and all.
func TestKeepLoopsWithoutLoops(t *testing.T) {
	line, lineLand := straight(orb.Point{712345.5, 8956789.25}, 0.4, 20000, 25)
	ring, disc := circle(orb.Point{500000, 9000000}, 3000, 900, false)
	for _, tc := range []struct {
		name  string
		coast orb.LineString
		land  synthetic.Land
	}{{"straight", line, lineLand}, {"island", ring, disc}} {
		t.Run(tc.name, func(t *testing.T) {
			opt := noisy(8)
			cut, err := synthetic.Generate(orb.MultiLineString{tc.coast}, tc.land, constant(-1.5), opt)
			if err != nil {
				t.Fatal(err)
			}
			opt.KeepLoops = true
			kept, err := synthetic.Generate(orb.MultiLineString{tc.coast}, tc.land, constant(-1.5), opt)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(cut, kept) {
				t.Error("KeepLoops changed shorelines without loops")
			}
		})
	}
}

func TestKeepLoopsStillDropsAndGaps(t *testing.T) {
	// An islet of 60 m radius eroding at 3 m/yr turns inside out after 20 years: it is
	// dropped with loops kept too.
	ring, disc := circle(orb.Point{0, 0}, 60, 40, false)
	opt := quiet(1)
	opt.KeepLoops = true
	got, err := synthetic.Generate(orb.MultiLineString{ring}, disc, constant(-3), opt)
	if err != nil {
		t.Fatal(err)
	}
	for _, sl := range got {
		if gone := years(sl.Date) > 20.5; gone != (len(sl.Geometry) == 0) {
			t.Errorf("%s: islet of radius %.0f m has %d lines", sl.Date.Format(time.DateOnly), 60-3*years(sl.Date), len(sl.Geometry))
		}
	}

	// Cloud gaps remove their share of the looping zigzag's length.
	tc := tightBends()[2]
	for _, frac := range []float64{0.1, 0.3} {
		opt := noisy(11)
		opt.KeepLoops, opt.CloudGap = true, 0
		clear, err := synthetic.Generate(orb.MultiLineString{tc.coast}, tc.land, constant(tc.rate), opt)
		if err != nil {
			t.Fatal(err)
		}
		opt.CloudGap = frac
		cloudy, err := synthetic.Generate(orb.MultiLineString{tc.coast}, tc.land, constant(tc.rate), opt)
		if err != nil {
			t.Fatal(err)
		}
		var removed float64
		for k := range cloudy {
			removed += 1 - totalLength(cloudy[k].Geometry)/totalLength(clear[k].Geometry)
		}
		if removed /= float64(len(cloudy)); math.Abs(removed-frac) > 0.02 {
			t.Errorf("gaps of %v removed %.4f of the length", frac, removed)
		}
	}
}

// TestKeepLoopsLinesCrossEachOther: an islet 40 m off a straight coast, both accreting
// 2 m/yr, meets the coast's shoreline after ten years. With loops kept the two lines then
// cross, and the islet's ring stays whole.
func TestKeepLoopsLinesCrossEachOther(t *testing.T) {
	coast, south := straight(orb.Point{-3000, 0}, 0, 6000, 20)
	islet, disc := circle(orb.Point{0, 190}, 150, 48, false)
	land := landFunc(func(p orb.Point) bool { return south(p) || disc(p) })
	opt := quiet(5)
	opt.KeepLoops = true
	got, err := synthetic.Generate(orb.MultiLineString{coast, islet}, land, constant(2), opt)
	if err != nil {
		t.Fatal(err)
	}
	for _, sl := range got {
		if len(sl.Geometry) != 2 {
			t.Fatalf("%s: %d lines, want the coast and the islet", sl.Date.Format(time.DateOnly), len(sl.Geometry))
		}
		ring := sl.Geometry[1]
		if ring[0] != ring[len(ring)-1] {
			t.Errorf("%s: islet ring opened", sl.Date.Format(time.DateOnly))
		}
		_, n := linework.SelfCrossings(sl.Geometry, 0)
		if joined := years(sl.Date) > 10; joined != (n > 0) {
			t.Errorf("%s, %.1f years: %d crossings", sl.Date.Format(time.DateOnly), years(sl.Date), n)
		}
	}
}
