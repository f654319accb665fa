package change

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// DaysPerYear is the length of the mean tropical year in days that DSAS divides by when it
// turns a date into a decimal year.
const DaysPerYear = 365.242199

// ErrInvalid is wrapped by every error Compute returns for input it cannot use.
var ErrInvalid = errors.New("invalid input")

// Observation is one shoreline position on one transect.
type Observation struct {
	Time        time.Time
	Distance    float64 // metres along the transect, positive seaward
	Uncertainty float64 // metres, > 0
}

// DecimalYear converts t to a DSAS decimal year:
//
//	year + (day-of-year + day fraction) / 365.242199
//
// with day-of-year counted from 1 (1 January is day 1) and the day fraction the time of day
// divided by 24 h, all in UTC. This is the DSAS convention, kept so that rates match DSAS.
// Its quirks are kept too: 1 January 00:00 maps to year + 1/365.242199, not to the whole
// year, and the end of a year (from about 05:49 on day 365, which is 31 December, or
// 30 December in leap years) maps past year + 1 and so above the start of the next year.
// Two dates with the same day-of-year and time of day are a whole number of years apart.
func DecimalYear(t time.Time) float64 {
	// From Unix time with integer calendar arithmetic: twice as fast as t.UTC(), t.Year(),
	// t.YearDay() and t.Clock(), which each redo the date computation.
	unix := t.Unix()
	days := unix / 86400
	sec := unix - days*86400
	if sec < 0 {
		days--
		sec += 86400
	}
	year, yday := yearDay(days)
	daySec := float64(sec) + float64(t.Nanosecond())/1e9
	return float64(year) + (float64(yday)+daySec/86400)/DaysPerYear
}

// yearDay returns the proleptic Gregorian year and the day of the year (1 January = 1) of
// the day that is days after 1970-01-01, after Howard Hinnant's civil_from_days algorithm
// (https://howardhinnant.github.io/date_algorithms.html), which works in 400-year eras of
// years that start on 1 March.
func yearDay(days int64) (year int64, yday int64) {
	z := days + 719468 // days since 0000-03-01
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097                                  // day of era, [0, 146096]
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365 // year of era, [0, 399]
	doy := doe - (365*yoe + yoe/4 - yoe/100)               // day of March-based year, [0, 365]
	year = yoe + era*400
	if doy >= 306 { // January or February: of the next calendar year
		year++
		return year, doy - 306 + 1
	}
	leap := int64(0)
	if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
		leap = 1
	}
	return year, doy + 59 + leap + 1 // 1 March is day 60, or 61 in a leap year
}

// Stats holds the DSAS shoreline change statistics of one transect. Every field other than
// N, First and Last is math.NaN() where the statistic is undefined; see Compute.
type Stats struct {
	N           int       // number of observations used
	First, Last time.Time // oldest and youngest dates

	SCE    float64 // shoreline change envelope: max − min position over all shorelines, m
	NSM    float64 // net shoreline movement: youngest − oldest position, m
	EPR    float64 // end point rate: NSM / (youngest − oldest), m/yr
	EPRunc float64 // uncertainty of EPR: √(u_oldest² + u_youngest²) / Δt, m/yr

	LRR float64 // linear regression rate: ordinary least squares slope, m/yr
	LR2 float64 // R² of the ordinary least squares fit
	LSE float64 // standard error of the estimate (residual standard deviation), m
	LCI float64 // half-width of the confidence interval of LRR, m/yr

	WLR float64 // weighted linear regression rate, weights 1/u², m/yr
	WR2 float64 // R² of the weighted fit
	WSE float64 // weighted standard error of the estimate (weights in 1/m², so unitless)
	WCI float64 // half-width of the confidence interval of WLR, m/yr
}

// maxStack is the number of observations whose decimal years Compute keeps on the stack.
const maxStack = 64

// Compute returns the DSAS v5 statistics of the shoreline positions obs on one transect, with
// confidence intervals (LCI, WCI) at the two-sided level confidence (DSAS default 0.90),
// that is t_{n−2, 1−α/2} with α = 1 − confidence.
//
// Dates are compared as decimal years (DecimalYear), as DSAS does: observations at the same
// instant share a date, and First and Last are the observations with the smallest and the
// largest decimal year. The order of obs does not matter. Rules:
//
//   - Fewer than two distinct dates: every statistic is NaN (nothing can have changed);
//     N, First and Last are still set.
//   - SCE uses every observation.
//   - NSM, EPR and EPRunc use the oldest and the youngest date. Where several observations
//     share one of these dates, the position of that date is their mean and its uncertainty
//     the root mean square of their uncertainties (not reduced by averaging, because
//     shorelines of one date usually share their errors).
//   - The regressions use every observation, duplicates included, and are NaN for n ≤ 2.
//     LSE and WSE are computed from the residuals directly, Σ(d − d̂)², which equals DOMAIN.md's
//     TSS − LRR·SCP but does not lose digits when the fit is nearly exact.
//   - LR2 and WR2 are NaN when all positions are equal (TSS = 0); the rates are then 0.
//
// Compute returns an error wrapping ErrInvalid, and zero Stats, when obs is empty, when
// confidence is not strictly between 0 and 1, when a distance is not finite, or when an
// uncertainty is not finite and positive.
func Compute(obs []Observation, confidence float64) (Stats, error) {
	if len(obs) == 0 {
		return Stats{}, fmt.Errorf("%w: no observations", ErrInvalid)
	}
	if !(confidence > 0 && confidence < 1) {
		return Stats{}, fmt.Errorf("%w: confidence %v, want 0 < confidence < 1", ErrInvalid, confidence)
	}
	for i, o := range obs {
		if math.IsNaN(o.Distance) || math.IsInf(o.Distance, 0) {
			return Stats{}, fmt.Errorf("%w: observation %d (%s): distance %v m is not finite",
				ErrInvalid, i, o.Time.Format(time.DateOnly), o.Distance)
		}
		if !(o.Uncertainty > 0) || math.IsInf(o.Uncertainty, 0) {
			return Stats{}, fmt.Errorf("%w: observation %d (%s): uncertainty %v m, want finite and > 0",
				ErrInvalid, i, o.Time.Format(time.DateOnly), o.Uncertainty)
		}
	}

	n := len(obs)
	var buf [maxStack]float64
	var ts []float64
	if n <= maxStack {
		ts = buf[:n]
	} else {
		ts = make([]float64, n)
	}
	iMin, iMax := 0, 0
	for i, o := range obs {
		ts[i] = DecimalYear(o.Time)
		if ts[i] < ts[iMin] {
			iMin = i
		}
		if ts[i] > ts[iMax] {
			iMax = i
		}
	}
	nan := math.NaN()
	st := Stats{
		N: n, First: obs[iMin].Time, Last: obs[iMax].Time,
		SCE: nan, NSM: nan, EPR: nan, EPRunc: nan,
		LRR: nan, LR2: nan, LSE: nan, LCI: nan,
		WLR: nan, WR2: nan, WSE: nan, WCI: nan,
	}
	tOld, tYoung := ts[iMin], ts[iMax]
	if !(tYoung > tOld) {
		return st, nil
	}

	// Envelope and end points.
	dMin, dMax := obs[0].Distance, obs[0].Distance
	var sumOld, sumYoung, u2Old, u2Young float64
	var nOld, nYoung int
	for i, o := range obs {
		d := o.Distance
		if d < dMin {
			dMin = d
		}
		if d > dMax {
			dMax = d
		}
		switch ts[i] {
		case tOld:
			sumOld += d
			u2Old += o.Uncertainty * o.Uncertainty
			nOld++
		case tYoung:
			sumYoung += d
			u2Young += o.Uncertainty * o.Uncertainty
			nYoung++
		}
	}
	dt := tYoung - tOld
	st.SCE = dMax - dMin
	st.NSM = sumYoung/float64(nYoung) - sumOld/float64(nOld)
	st.EPR = st.NSM / dt
	st.EPRunc = math.Sqrt(u2Old/float64(nOld)+u2Young/float64(nYoung)) / dt

	if n <= 2 {
		return st, nil
	}
	tq := studentTUpper((1-confidence)/2, float64(n-2))
	st.LRR, st.LR2, st.LSE, st.LCI = regress(obs, ts, tq, false)
	st.WLR, st.WR2, st.WSE, st.WCI = regress(obs, ts, tq, true)
	return st, nil
}

// regress fits d = a + b·t by least squares, weighted by 1/u² when weighted is set, and
// returns the slope b, R², the standard error of the estimate and the confidence half-width
// tq·SE/√SS. It needs n ≥ 3 and at least two distinct times. Times and positions are shifted
// by the first observation so that identical positions give exactly zero deviations.
func regress(obs []Observation, ts []float64, tq float64, weighted bool) (slope, r2, se, ci float64) {
	t0, d0 := ts[0], obs[0].Distance
	var sw, swt, swd float64
	for i, o := range obs {
		w := 1.0
		if weighted {
			w = 1 / (o.Uncertainty * o.Uncertainty)
		}
		sw += w
		swt += w * (ts[i] - t0)
		swd += w * (o.Distance - d0)
	}
	tBar, dBar := swt/sw, swd/sw
	var ss, scp, tss float64
	for i, o := range obs {
		w := 1.0
		if weighted {
			w = 1 / (o.Uncertainty * o.Uncertainty)
		}
		x := ts[i] - t0 - tBar
		y := o.Distance - d0 - dBar
		ss += w * x * x
		scp += w * x * y
		tss += w * y * y
	}
	slope = scp / ss
	var rss float64
	for i, o := range obs {
		w := 1.0
		if weighted {
			w = 1 / (o.Uncertainty * o.Uncertainty)
		}
		r := o.Distance - d0 - dBar - slope*(ts[i]-t0-tBar)
		rss += w * r * r
	}
	r2 = math.NaN()
	if tss > 0 {
		r2 = slope * scp / tss
	}
	se = math.Sqrt(rss / float64(len(obs)-2))
	ci = tq * se / math.Sqrt(ss)
	return slope, r2, se, ci
}
