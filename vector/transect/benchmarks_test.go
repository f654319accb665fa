package transect_test

import (
	"context"
	"math"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/vector/transect"
)

// timorScale is a synthetic coast the size of Timor-Leste's: about 780 km of wiggly coast
// (bays of 1–20 km) with a vertex every 25 m, land to its south, and 35 shorelines of
// about 30,000 vertices each within ±70 m of it, with noise and the odd cloud gap.
type timorScale struct {
	coast      orb.MultiLineString
	land       transect.Land
	shorelines []orb.MultiLineString
	opt        transect.CastOptions
	transects  []transect.Transect
}

func coastY(x float64) float64 {
	return 1500*math.Sin(x/9000) + 400*math.Sin(x/1900+1) + 120*math.Sin(x/400+2)
}

var fixture = sync.OnceValue(func() *timorScale {
	f := &timorScale{
		// Land is south of the coast; coordinates are UTM-sized (x from 500 km, y 9000 km).
		land: transect.LandFunc(func(p orb.Point) bool { return p[1]-9e6 < coastY(p[0]-500e3) }),
		opt:  transect.CastOptions{Spacing: 50, Landward: 300, Seaward: 300, Smoothing: 2500},
	}
	const x1 = 751e3 // gives 780 km of coast
	var ls orb.LineString
	for x := 0.0; x <= x1; x += 20 {
		ls = append(ls, orb.Point{500e3 + x, 9e6 + coastY(x)})
	}
	f.coast = orb.MultiLineString{ls}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 35 {
		off := rng.Float64()*140 - 70
		var ml orb.MultiLineString
		var s orb.LineString
		for x := 0.0; x <= x1; x += 12 + 24*rng.Float64() {
			if rng.Float64() < 0.0005 && len(s) > 1 {
				ml = append(ml, s)
				s = nil
			}
			s = append(s, orb.Point{500e3 + x + 5*rng.NormFloat64(), 9e6 + coastY(x) + off + 8*rng.NormFloat64()})
		}
		f.shorelines = append(f.shorelines, append(ml, s))
	}
	ts, err := transect.Cast(f.coast, f.land, f.opt)
	if err != nil {
		panic(err)
	}
	f.transects = ts
	return f
})

func BenchmarkCast(b *testing.B) {
	f := fixture()
	b.ReportAllocs()
	var n int
	for b.Loop() {
		ts, err := transect.Cast(f.coast, f.land, f.opt)
		if err != nil {
			b.Fatal(err)
		}
		n = len(ts)
	}
	b.ReportMetric(float64(n), "transects")
}

func BenchmarkIntersect(b *testing.B) {
	f := fixture()
	vertices := 0
	for _, ml := range f.shorelines {
		for _, ls := range ml {
			vertices += len(ls)
		}
	}
	for _, mode := range []transect.Mode{transect.Seaward, transect.Landward, transect.Median} {
		b.Run(mode.String(), func(b *testing.B) {
			b.ReportAllocs()
			var n int
			for b.Loop() {
				n = len(transect.Intersect(f.transects, f.shorelines, mode, transect.DefaultBand))
			}
			b.ReportMetric(float64(n), "hits")
			b.ReportMetric(float64(len(f.transects)), "transects")
			b.ReportMetric(float64(vertices)/float64(len(f.shorelines)), "vertices/shoreline")
		})
	}
}

// BenchmarkIntersectPoints measures the shorelines of BenchmarkIntersect given as points
// (their vertices, 12–36 m apart, as CoastSeg writes them), CoastSat's way, beside the
// line version's median mode on the same shorelines.
func BenchmarkIntersectPoints(b *testing.B) {
	f := fixture()
	points := make([]orb.MultiPoint, len(f.shorelines))
	for j, ml := range f.shorelines {
		for _, ls := range ml {
			points[j] = append(points[j], ls...)
		}
	}
	b.Run("points", func(b *testing.B) {
		b.ReportAllocs()
		var n int
		for b.Loop() {
			hits, err := transect.IntersectPointsContext(context.Background(), f.transects, points, transect.IntersectOptions{})
			if err != nil {
				b.Fatal(err)
			}
			n = len(hits)
		}
		b.ReportMetric(float64(n), "hits")
	})
	b.Run("lines median", func(b *testing.B) {
		b.ReportAllocs()
		var n int
		for b.Loop() {
			n = len(transect.Intersect(f.transects, f.shorelines, transect.Median, transect.DefaultBand))
		}
		b.ReportMetric(float64(n), "hits")
	})
}
