package change

import (
	"fmt"
	"math"
)

// RateKind says which regression a Trend extends.
type RateKind int

// Rate kinds.
const (
	// LinearRate is LRR: ordinary least squares.
	LinearRate RateKind = iota
	// WeightedRate is WLR: least squares weighted by 1/u².
	WeightedRate
)

// String returns the DSAS name of the rate: "LRR" or "WLR".
func (k RateKind) String() string {
	if k == WeightedRate {
		return "WLR"
	}
	return "LRR"
}

// Trend is the linear model of one transect's shoreline positions that a forecast
// extends. Positions are metres along the transect, positive seaward; times are DSAS
// decimal years (DecimalYear).
//
// The best estimate at time t starts from the youngest shoreline, not from the regression
// line, so that a forecast never moves today's shoreline:
//
//	x̂(t) = d̄_y + b̂·(t − t_y)
//
// with d̄_y the mean position of the m observations of the youngest date t_y and b̂ the
// fitted rate. What it forecasts is a shoreline observed at t, as the data were (seasons
// and storms included). Under the regression model d_i = a + b·t_i + e_i, with independent
// errors of variance σ²/w_i (w_i = 1 for LRR, 1/u_i² for WLR), the error of the forecast
// has the variance
//
//	se²(t) = σ²·[ 1/w₀ + (1/m²)·Σ_y 1/w_j + ((t − t̄)² − (t_y − t̄)²)/SS ]
//
// where t̄ = Σw_i t_i/Σw, SS = Σw_i (t_i − t̄)², w₀ = Σw/n is the weight of the new
// shoreline, and the sum runs over the youngest date. It is the textbook prediction
// interval of the regression line, σ²·[1/w₀ + 1/Σw + (t − t̄)²/SS], plus what the anchor
// adds: its own error less its leverage (the two coincide for a youngest date of leverage
// one). σ is estimated by LSE (LRR) or WSE (WLR), and (x(t) − x̂(t))/se(t) is taken as
// Student's t with n − 2 degrees of freedom, so the band at confidence c is
// x̂(t) ± t_{n−2, (1+c)/2}·se(t) (the t of DOMAIN.md's LCI). The anchor's error is not
// independent of σ̂, so the ratio is close to Student's t rather than exactly it: in the
// Monte Carlo test of the model, 14 shorelines over 36 years forecast 20 years ahead, the
// 90 % band holds 90.9 % (LRR) and 91.4 % (WLR) of simulated shorelines, on the safe side,
// and the probabilities are calibrated to within a percent.
//
// With only two dates there are no residuals: the end point rate is used (Method "EPR")
// with se²(t) = 2·u_y² + (EPRunc·(t − t_y))² (the anchor's and the new shoreline's
// uncertainty, and the rate's) and a normal distribution.
type Trend struct {
	Method  string  // "LRR", "WLR", or "EPR" where the transect has only two dates
	N       int     // observations
	Rate    float64 // b̂, m/yr
	Anchor  float64 // d̄_y, m
	AnchorT float64 // t_y, decimal year of the youngest shoreline
	// MeanT and SS are t̄ and SS above; NewVar and AnchorVar are 1/w₀ and (1/m²)·Σ_y 1/w_j
	// in units of σ².
	MeanT, SS, NewVar, AnchorVar float64
	// Sigma is σ̂: LSE (m) for LRR, WSE for WLR, and u_y (m) for EPR.
	Sigma float64
	// RateSE is EPRunc (m/yr), used by EPR only.
	RateSE float64
}

// FitTrend fits the trend of kind to obs (see Trend). It needs at least two distinct
// dates; with exactly two it falls back to the end point rate whatever kind says. Errors
// wrap ErrInvalid, as Compute's do.
func FitTrend(obs []Observation, kind RateKind) (Trend, error) {
	st, err := Compute(obs, 0.9)
	if err != nil {
		return Trend{}, err
	}
	if math.IsNaN(st.EPR) {
		return Trend{}, fmt.Errorf("%w: %d observations on fewer than two dates: no trend", ErrInvalid, len(obs))
	}
	ts := make([]float64, len(obs))
	tY := math.Inf(-1)
	for i, o := range obs {
		ts[i] = DecimalYear(o.Time)
		tY = math.Max(tY, ts[i])
	}
	var dY, u2Y float64
	nY := 0
	for i, o := range obs {
		if ts[i] == tY {
			dY += o.Distance
			u2Y += o.Uncertainty * o.Uncertainty
			nY++
		}
	}
	tr := Trend{N: len(obs), Anchor: dY / float64(nY), AnchorT: tY}
	if math.IsNaN(st.LRR) { // two dates
		tr.Method, tr.Rate, tr.Sigma, tr.RateSE = "EPR", st.EPR, math.Sqrt(u2Y/float64(nY)), st.EPRunc
		return tr, nil
	}
	weight := func(o Observation) float64 {
		if kind == WeightedRate {
			return 1 / (o.Uncertainty * o.Uncertainty)
		}
		return 1
	}
	var sw, swt float64
	for i, o := range obs {
		w := weight(o)
		sw += w
		swt += w * ts[i]
		if ts[i] == tY {
			tr.AnchorVar += 1 / w
		}
	}
	tr.AnchorVar /= float64(nY * nY)
	tr.NewVar = float64(len(obs)) / sw
	tr.MeanT = swt / sw
	for i, o := range obs {
		dt := ts[i] - tr.MeanT
		tr.SS += weight(o) * dt * dt
	}
	if kind == WeightedRate {
		tr.Method, tr.Rate, tr.Sigma = "WLR", st.WLR, st.WSE
	} else {
		tr.Method, tr.Rate, tr.Sigma = "LRR", st.LRR, st.LSE
	}
	return tr, nil
}

// df is the degrees of freedom of the forecast distribution; 0 means normal.
func (tr Trend) df() int {
	if tr.Method == "EPR" {
		return 0
	}
	return tr.N - 2
}

// Predict returns the best estimate x̂(t) (m) and its standard error se(t) (see Trend).
func (tr Trend) Predict(t float64) (estimate, se float64) {
	estimate = tr.Anchor + tr.Rate*(t-tr.AnchorT)
	if tr.Method == "EPR" {
		d := tr.RateSE * (t - tr.AnchorT)
		return estimate, math.Sqrt(2*tr.Sigma*tr.Sigma + d*d)
	}
	dt, dy := t-tr.MeanT, tr.AnchorT-tr.MeanT
	v := tr.NewVar + tr.AnchorVar + (dt*dt-dy*dy)/tr.SS
	return estimate, tr.Sigma * math.Sqrt(math.Max(v, 0))
}

// quantile is the two-sided critical value at confidence.
func (tr Trend) quantile(confidence float64) float64 {
	if df := tr.df(); df > 0 {
		return StudentTQuantile((1+confidence)/2, df)
	}
	return math.Sqrt2 * math.Erfinv(confidence)
}

// Band returns the landward (lo) and seaward (hi) edges of the forecast band at time t
// and confidence (0 < confidence < 1).
func (tr Trend) Band(t, confidence float64) (lo, hi float64) {
	x, se := tr.Predict(t)
	q := tr.quantile(confidence) * se
	return x - q, x + q
}

// ProbLandward returns the probability that the shoreline at time t lies at or landward
// of position x: that it has reached a place x metres along the transect.
func (tr Trend) ProbLandward(t, x float64) float64 {
	est, se := tr.Predict(t)
	if !(se > 0) {
		if est <= x {
			return 1
		}
		return 0
	}
	z := (x - est) / se
	if df := tr.df(); df > 0 {
		return StudentTCDF(z, df)
	}
	return 0.5 * math.Erfc(-z/math.Sqrt2)
}

// Reaches returns the first decimal year, from the youngest shoreline on and before
// until, at which the best estimate (confidence 0) or the landward band edge at
// confidence reaches position x (lies at or landward of it), and NaN when it does not.
func (tr Trend) Reaches(x, confidence, until float64) float64 {
	edge := func(t float64) float64 {
		if confidence <= 0 {
			est, _ := tr.Predict(t)
			return est
		}
		lo, _ := tr.Band(t, confidence)
		return lo
	}
	if edge(tr.AnchorT) <= x {
		return tr.AnchorT
	}
	if confidence <= 0 {
		if tr.Rate >= 0 {
			return math.NaN()
		}
		t := tr.AnchorT + (x-tr.Anchor)/tr.Rate
		if t > until {
			return math.NaN()
		}
		return t
	}
	// The band edge is not linear in t: step a tenth of a year to the first crossing,
	// then bisect to a thousandth (under half a day).
	const step = 0.1
	prev := tr.AnchorT
	for t := tr.AnchorT + step; t <= until+step; t += step {
		t = math.Min(t, until)
		if edge(t) <= x {
			lo, hi := prev, t
			for hi-lo > 1e-3 {
				mid := (lo + hi) / 2
				if edge(mid) <= x {
					hi = mid
				} else {
					lo = mid
				}
			}
			return hi
		}
		if t == until {
			break
		}
		prev = t
	}
	return math.NaN()
}

// StudentTCDF returns P(T ≤ x) for Student's t distribution with df ≥ 1 degrees of
// freedom (NaN otherwise), through the same incomplete beta function as StudentTQuantile.
func StudentTCDF(x float64, df int) float64 {
	switch {
	case df < 1 || math.IsNaN(x):
		return math.NaN()
	case x == 0:
		return 0.5
	case math.IsInf(x, 1):
		return 1
	case math.IsInf(x, -1):
		return 0
	}
	nu := float64(df)
	upper := tTail(math.Abs(x), nu, lnBetaHalf(nu/2))
	if x > 0 {
		return 1 - upper
	}
	return upper
}
