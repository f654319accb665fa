package change

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

func TestStudentTCDF(t *testing.T) {
	// Table values (Abramowitz & Stegun 26.7; any t table).
	for _, tc := range []struct {
		x    float64
		df   int
		want float64
	}{
		{1, 1, 0.75},
		{2.353363, 3, 0.95},
		{-2.353363, 3, 0.05},
		{2.015048, 5, 0.95},
		{1.812461, 10, 0.95},
		{2.763262, 28, 0.995},
		{0, 7, 0.5},
		{math.Inf(1), 4, 1},
	} {
		if got := StudentTCDF(tc.x, tc.df); math.Abs(got-tc.want) > 2e-6 {
			t.Errorf("StudentTCDF(%v, %d) = %v, want %v", tc.x, tc.df, got, tc.want)
		}
	}
	// The inverse of StudentTQuantile.
	for _, df := range []int{1, 2, 3, 5, 10, 30, 100, 1000} {
		for _, p := range []float64{0.001, 0.05, 0.3, 0.5, 0.7, 0.95, 0.999} {
			if got := StudentTCDF(StudentTQuantile(p, df), df); math.Abs(got-p) > 1e-9 {
				t.Errorf("df %d: CDF(quantile(%v)) = %v", df, p, got)
			}
		}
	}
	if !math.IsNaN(StudentTCDF(1, 0)) {
		t.Error("df 0 gave a number")
	}
}

// yearly returns observations on 1 January of years from, from+1, … at distances d.
func yearly(from int, u float64, d ...float64) []Observation {
	obs := make([]Observation, len(d))
	for i, x := range d {
		obs[i] = Observation{Time: time.Date(from+i, 1, 1, 0, 0, 0, 0, time.UTC), Distance: x, Uncertainty: u}
	}
	return obs
}

// TestTrendByHand checks the forecast, its standard error and its band against the
// formulas worked out in the test from the five observations.
func TestTrendByHand(t *testing.T) {
	obs := yearly(2000, 10, 0, -1.5, -1.8, -3.4, -4.1)
	tr, err := FitTrend(obs, LinearRate)
	if err != nil {
		t.Fatal(err)
	}
	n := float64(len(obs))
	var ts, ds []float64
	var tbar, dbar float64
	for _, o := range obs {
		ts, ds = append(ts, DecimalYear(o.Time)), append(ds, o.Distance)
		tbar += DecimalYear(o.Time) / n
		dbar += o.Distance / n
	}
	var sxx, sxy float64
	for i := range ts {
		sxx += (ts[i] - tbar) * (ts[i] - tbar)
		sxy += (ts[i] - tbar) * (ds[i] - dbar)
	}
	b := sxy / sxx
	a := dbar - b*tbar
	var sse float64
	for i := range ts {
		r := ds[i] - (a + b*ts[i])
		sse += r * r
	}
	s := math.Sqrt(sse / (n - 2))
	ty := ts[4]
	t20 := ty + 20
	wantEst := -4.1 + b*20
	// A new shoreline (1) plus the anchor's error (1, one observation at the youngest
	// date), the rate's leverage at t20 less the anchor's.
	wantSE := s * math.Sqrt(1+1+((t20-tbar)*(t20-tbar)-(ty-tbar)*(ty-tbar))/sxx)
	est, se := tr.Predict(t20)
	if tr.Method != "LRR" || tr.N != 5 || math.Abs(tr.Rate-b) > 1e-12 || math.Abs(est-wantEst) > 1e-9 || math.Abs(se-wantSE) > 1e-9 {
		t.Errorf("trend %+v: estimate %v se %v, want rate %v, %v, %v", tr, est, se, b, wantEst, wantSE)
	}
	// t_{3, 0.95} = 2.353363 (tables): the 90 % band.
	lo, hi := tr.Band(t20, 0.9)
	if math.Abs(lo-(wantEst-2.353363*wantSE)) > 1e-5 || math.Abs(hi-(wantEst+2.353363*wantSE)) > 1e-5 {
		t.Errorf("90 %% band [%v, %v], want %v ± %v", lo, hi, wantEst, 2.353363*wantSE)
	}
	// Today the forecast is today's shoreline.
	if est0, _ := tr.Predict(ty); est0 != -4.1 {
		t.Errorf("forecast at the youngest date %v, want -4.1", est0)
	}
	// Half the probability lies landward of the best estimate; 5 % beyond the band edge.
	if p := tr.ProbLandward(t20, wantEst); math.Abs(p-0.5) > 1e-9 {
		t.Errorf("P(landward of the estimate) = %v", p)
	}
	if p := tr.ProbLandward(t20, lo); math.Abs(p-0.05) > 1e-6 {
		t.Errorf("P(landward of the band edge) = %v, want 0.05", p)
	}
	// The best estimate reaches 30 m landward of today's shoreline when -4.1 + b·τ = -34.1;
	// the band edge earlier; an accreting trend never.
	if got, want := tr.Reaches(-34.1, 0, ty+100), ty+30/-b; math.Abs(got-want) > 1e-9 {
		t.Errorf("reaches -34.1 in %v, want %v", got, want)
	}
	if band := tr.Reaches(-34.1, 0.9, ty+100); !(band < ty+30/-b) || band < ty {
		t.Errorf("band edge reaches -34.1 in %v, want before %v", band, ty+30/-b)
	} else if lo, _ := tr.Band(band, 0.9); math.Abs(lo+34.1) > 0.01 {
		t.Errorf("band edge at %v is %v, want -34.1", band, lo)
	}
	up, _ := FitTrend(yearly(2000, 10, 0, 1, 2, 3, 4), LinearRate)
	if got := up.Reaches(-10, 0, 2100); !math.IsNaN(got) {
		t.Errorf("an accreting coast reaches inland in %v", got)
	}
}

func TestTrendEPR(t *testing.T) {
	tr, err := FitTrend(yearly(2000, 6, 0, -2), WeightedRate)
	if err != nil {
		t.Fatal(err)
	}
	ty := DecimalYear(time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC))
	est, se := tr.Predict(ty + 10)
	eprUnc := math.Sqrt(36+36) / (ty - DecimalYear(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)))
	wantSE := math.Sqrt(2*36 + (eprUnc*10)*(eprUnc*10))
	if tr.Method != "EPR" || math.Abs(est-(-2+tr.Rate*10)) > 1e-12 || math.Abs(se-wantSE) > 1e-9 {
		t.Errorf("EPR trend %+v: %v ± %v, want se %v", tr, est, se, wantSE)
	}
	// Normal, not Student's t: the 90 % band is ±1.6449 se.
	lo, _ := tr.Band(ty+10, 0.9)
	if math.Abs((est-lo)/se-1.6448536) > 1e-6 {
		t.Errorf("EPR band half-width %v se", (est-lo)/se)
	}
	if _, err := FitTrend(yearly(2000, 6, 1), LinearRate); err == nil {
		t.Error("a trend from one date")
	}
}

// TestTrendMonteCarlo simulates the regression model — a straight trend with independent
// errors — fits each simulated series, and forecasts a shoreline observed 20 years after
// the last: the 90 % band must hold it 90 % of the time, and the probabilities must be
// calibrated (the probability of lying landward of the observed shoreline is uniform).
func TestTrendMonteCarlo(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct {
		name string
		kind RateKind
		u    func(i int) float64 // the uncertainty of observation i, and the sd of its error
	}{
		{"LRR, equal errors", LinearRate, func(int) float64 { return 6 }},
		{"WLR, unequal errors", WeightedRate, func(i int) float64 { return 4 + float64(i%4)*4 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const sims = 20000
			years := []int{1988, 1990, 1993, 1997, 2000, 2002, 2005, 2009, 2012, 2015, 2016, 2019, 2021, 2024}
			const rate = -0.8
			t0 := time.Date(2044, 7, 1, 0, 0, 0, 0, time.UTC)
			covered, below10 := 0, 0
			var sumPIT float64
			for range sims {
				obs := make([]Observation, len(years))
				for i, y := range years {
					d := time.Date(y, 3, 1, 0, 0, 0, 0, time.UTC)
					obs[i] = Observation{Time: d, Distance: rate*(DecimalYear(d)-2000) + tc.u(i)*rng.NormFloat64(), Uncertainty: tc.u(i)}
				}
				tr, err := FitTrend(obs, tc.kind)
				if err != nil {
					t.Fatal(err)
				}
				// A future shoreline: the error of a shoreline of mean weight.
				sd := 6.0
				if tc.kind == WeightedRate {
					sd = math.Sqrt(tr.NewVar)
				}
				future := rate*(DecimalYear(t0)-2000) + sd*rng.NormFloat64()
				lo, hi := tr.Band(DecimalYear(t0), 0.9)
				if lo <= future && future <= hi {
					covered++
				}
				pit := tr.ProbLandward(DecimalYear(t0), future)
				sumPIT += pit
				if pit < 0.1 {
					below10++
				}
			}
			cov, mean, tail := float64(covered)/sims, sumPIT/sims, float64(below10)/sims
			t.Logf("coverage %.4f, mean PIT %.4f, P(PIT < 0.1) %.4f", cov, mean, tail)
			// 20,000 draws: binomial sd 0.002 for coverage and tail, 0.002 for the mean. The
			// anchor's error is not independent of σ̂, so the ratio is close to, not exactly,
			// Student's t: the band holds 90.9 % (LRR) and 91.4 % (WLR) of the shorelines here,
			// on the safe side, and never less than 89 %.
			if cov < 0.89 || cov > 0.92 || math.Abs(mean-0.5) > 0.01 || math.Abs(tail-0.1) > 0.01 {
				t.Errorf("coverage %.4f (want 0.90), mean PIT %.4f (0.50), P(PIT < 0.1) %.4f (0.10)", cov, mean, tail)
			}
		})
	}
}
