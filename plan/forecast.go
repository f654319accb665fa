package plan

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/vector/change"
)

// DefaultHorizons are the years after the reference date forecasts are made for: a
// decade, two and three, the span relocation and prepositioning plans look at.
var DefaultHorizons = []int{10, 20, 30}

// MaxHorizon is the furthest horizon, in years: a straight-line trend says nothing a
// century on.
const MaxHorizon = 100

// DefaultSetback is the distance (m) landward of the forecast shoreline that hazard zones
// and at-risk lists add: the width of beach and dune a storm takes beyond the trend.
const DefaultSetback = 50.0

// Options sets up a forecast. The zero value, with Defaults applied, forecasts LRR at
// 10, 20 and 30 years from the youngest shoreline with a 50 m setback, at the run's
// confidence level.
type Options struct {
	// Horizons are years after RefDate, each in 1..MaxHorizon.
	Horizons []int
	// RefDate is when "today" is: zero means the date of the run's youngest shoreline,
	// never the wall clock, so that the same run gives the same lists next year.
	RefDate time.Time
	// Rate is the regression forecasts extend: LRR or WLR (EPR where a transect has only
	// two dates, flagged in Trend.Method).
	Rate change.RateKind
	// Confidence of the forecast band, in (0, 1); 0 means the run's (DSAS: 0.9).
	Confidence float64
	// Setback (m) widens zones landward of the forecast shoreline; negative means none,
	// 0 means DefaultSetback.
	Setback float64
}

// Forecast holds the shoreline forecast of every transect of a run at every horizon.
type Forecast struct {
	RefDate    time.Time
	Horizons   []Horizon
	Confidence float64
	Setback    float64
	RateKind   change.RateKind
	// Trends holds each transect's trend; Method is "" for a transect with fewer than two
	// dates, which gets no forecast.
	Trends []change.Trend
	// Today is the youngest position of each transect (m along it, positive seaward); Best
	// and Edge the best estimate and the landward edge of the band at each horizon,
	// [transect][horizon]. NaN where there is no trend.
	Today      []float64
	Best, Edge [][]float64
}

// ErrNoForecast reports a run with no transect that has shorelines at two dates.
var ErrNoForecast = errors.New("no transect has shorelines at two dates to forecast from")

// NewForecast fits a trend to every transect of res and extends it to each horizon.
func NewForecast(res *analysis.Result, opt Options) (*Forecast, error) {
	if len(opt.Horizons) == 0 {
		opt.Horizons = DefaultHorizons
	}
	if opt.Confidence == 0 {
		opt.Confidence = res.Params.Confidence
	}
	if opt.Confidence == 0 { // a run read back from a store keeps no parameters
		opt.Confidence = analysis.DefaultParams().Confidence
	}
	if !(opt.Confidence > 0 && opt.Confidence < 1) {
		return nil, fmt.Errorf("forecast: confidence %v: must lie between 0 and 1", opt.Confidence)
	}
	switch {
	case opt.Setback == 0:
		opt.Setback = DefaultSetback
	case opt.Setback < 0 || math.IsNaN(opt.Setback):
		opt.Setback = 0
	}
	seen := make(map[int]bool)
	for _, y := range opt.Horizons {
		switch {
		case y < 1:
			return nil, fmt.Errorf("forecast: horizon %d years: must come after the reference date", y)
		case y > MaxHorizon:
			return nil, fmt.Errorf("forecast: horizon %d years: beyond %d years a linear trend says nothing", y, MaxHorizon)
		case seen[y]:
			return nil, fmt.Errorf("forecast: horizon %d years given twice", y)
		}
		seen[y] = true
	}
	hs := slices.Clone(opt.Horizons)
	slices.Sort(hs)

	obs := observations(res)
	f := &Forecast{RefDate: opt.RefDate, Confidence: opt.Confidence, Setback: opt.Setback, RateKind: opt.Rate,
		Trends: make([]change.Trend, len(res.Transects)), Today: make([]float64, len(res.Transects)),
		Best: make([][]float64, len(res.Transects)), Edge: make([][]float64, len(res.Transects))}
	if f.RefDate.IsZero() {
		for _, x := range res.Intersections {
			if x.Date.After(f.RefDate) {
				f.RefDate = x.Date
			}
		}
	}
	for _, y := range hs {
		f.Horizons = append(f.Horizons, Horizon{Years: y, Date: f.RefDate.AddDate(y, 0, 0)})
	}
	n := 0
	for i := range res.Transects {
		f.Best[i], f.Edge[i] = make([]float64, len(hs)), make([]float64, len(hs))
		tr, err := change.FitTrend(obs[i], opt.Rate)
		if err != nil {
			f.Today[i] = math.NaN()
			for h := range hs {
				f.Best[i][h], f.Edge[i][h] = math.NaN(), math.NaN()
			}
			continue
		}
		n++
		f.Trends[i], f.Today[i] = tr, tr.Anchor
		for h, hz := range f.Horizons {
			t := change.DecimalYear(hz.Date)
			f.Best[i][h], _ = tr.Predict(t)
			f.Edge[i][h], _ = tr.Band(t, opt.Confidence)
		}
	}
	if n == 0 {
		return nil, fmt.Errorf("forecast: %w", ErrNoForecast)
	}
	return f, nil
}

// observations gathers each transect's shoreline positions from the run's intersections,
// with the uncertainty of their shoreline (the run's default for a time series).
func observations(res *analysis.Result) [][]change.Observation {
	obs := make([][]change.Observation, len(res.Transects))
	def := res.Params.DefaultUncertainty
	if !(def > 0) {
		def = analysis.DefaultParams().DefaultUncertainty
	}
	for _, x := range res.Intersections {
		u := def
		if x.Shoreline < len(res.Shorelines) {
			u = res.Shorelines[x.Shoreline].Uncertainty
		}
		obs[x.Transect] = append(obs[x.Transect], change.Observation{Time: x.Date, Distance: x.Distance, Uncertainty: u})
	}
	return obs
}

// Eroding reports whether transect i has a trend that moves the shoreline landward:
// accreting and stable coasts have no hazard zone.
func (f *Forecast) Eroding(i int) bool {
	return f.Trends[i].Method != "" && f.Trends[i].Rate < 0
}
