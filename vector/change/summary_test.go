package change

import (
	"math"
	"testing"
)

func TestEffectiveN(t *testing.T) {
	tests := []struct {
		name string
		u    []float64
		want float64
	}{
		{"empty", nil, math.NaN()},
		{"one", []float64{0.4}, 1},
		// No variance: perfectly correlated, one independent value.
		{"constant", []float64{0.3, 0.3, 0.3, 0.3, 0.3}, 1},
		// Deviations ±1 alternate: r₁ = −5/6, N(1 − r₁)/(1 + r₁) = 6·(11/6)/(1/6) = 66,
		// clamped to N = 6.
		{"alternating", []float64{1, 3, 1, 3, 1, 3}, 6},
		// Mean 2.5, deviations −1.5, −0.5, 0.5, 1.5: Σd² = 5,
		// Σd_i·d_{i+1} = 0.75 − 0.25 + 0.75 = 1.25, r₁ = 0.25, N* = 4·0.75/1.25 = 2.4.
		{"ramp", []float64{1, 2, 3, 4}, 2.4},
		// Mean 3, deviations −2 ×4 then +2 ×4: Σd² = 32, Σd_i·d_{i+1} = 3·4 − 4 + 3·4 = 20,
		// r₁ = 0.625, N* = 8·0.375/1.625 = 1.8461538461538463.
		{"two blocks", []float64{1, 1, 1, 1, 5, 5, 5, 5}, 8 * 0.375 / 1.625},
		// Mean 0.5, deviations −0.5, −0.5, 0.5, 0.5, −0.5, −0.5, 0.5, 0.5: Σd² = 2,
		// Σd_i·d_{i+1} = 0.25·(1 − 1 + 1 − 1 + 1 − 1 + 1) = 0.25, r₁ = 0.125,
		// N* = 8·0.875/1.125 = 6.222222222222222.
		{"period four", []float64{0, 0, 1, 1, 0, 0, 1, 1}, 8 * 0.875 / 1.125},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := EffectiveN(tc.u); !sameFloat(got, tc.want, 1e-12) {
				t.Errorf("EffectiveN(%v) = %.17g, want %.17g", tc.u, got, tc.want)
			}
		})
	}
}

func TestSummarize(t *testing.T) {
	tests := []struct {
		name  string
		rates []TransectRate
		want  Summary
	}{
		{"empty", nil, Summary{
			MeanLRR: nan, MedianLRR: nan, MinLRR: nan, MaxLRR: nan, MeanEPR: nan, MeanNSM: nan,
			PctEroding: nan, PctAccreting: nan, PctSigEroding: nan, PctSigAccreting: nan,
			MeanLRRUnc: nan, NEffective: nan,
		}},
		// Only end point rates (two shorelines per transect): LRR statistics undefined.
		{"no regression", []TransectRate{{nan, nan, -1, -20}, {nan, nan, 2, 40}}, Summary{
			Transects: 2,
			MeanLRR:   nan, MedianLRR: nan, MinLRR: nan, MaxLRR: nan, MeanEPR: 0.5, MeanNSM: 10,
			PctEroding: nan, PctAccreting: nan, PctSigEroding: nan, PctSigAccreting: nan,
			MeanLRRUnc: nan, NEffective: nan,
		}},
		// Six transects, one without LRR. LRR −2, −1, 0.5, 3, 0: mean 0.5/5 = 0.1, sorted
		// −2, −1, 0, 0.5, 3 so median 0. Eroding −2, −1 (40 %), accreting 0.5, 3 (40 %);
		// significantly eroding −2 + 0.5 < 0 only (20 %), significantly accreting
		// 0.5 − 0.3 > 0 and 3 − 1 > 0 (40 %). EPR −1.8, −1.2, 0.4, 0.6, 0: mean −0.4;
		// NSM −36, −24, 8, 50, 0: mean −0.4.
		// LCI series 0.5, 1.5, 0.3, 1, 0.2: mean 0.7, deviations −0.2, 0.8, −0.4, 0.3, −0.5,
		// Σd² = 1.18, Σd_i·d_{i+1} = −0.16 − 0.32 − 0.12 − 0.15 = −0.75, r₁ < 0, N* = 5
		// (clamped), MeanLRRUnc = 0.7/√5.
		{"mixed", []TransectRate{
			{-2, 0.5, -1.8, -36},
			{-1, 1.5, -1.2, -24},
			{nan, nan, 0.4, 8},
			{0.5, 0.3, 0.6, nan},
			{3, 1, nan, 50},
			{0, 0.2, 0, 0},
		}, Summary{
			Transects: 6,
			MeanLRR:   0.1, MedianLRR: 0, MinLRR: -2, MaxLRR: 3, MeanEPR: -0.4, MeanNSM: -0.4,
			PctEroding: 40, PctAccreting: 40, PctSigEroding: 20, PctSigAccreting: 40,
			MeanLRRUnc: 0.7 / math.Sqrt(5), NEffective: 5,
		}},
		// Equal uncertainties are perfectly correlated: N* = 1, so the mean is no more
		// certain than one transect. Median of −1.5, −0.5, 0.5, 1 is (−0.5 + 0.5)/2 = 0; all four
		// are significant: −1.5 + 0.4, −0.5 + 0.4 < 0 and 0.5 − 0.4, 1 − 0.4 > 0.
		{"correlated uncertainty", []TransectRate{
			{-1.5, 0.4, -1, -10}, {-0.5, 0.4, -1, -10}, {0.5, 0.4, 1, 10}, {1, 0.4, 1, 10},
		}, Summary{
			Transects: 4,
			MeanLRR:   -0.125, MedianLRR: 0, MinLRR: -1.5, MaxLRR: 1, MeanEPR: 0, MeanNSM: 0,
			PctEroding: 50, PctAccreting: 50, PctSigEroding: 50, PctSigAccreting: 50,
			MeanLRRUnc: 0.4, NEffective: 1,
		}},
		// Alternating uncertainties 0.2, 0.6: r₁ = −7/8, N* clamps to N = 8, mean 0.4/√8.
		{"alternating uncertainty", []TransectRate{
			{-1, 0.2, -1, -10}, {-1, 0.6, -1, -10}, {-1, 0.2, -1, -10}, {-1, 0.6, -1, -10},
			{-1, 0.2, -1, -10}, {-1, 0.6, -1, -10}, {-1, 0.2, -1, -10}, {-1, 0.6, -1, -10},
		}, Summary{
			Transects: 8,
			MeanLRR:   -1, MedianLRR: -1, MinLRR: -1, MaxLRR: -1, MeanEPR: -1, MeanNSM: -10,
			PctEroding: 100, PctAccreting: 0, PctSigEroding: 100, PctSigAccreting: 0,
			MeanLRRUnc: 0.4 / math.Sqrt(8), NEffective: 8,
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Summarize(tc.rates)
			if got.Transects != tc.want.Transects {
				t.Errorf("Transects = %d, want %d", got.Transects, tc.want.Transects)
			}
			fields := []struct {
				name      string
				got, want float64
			}{
				{"MeanLRR", got.MeanLRR, tc.want.MeanLRR}, {"MedianLRR", got.MedianLRR, tc.want.MedianLRR},
				{"MinLRR", got.MinLRR, tc.want.MinLRR}, {"MaxLRR", got.MaxLRR, tc.want.MaxLRR},
				{"MeanEPR", got.MeanEPR, tc.want.MeanEPR}, {"MeanNSM", got.MeanNSM, tc.want.MeanNSM},
				{"PctEroding", got.PctEroding, tc.want.PctEroding}, {"PctAccreting", got.PctAccreting, tc.want.PctAccreting},
				{"PctSigEroding", got.PctSigEroding, tc.want.PctSigEroding},
				{"PctSigAccreting", got.PctSigAccreting, tc.want.PctSigAccreting},
				{"MeanLRRUnc", got.MeanLRRUnc, tc.want.MeanLRRUnc}, {"NEffective", got.NEffective, tc.want.NEffective},
			}
			for _, f := range fields {
				if !sameFloat(f.got, f.want, 1e-12) {
					t.Errorf("%s = %.17g, want %.17g", f.name, f.got, f.want)
				}
			}
		})
	}
}

// TestSummarizeKeepsInput checks that Summarize does not reorder the caller's slice (it sorts
// a copy for the median).
func TestSummarizeKeepsInput(t *testing.T) {
	rates := []TransectRate{{3, 1, 0, 0}, {-2, 1, 0, 0}, {1, 1, 0, 0}}
	Summarize(rates)
	if rates[0].LRR != 3 || rates[1].LRR != -2 || rates[2].LRR != 1 {
		t.Errorf("Summarize changed its input: %v", rates)
	}
}
