package change

import (
	"math"
	"slices"
)

// TransectRate is one transect's contribution to a group summary, in along-coast order.
// NaN is allowed in any field: such a transect is skipped by the statistics that need the
// value.
type TransectRate struct {
	LRR float64 // linear regression rate, m/yr
	LCI float64 // confidence half-width of LRR, m/yr (Stats.LCI)
	EPR float64 // end point rate, m/yr
	NSM float64 // net shoreline movement, m
}

// Summary is the change summary of a group of transects (one admin unit), as in the USGS
// National Assessment of Shoreline Change. Fields are NaN when no transect has the values
// they need.
type Summary struct {
	Transects int // all transects given

	MeanLRR, MedianLRR, MinLRR, MaxLRR float64 // over transects with a defined LRR, m/yr
	MeanEPR                            float64 // over transects with a defined EPR, m/yr
	MeanNSM                            float64 // over transects with a defined NSM, m

	// Percent (0–100) of the transects with a defined LRR that are eroding (LRR < 0),
	// accreting (LRR > 0), significantly eroding (LRR + LCI < 0) and significantly
	// accreting (LRR − LCI > 0). A transect without a usable LCI counts as not significant.
	PctEroding, PctAccreting, PctSigEroding, PctSigAccreting float64

	// MeanLRRUnc is the uncertainty of MeanLRR: ū/√N*, with ū the mean LCI of the transects
	// that have both LRR and LCI, so it is a confidence half-width at the level the LCIs
	// were computed at (DSAS default 90 %), m/yr.
	MeanLRRUnc float64
	// NEffective is N*, the effective number of independent transects behind MeanLRRUnc
	// (see EffectiveN).
	NEffective float64
}

// Summarize returns the summary of the transects rates, given in along-coast order.
//
// The per-transect uncertainty ū_i is the transect's LCI: DSAS reports the rate uncertainty
// of a transect as LCI at the chosen confidence, and the USGS states averaged rates as ± an
// uncertainty of that kind (OFR 2010-1118: −0.5 ± 0.09 m/yr for its whole region). LCI rather
// than a standard error also keeps TransectRate small: turning LCI back into LSE/√SS would
// need each transect's n. Transects whose LRR or LCI is undefined (or whose LCI is negative)
// are left out of the uncertainty series, which closes up over the gap. N* is computed from
// that series by EffectiveN, and MeanLRRUnc = mean(ū)/√N*.
func Summarize(rates []TransectRate) Summary {
	nan := math.NaN()
	s := Summary{
		Transects: len(rates),
		MeanLRR:   nan, MedianLRR: nan, MinLRR: nan, MaxLRR: nan,
		MeanEPR: nan, MeanNSM: nan,
		PctEroding: nan, PctAccreting: nan, PctSigEroding: nan, PctSigAccreting: nan,
		MeanLRRUnc: nan, NEffective: nan,
	}
	lrr := make([]float64, 0, len(rates))
	unc := make([]float64, 0, len(rates))
	var sumEPR, sumNSM float64
	var nEPR, nNSM, eroding, accreting, sigEroding, sigAccreting int
	for _, r := range rates {
		if finite(r.EPR) {
			sumEPR += r.EPR
			nEPR++
		}
		if finite(r.NSM) {
			sumNSM += r.NSM
			nNSM++
		}
		if !finite(r.LRR) {
			continue
		}
		lrr = append(lrr, r.LRR)
		switch {
		case r.LRR < 0:
			eroding++
		case r.LRR > 0:
			accreting++
		}
		if finite(r.LCI) && r.LCI >= 0 {
			unc = append(unc, r.LCI)
			switch {
			case r.LRR+r.LCI < 0:
				sigEroding++
			case r.LRR-r.LCI > 0:
				sigAccreting++
			}
		}
	}
	if nEPR > 0 {
		s.MeanEPR = sumEPR / float64(nEPR)
	}
	if nNSM > 0 {
		s.MeanNSM = sumNSM / float64(nNSM)
	}
	if n := len(lrr); n > 0 {
		s.MeanLRR = mean(lrr)
		pct := func(k int) float64 { return 100 * float64(k) / float64(n) }
		s.PctEroding, s.PctAccreting = pct(eroding), pct(accreting)
		s.PctSigEroding, s.PctSigAccreting = pct(sigEroding), pct(sigAccreting)
		slices.Sort(lrr)
		s.MinLRR, s.MaxLRR = lrr[0], lrr[n-1]
		if n%2 == 1 {
			s.MedianLRR = lrr[n/2]
		} else {
			s.MedianLRR = (lrr[n/2-1] + lrr[n/2]) / 2
		}
	}
	if len(unc) > 0 {
		s.NEffective = EffectiveN(unc)
		s.MeanLRRUnc = mean(unc) / math.Sqrt(s.NEffective)
	}
	return s
}

// EffectiveN returns N*, the effective number of independent values in the series u (for
// Summarize, the rate uncertainties of neighbouring transects in along-coast order), from its
// lag-1 autocorrelation r₁:
//
//	N* = N·(1 − r₁)/(1 + r₁),  clamped to [1, N],
//	r₁ = Σ_{i<N} (u_i − ū)(u_{i+1} − ū) / Σ_i (u_i − ū)².
//
// DOMAIN.md asks for N* "from the lag autocorrelation of their uncertainties" as in the USGS
// National Assessment of Shoreline Change (List, in Hapke et al., 2010, National assessment
// of shoreline change: historical shoreline change along the New England and Mid-Atlantic
// coasts, USGS Open-File Report 2010-1118), where the averaged rate uncertainty is reduced by
// √N*. The method section of that report could not be retrieved while writing this, so its
// exact estimator is unchecked. What is implemented is the standard lag-1 (AR(1)) effective
// sample size (Bretherton et al., 1999, J. Climate 12, 1990–2009). It is the large-N limit,
// for ρ_j = r₁^j, of the general all-lags form of Bayley and Hammersley (1946),
// 1/N* = 1/N + (2/N²) Σ_{j=1}^{N−1} (N − j) ρ_j, and unlike that sum of N − 1 noisy
// estimates it cannot turn negative.
//
// Conventions: N* = NaN for an empty series and 1 for a single value. A series without
// variance (all values equal) counts as perfectly correlated, r₁ = 1, so N* = 1. Negative r₁
// (an alternating series) would give N* > N; the clamp keeps N* ≤ N so averaging never claims
// more independent transects than there are.
func EffectiveN(u []float64) float64 {
	n := len(u)
	switch n {
	case 0:
		return math.NaN()
	case 1:
		return 1
	}
	// Deviations from u[0] first, so that a constant series has exactly zero variance.
	var s float64
	for _, v := range u {
		s += v - u[0]
	}
	m := s / float64(n)
	var num, den float64
	for i, v := range u {
		d := v - u[0] - m
		den += d * d
		if i+1 < n {
			num += d * (u[i+1] - u[0] - m)
		}
	}
	if !(den > 0) {
		return 1
	}
	r1 := num / den
	if r1 >= 1 {
		return 1
	}
	if r1 <= -1 {
		return float64(n)
	}
	ns := float64(n) * (1 - r1) / (1 + r1)
	return math.Max(1, math.Min(float64(n), ns))
}

func mean(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
