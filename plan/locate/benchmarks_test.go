package locate_test

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/tasi-gis/tasi/plan/locate"
)

// euclidean is a benchmark problem: candidates and points uniform in a 100 km square,
// straight-line distances, 1..20 households per point.
func euclidean(cands, points int) locate.Problem {
	r := rand.New(rand.NewPCG(1, 2))
	p := locate.Problem{Candidates: cands, Points: points, Dist: make([]float64, cands*points), Weight: make([]float64, points)}
	px, py := make([]float64, points), make([]float64, points)
	for i := range points {
		px[i], py[i] = r.Float64()*100_000, r.Float64()*100_000
		p.Weight[i] = float64(1 + r.IntN(20))
	}
	for c := range cands {
		cx, cy := r.Float64()*100_000, r.Float64()*100_000
		for i := range points {
			p.Dist[c*points+i] = math.Hypot(cx-px[i], cy-py[i])
		}
	}
	return p
}

// BenchmarkMedian: p-median, 3,000 points × 500 candidates, k = 10.
func BenchmarkMedian(b *testing.B) {
	p := euclidean(500, 3000)
	var s locate.Solution
	for b.Loop() {
		var err error
		if s, err = locate.Median(context.Background(), p, 10); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(s.MeanDistance, "m_mean")
	b.ReportMetric(float64(s.Sweeps), "sweeps")
}

// BenchmarkCover: maximal covering, 3,000 points × 500 candidates, k = 10, 30 km radius.
func BenchmarkCover(b *testing.B) {
	p := euclidean(500, 3000)
	var s locate.Solution
	for b.Loop() {
		var err error
		if s, err = locate.Cover(context.Background(), p, 10, 30_000); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(100*s.Covered/s.Weight, "%covered")
	b.ReportMetric(float64(s.Sweeps), "sweeps")
}

// BenchmarkMedianCapacitated: capacitated p-median, 1,000 points × 100 candidates,
// k = 10, each depot holding 12 % of the households (so capacities bind).
func BenchmarkMedianCapacitated(b *testing.B) {
	p := euclidean(100, 1000)
	var total float64
	for _, w := range p.Weight {
		total += w
	}
	p.Capacity = make([]float64, p.Candidates)
	for c := range p.Capacity {
		p.Capacity[c] = 0.12 * total
	}
	var s locate.Solution
	for b.Loop() {
		var err error
		if s, err = locate.Median(context.Background(), p, 10); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(s.MeanDistance, "m_mean")
	b.ReportMetric(100*s.Reached/s.Weight, "%reached")
	b.ReportMetric(float64(s.Sweeps), "sweeps")
}

// BenchmarkEvaluateCapacitated: the capacitated assignment alone, 3,000 points to 10
// depots of 12 % of the households each.
func BenchmarkEvaluateCapacitated(b *testing.B) {
	p := euclidean(500, 3000)
	var total float64
	for _, w := range p.Weight {
		total += w
	}
	p.Capacity = make([]float64, p.Candidates)
	for c := range p.Capacity {
		p.Capacity[c] = 0.12 * total
	}
	open := []int{0, 50, 100, 150, 200, 250, 300, 350, 400, 450}
	for b.Loop() {
		if _, err := locate.Evaluate(p, open, math.Inf(1)); err != nil {
			b.Fatal(err)
		}
	}
}
