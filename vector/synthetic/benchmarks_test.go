package synthetic_test

import (
	"math"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/vector/synthetic"
)

// benchIsland is a closed coast of the given length and number of vertices, with bends
// on scales from 100 km down to a few hundred metres, and the land inside it.
func benchIsland(length float64, n int) (orb.MultiLineString, synthetic.Land) {
	harmonics := []struct{ k, a, phase float64 }{{3, 0.12, 0.3}, {7, 0.05, 1.1}, {20, 0.02, 2.0}, {150, 0.003, 0.7}, {900, 0.0006, 2.9}}
	r := func(t float64) float64 {
		v := 1.0
		for _, h := range harmonics {
			v += h.a * math.Sin(h.k*t+h.phase)
		}
		return v
	}
	ring := make(orb.LineString, n+1)
	for i := range ring {
		t := 2 * math.Pi * float64(i%n) / float64(n)
		ring[i] = orb.Point{r(t) * math.Cos(t), r(t) * math.Sin(t)}
	}
	scale := length / lineLength(ring)
	c := orb.Point{800000, 9000000}
	for i, p := range ring {
		ring[i] = orb.Point{c[0] + scale*p[0], c[1] + scale*p[1]}
	}
	land := landFunc(func(p orb.Point) bool {
		x, y := p[0]-c[0], p[1]-c[1]
		return math.Hypot(x, y) < scale*r(math.Atan2(y, x))
	})
	return orb.MultiLineString{ring}, land
}

// BenchmarkGenerate makes 35 shorelines (1990–2024, one a year) of a 780 km coast of
// 30,000 vertices with every option on, cutting loops.
func BenchmarkGenerate(b *testing.B) { benchmarkGenerate(b, false) }

// BenchmarkGenerateKeepLoops is BenchmarkGenerate keeping the loops.
func BenchmarkGenerateKeepLoops(b *testing.B) { benchmarkGenerate(b, true) }

func benchmarkGenerate(b *testing.B, keepLoops bool) {
	coast, land := benchIsland(780e3, 30000)
	rate := synthetic.DefaultRateField(coast.Bound(), 1)
	opt := synthetic.Options{
		Seed: 1, PerYear: 1,
		Start: time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC),
		Noise: 8, NoiseLength: 500, Uncertainty: [2]float64{5, 15}, CloudGap: 0.2, Seasonal: 5,
		KeepLoops: keepLoops,
	}
	var n int
	for b.Loop() {
		got, err := synthetic.Generate(coast, land, rate, opt)
		if err != nil {
			b.Fatal(err)
		}
		n = len(got)
	}
	if n != 35 {
		b.Fatalf("%d shorelines, want 35", n)
	}
}
