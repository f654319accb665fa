package change

import (
	"math"
	"testing"
	"time"
)

// shorelines35 is a typical satellite record: 35 yearly shorelines (1990–2024) at varying
// days and times, eroding 0.8 m/yr with ±6 m of scatter, uncertainties 5–15 m.
func shorelines35() []Observation {
	obs := make([]Observation, 35)
	for k := range obs {
		t := time.Date(1990+k, time.Month(1+k%12), 1+(7*k)%28, (5*k)%24, 17, 0, 0, time.UTC)
		obs[k] = Observation{
			Time:        t,
			Distance:    20 - 0.8*float64(k) + 6*math.Sin(1.7*float64(k)),
			Uncertainty: 5 + float64((3*k)%11),
		}
	}
	return obs
}

func BenchmarkCompute35(b *testing.B) {
	obs := shorelines35()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compute(obs, 0.90); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkStudentTQuantile(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		StudentTQuantile(0.95, 33)
	}
}

func BenchmarkSummarize(b *testing.B) {
	// One large suco: 400 transects at 50 m spacing (20 km of coast).
	rates := make([]TransectRate, 400)
	for i := range rates {
		x := float64(i)
		rates[i] = TransectRate{LRR: math.Sin(x / 30), LCI: 0.3 + 0.1*math.Cos(x/10), EPR: math.Sin(x / 30), NSM: 20 * math.Sin(x/30)}
	}
	b.ReportAllocs()
	for b.Loop() {
		Summarize(rates)
	}
}
