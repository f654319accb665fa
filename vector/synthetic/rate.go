package synthetic

import (
	"math"
	"math/rand/v2"

	"github.com/paulmach/orb"
)

// DefaultRateField returns a smooth rate field (m/yr) over bound, deterministic from seed:
// a background of three long-wavelength plane waves (wavelengths about 80 %, 35 % and 15 %
// of the larger side of bound, random directions and phases; amplitudes 0.8, 0.5 and
// 0.3 m/yr about a mean of −0.1 m/yr, so between −1.7 and +1.5 m/yr), with localized
// erosion hotspots blended in: within a Gaussian of 1.5–3 km standard deviation around each
// hotspot centre the rate goes over to a value between −3 and −2 m/yr. All rates lie in
// [−3, +1.5] m/yr.
//
// Hotspots are centred on the given points (river mouths, towns), or on three random
// points of bound when none are given, which may fall away from the coast.
func DefaultRateField(bound orb.Bound, seed uint64, hotspots ...orb.Point) RateField {
	rng := rand.New(rand.NewPCG(seed, streamRate))
	size := math.Max(bound.Max[0]-bound.Min[0], bound.Max[1]-bound.Min[1])
	if !(size > 0) {
		size = 10000
	}
	type wave struct{ kx, ky, phase, amp float64 }
	var waves [3]wave
	for i, f := range [3]struct{ frac, amp float64 }{{0.8, 0.8}, {0.35, 0.5}, {0.15, 0.3}} {
		lambda := f.frac * size * (0.8 + 0.45*rng.Float64())
		theta := math.Pi * rng.Float64()
		k := 2 * math.Pi / lambda
		waves[i] = wave{k * math.Cos(theta), k * math.Sin(theta), 2 * math.Pi * rng.Float64(), f.amp}
	}
	type spot struct {
		c        orb.Point
		inv2s2   float64 // 1/(2σ²)
		strength float64
	}
	if len(hotspots) == 0 {
		for range 3 {
			hotspots = append(hotspots, orb.Point{
				bound.Min[0] + (bound.Max[0]-bound.Min[0])*rng.Float64(),
				bound.Min[1] + (bound.Max[1]-bound.Min[1])*rng.Float64(),
			})
		}
	}
	spots := make([]spot, len(hotspots))
	for i, c := range hotspots {
		sigma := 1500 + 1500*rng.Float64()
		spots[i] = spot{c, 1 / (2 * sigma * sigma), -2 - rng.Float64()}
	}
	// Waves are evaluated about the centre of bound so that their phases do not depend on
	// how far the CRS origin is.
	o := bound.Center()
	return func(p orb.Point) float64 {
		x, y := p[0]-o[0], p[1]-o[1]
		r := -0.1
		for _, w := range waves {
			r += w.amp * math.Sin(w.kx*x+w.ky*y+w.phase)
		}
		for _, s := range spots {
			dx, dy := p[0]-s.c[0], p[1]-s.c[1]
			if d2 := dx*dx + dy*dy; d2*s.inv2s2 < 40 {
				wt := math.Exp(-d2 * s.inv2s2)
				r += wt * (s.strength - r)
			}
		}
		return r
	}
}
