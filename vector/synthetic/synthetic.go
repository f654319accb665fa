package synthetic

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"time"

	"github.com/paulmach/orb"
)

// DaysPerYear is the length of a year in Generate's rate·time product: the tropical year
// DSAS decimal years are built on.
const DaysPerYear = 365.242199

// Defaults for the Options fields that may be left zero.
const (
	DefaultSmoothing = 300.0  // metres of coast over which normals are smoothed
	DefaultGapLength = 5000.0 // mean length (m) of one cloud gap
	DefaultProbe     = 25.0   // metres from the coast of the first land/sea probe
)

// Land tells land from sea; Generate asks it on both sides of the coast to find the
// seaward side, a few thousand times for the coast of Timor-Leste. It has the shape of
// the interface package transect uses, so one value serves both; a polyindex.Index of the
// land or admin polygons is one.
type Land interface {
	// Contains reports whether p is on land.
	Contains(p orb.Point) bool
}

// RateField gives the true long-term rate (m/yr, positive = accretion/seaward) at a point
// on the reference coast. It must be deterministic and safe for concurrent use.
type RateField func(p orb.Point) float64

// Truth returns the true rate (m/yr, positive seaward) at p: the rate Generate moved the
// reference coast by at p, which is what the demo compares the recovered rates against.
// Give it a point on (or within a few hundred metres of) the reference coast, such as a
// transect origin. Generate moves the coast along its normal smoothed over
// Options.Smoothing; a transect at an angle θ to that normal sees the same shift stretched
// by about 1/cos θ on a straight stretch.
func Truth(rate RateField, p orb.Point) float64 { return rate(p) }

// Options control Generate. Zero values of Smoothing, GapLength and Probe select their
// defaults; the other fields are used as given.
type Options struct {
	Seed       uint64    // everything random derives from it
	Start, End time.Time // the time span; displacement is zero at Start
	// PerYear is the mean number of shorelines per year (Landsat-like: 1–3). Generate makes
	// round(PerYear·years) shorelines, one on a random day in each of as many equal slices
	// of [Start, End].
	PerYear float64
	// Noise is the mean standard deviation (m) of the positional noise, and NoiseLength
	// (m) its along-shore correlation length: correlation exp(−(d/NoiseLength)²) at an
	// along-shore distance d. Each shoreline's noise is scaled by its uncertainty over the
	// mean of the Uncertainty range, so 1/u² weights are inverse-variance weights.
	Noise, NoiseLength float64
	// Uncertainty is the range (m) each shoreline's uncertainty is drawn from, uniformly;
	// 0 < Uncertainty[0] ≤ Uncertainty[1].
	Uncertainty [2]float64
	// CloudGap is the fraction (0 to 0.5) of each shoreline removed by cloud gaps, in
	// contiguous stretches of mean length GapLength (m).
	CloudGap, GapLength float64
	// Seasonal is the amplitude (m) of a yearly cycle of the shoreline, the same along the
	// whole coast, with a phase drawn from the seed; 0 for none.
	Seasonal float64
	// Smoothing is the along-shore window (m) over which the normals the coast is moved
	// along are smoothed, so that small wiggles do not scatter the displacement. A transect
	// at an angle to these normals measures a slightly different rate, so when comparing
	// with an analysis, set it to the analysis's baseline smoothing (DSAS: 2500 m).
	Smoothing float64
	// Probe is the distance (m) from the coast of the first pair of land/sea probes that
	// find the seaward side; farther pairs (2, 4, 8 times) are tried where it is ambiguous.
	Probe float64
	// KeepLoops keeps the loops the displacement makes where the coast bends tighter than
	// the shift (the inside of a bend, an inlet that closes, two coasts that meet), as
	// real satellite-derived shorelines have them at river mouths, rocks and surf: lines
	// may then cross themselves and each other. Without it (the default) the loops are
	// cut and lines of different coast lines kept apart, so that no line crosses itself
	// or another. Either way a ring that would turn inside out (an islet eroded away) is
	// dropped and cloud gaps are cut out after, and the output depends only on the seed.
	KeepLoops bool
}

// Shoreline is one synthetic dated shoreline in the coast's CRS.
type Shoreline struct {
	Date        time.Time
	Uncertainty float64 // metres, > 0
	// Geometry is the shoreline, one line per visible stretch, in the order of the coast;
	// a coast ring without a cloud gap stays closed (last point equal to the first). No
	// line crosses or touches itself or another, unless Options.KeepLoops is set.
	Geometry orb.MultiLineString
}

// Generate returns synthetic dated shorelines, sorted by date, made by moving the
// reference coast along its seaward normals.
//
// Coast lines that meet end to end (as the COD-AB coastline does at every suco boundary)
// are joined first, whatever their orientation, so the normals and the noise run on
// across the joints. For each joined line, land is probed on both sides at points every
// 250 m and the side more often found to be sea is seaward. Normals are averaged over
// Options.Smoothing of coast (less on hairpin bends). A vertex p of the coast is moved by
//
//	rate(p)·(t − Start) + seasonal(t) + noise(p, t)
//
// metres along its normal, with t − Start in years of DaysPerYear days. Where that makes a
// line cross itself (the inside of a bend, an inlet that closes) the loop is cut at the
// crossing, unless Options.KeepLoops is set, and a ring that would turn inside out (an
// islet eroded away) is dropped. Cloud gaps then remove Options.CloudGap of the length in
// stretches. Where lines of different coast lines meet (an islet joining the coast), the
// shorter loses the segments where they do, unless Options.KeepLoops is set.
func Generate(coast orb.MultiLineString, land Land, rate RateField, opt Options) ([]Shoreline, error) {
	if land == nil {
		return nil, errors.New("generate shorelines: no land to tell the seaward side")
	}
	if rate == nil {
		return nil, errors.New("generate shorelines: no rate field")
	}
	opt, err := opt.check()
	if err != nil {
		return nil, fmt.Errorf("generate shorelines: %w", err)
	}
	chains := buildChains(coast)
	if len(chains) == 0 {
		return nil, errors.New("generate shorelines: coast has no line with two distinct points")
	}
	var total float64
	for _, c := range chains {
		c.offset = total
		total += c.length
		c.smoothNormals(opt.Smoothing)
		if err := c.orientSeaward(land, opt.Probe); err != nil {
			return nil, fmt.Errorf("generate shorelines: %w", err)
		}
		c.rate = make([]float64, len(c.pts))
		for i, p := range c.pts {
			r := rate(p)
			if math.IsNaN(r) || math.IsInf(r, 0) {
				return nil, fmt.Errorf("generate shorelines: rate at (%.1f, %.1f) is %v", p[0], p[1], r)
			}
			c.rate[i] = r
		}
		if opt.Noise > 0 {
			c.prepareNoise(opt.NoiseLength)
		}
		c.prepareIndex()
	}

	scenes, err := opt.scenes()
	if err != nil {
		return nil, fmt.Errorf("generate shorelines: %w", err)
	}
	out := make([]Shoreline, len(scenes))
	workers := min(runtime.GOMAXPROCS(0), len(out))
	var wg sync.WaitGroup
	next := make(chan int)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var w worker
			for k := range next {
				out[k] = w.shoreline(chains, total, &opt, scenes[k])
			}
		}()
	}
	for k := range out {
		next <- k
	}
	close(next)
	wg.Wait()
	return out, nil
}

// check validates opt and fills in defaults.
func (opt Options) check() (Options, error) {
	if !opt.End.After(opt.Start) {
		return opt, fmt.Errorf("options: end %s is not after start %s", opt.End.Format(time.DateOnly), opt.Start.Format(time.DateOnly))
	}
	if !(opt.PerYear > 0) || math.IsInf(opt.PerYear, 0) {
		return opt, fmt.Errorf("options: %v shorelines per year, want > 0", opt.PerYear)
	}
	if !(opt.Noise >= 0) || math.IsInf(opt.Noise, 0) {
		return opt, fmt.Errorf("options: noise %v m, want ≥ 0", opt.Noise)
	}
	if opt.Noise > 0 && (!(opt.NoiseLength > 0) || math.IsInf(opt.NoiseLength, 0)) {
		return opt, fmt.Errorf("options: noise correlation length %v m, want > 0", opt.NoiseLength)
	}
	if u := opt.Uncertainty; !(u[0] > 0) || !(u[1] >= u[0]) || math.IsInf(u[1], 0) {
		return opt, fmt.Errorf("options: uncertainty range [%v, %v] m, want 0 < low ≤ high", u[0], u[1])
	}
	if !(opt.CloudGap >= 0 && opt.CloudGap <= 0.5) {
		return opt, fmt.Errorf("options: cloud gap fraction %v outside [0, 0.5]", opt.CloudGap)
	}
	if !(opt.Seasonal >= 0) || math.IsInf(opt.Seasonal, 0) {
		return opt, fmt.Errorf("options: seasonal amplitude %v m, want ≥ 0", opt.Seasonal)
	}
	for _, f := range []struct {
		name string
		v    *float64
		def  float64
	}{{"smoothing", &opt.Smoothing, DefaultSmoothing}, {"gap length", &opt.GapLength, DefaultGapLength}, {"probe", &opt.Probe, DefaultProbe}} {
		if *f.v == 0 {
			*f.v = f.def
		}
		if !(*f.v > 0) || math.IsInf(*f.v, 0) {
			return opt, fmt.Errorf("options: %s %v m, want > 0", f.name, *f.v)
		}
	}
	return opt, nil
}

// Stream constants keep the random streams of different purposes apart.
const (
	streamPlan  = 0x7461736920706c61 // "tasi pla"
	streamNoise = 0x74617369206e6f69 // "tasi noi"
	streamGap   = 0x7461736920676170 // "tasi gap"
	streamRate  = 0x7461736920726174 // "tasi rat"
)

// scene is what is drawn up front for one shoreline.
type scene struct {
	date        time.Time
	years       float64 // since Start
	uncertainty float64
	sigma       float64 // noise std (m)
	seasonal    float64 // seasonal offset (m)
	seed        uint64
}

// scenes draws the dates, uncertainties and seeds of the shorelines.
func (opt *Options) scenes() ([]scene, error) {
	span := opt.End.Sub(opt.Start)
	years := span.Hours() / 24 / DaysPerYear
	n := int(math.Round(opt.PerYear * years))
	days := int(span/(24*time.Hour)) + 1 // candidate days, Start's day included
	if n < 1 {
		return nil, fmt.Errorf("options: %v shorelines per year over %.2f years makes none", opt.PerYear, years)
	}
	if n > days {
		return nil, fmt.Errorf("options: %d shorelines do not fit on %d days", n, days)
	}
	rng := rand.New(rand.NewPCG(opt.Seed, streamPlan))
	phase := 2 * math.Pi * rng.Float64()
	mean := (opt.Uncertainty[0] + opt.Uncertainty[1]) / 2
	scenes := make([]scene, n)
	for k := range scenes {
		lo, hi := k*days/n, (k+1)*days/n
		d := opt.Start.AddDate(0, 0, lo+rng.IntN(hi-lo))
		if d.After(opt.End) { // End is not on a day boundary after Start
			d = opt.Start.AddDate(0, 0, days-1)
		}
		u := opt.Uncertainty[0] + (opt.Uncertainty[1]-opt.Uncertainty[0])*rng.Float64()
		scenes[k] = scene{
			date:        d,
			years:       float64(d.Sub(opt.Start)) / float64(24*time.Hour) / DaysPerYear,
			uncertainty: u,
			sigma:       opt.Noise * u / mean,
			seasonal:    opt.Seasonal * math.Sin(2*math.Pi*yearFraction(d)+phase),
			seed:        mix(opt.Seed, uint64(k)),
		}
	}
	return scenes, nil
}

// yearFraction is how far into its calendar year t is, in [0, 1).
func yearFraction(t time.Time) float64 {
	y := t.Year()
	start := time.Date(y, 1, 1, 0, 0, 0, 0, t.Location())
	end := time.Date(y+1, 1, 1, 0, 0, 0, 0, t.Location())
	return float64(t.Sub(start)) / float64(end.Sub(start))
}

// mix derives an independent seed for item k (splitmix64 finaliser).
func mix(seed, k uint64) uint64 {
	z := seed ^ (k+1)*0x9e3779b97f4a7c15
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}
