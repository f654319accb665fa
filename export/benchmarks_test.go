package export

import (
	"fmt"
	"io"
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/plan"
)

// nationalList is a synthetic national at-risk list the size of the gazetteer: 3,000
// communities (it has 2,871) in 13 municipalities and 442 sucos, three horizons, one
// community in ten with unknown figures.
func nationalList() *plan.List {
	l := atRiskSample()
	l.Rows = make([]plan.AtRisk, 3000)
	for i := range l.Rows {
		m, s := i%13+1, i%442+1
		r := &l.Rows[i]
		r.Community = plan.Community{
			Code: fmt.Sprintf("TL%02d%02d%02d-%03d", m, s%65+1, s%20+1, i), Name: fmt.Sprintf("Aldeia Liquiçá %d", i),
			Point:      orb.Point{124.0 + float64(i%1000)*0.0027, -8.1 - float64(i%777)*0.0016},
			RegionCode: fmt.Sprintf("TL%02d", m), RegionName: fmt.Sprintf("Município %d", m),
			ParentCode: fmt.Sprintf("TL%02d%02d", m, s%65+1), ParentName: fmt.Sprintf("Posto %d", s%65+1),
			UnitCode: fmt.Sprintf("TL%02d%02d%02d", m, s%65+1, s%20+1), UnitName: fmt.Sprintf("Suco %d", s),
			Population: 100 + float64(i%900), Households: 20 + float64(i%180), Rule: plan.FromGrid,
		}
		r.DistanceToShore, r.Rate, r.RateCI = float64(i%400), -0.5-float64(i%40)/10, 0.3
		r.Method, r.Transects = "LRR", []string{fmt.Sprint("T", i), fmt.Sprint("T", i+1)}
		r.YearReached, r.YearReachedBand = 2030+float64(i%700)/10, 2028+float64(i%700)/10
		r.Severity = plan.Severity(i % 4)
		for h := range l.Horizons {
			p := math.Min(1, float64(h+1)*float64(i%100)/200)
			r.Exposure = append(r.Exposure, plan.Exposure{Horizon: l.Horizons[h], InZone: p > 0.5, InBand: p > 0.2,
				Probability: p, People: p * r.Community.Population, Households: p * r.Community.Households})
		}
		if i%10 == 0 {
			r.Community.Population, r.Community.Households, r.Community.Rule = math.NaN(), math.NaN(), plan.Unknown
			r.YearReached = math.NaN()
			for h := range r.Exposure {
				r.Exposure[h].People, r.Exposure[h].Households = math.NaN(), math.NaN()
			}
		}
	}
	return l
}

// BenchmarkAtRiskNational writes the national list in every format (targets: CSV under
// 200 ms, XLSX under 1 s).
func BenchmarkAtRiskNational(b *testing.B) {
	l := nationalList()
	for _, f := range Formats() {
		b.Run(f.String(), func(b *testing.B) {
			var size int64
			for b.Loop() {
				w := &countingWriter{}
				if err := f.WriteAtRisk(w, l); err != nil {
					b.Fatal(err)
				}
				size = w.n
			}
			b.ReportMetric(float64(size), "bytes/file")
		})
	}
}

type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return len(p), nil
}

var _ io.Writer = (*countingWriter)(nil)
