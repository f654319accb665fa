package main

import (
	"errors"
	"flag"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/input"
	"github.com/tasi-gis/tasi/plan"
	"github.com/tasi-gis/tasi/vector/change"
)

// forecastFlags are the flags of the shoreline forecast, the same for `tasi analyze`
// (which stores the hazard zones with the run) and `tasi at-risk` (which lists the
// communities they reach).
type forecastFlags struct {
	horizons string
	refDate  string
	rate     string
	setback  float64
}

// register adds the flags to fs.
func (c *forecastFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.horizons, "horizons", "10,20,30", fmt.Sprintf("forecast horizons, years after the reference date (1 to %d)", plan.MaxHorizon))
	fs.StringVar(&c.refDate, "ref-date", "", "the date horizons count from (YYYY-MM-DD); default the youngest shoreline's, never today's")
	fs.StringVar(&c.rate, "rate", "lrr", "the rate forecasts extend: lrr or wlr")
	fs.Float64Var(&c.setback, "setback", plan.DefaultSetback, "metres landward of the forecast shoreline added to hazard zones and counted at risk (0: none)")
}

// options turns the flags into plan.Options, with the confidence left to the caller. It
// checks everything plan.NewForecast would refuse, so that a command fails on a bad flag
// before it reads or writes anything.
func (c forecastFlags) options() (plan.Options, error) {
	var opt plan.Options
	seen := map[int]bool{}
	for _, s := range strings.Split(c.horizons, ",") {
		y, err := strconv.Atoi(strings.TrimSpace(s))
		switch {
		case err != nil:
			return opt, fmt.Errorf("--horizons %q: want years after the reference date, such as 10,20,30", c.horizons)
		case y < 1:
			return opt, fmt.Errorf("--horizons %q: %d years is not after the reference date: horizons are 1 to %d years after it", c.horizons, y, plan.MaxHorizon)
		case y > plan.MaxHorizon:
			return opt, fmt.Errorf("--horizons %q: %d years: beyond %d years a linear trend says nothing", c.horizons, y, plan.MaxHorizon)
		case seen[y]:
			return opt, fmt.Errorf("--horizons %q: %d years given twice", c.horizons, y)
		}
		seen[y] = true
		opt.Horizons = append(opt.Horizons, y)
	}
	if c.refDate != "" {
		d, err := input.DateParser{Latest: time.Now().AddDate(plan.MaxHorizon, 0, 0)}.Parse(c.refDate)
		if err != nil {
			return opt, fmt.Errorf("--ref-date: %w", err)
		}
		opt.RefDate = d
	}
	switch strings.ToLower(c.rate) {
	case "lrr":
		opt.Rate = change.LinearRate
	case "wlr":
		opt.Rate = change.WeightedRate
	default:
		return opt, fmt.Errorf("--rate %q: want lrr or wlr", c.rate)
	}
	switch {
	case c.setback < 0 || math.IsNaN(c.setback) || math.IsInf(c.setback, 0):
		return opt, fmt.Errorf("--setback %g: must be zero or a positive number of metres", c.setback)
	case c.setback == 0:
		opt.Setback = -1 // none (plan reads 0 as its default)
	default:
		opt.Setback = c.setback
	}
	return opt, nil
}

// forecastHazard forecasts res with opt and builds its hazard zones, clipped to the run's
// admin units. A run with no transect that has shorelines at two dates has no forecast: it
// returns nil and why, which is a skip to report, not a failure.
func forecastHazard(res *analysis.Result, opt plan.Options) (h *plan.Hazard, skipped string, err error) {
	f, err := plan.NewForecast(res, opt)
	if errors.Is(err, plan.ErrNoForecast) {
		return nil, plan.ErrNoForecast.Error(), nil
	}
	if err != nil {
		return nil, "", err
	}
	return f.Hazard(plan.Zones(res, f, nil)), "", nil
}

// forecastParameters returns the settings of h as the run's record keeps them, beside the
// flags: the reference date and horizons as used, which the flags leave to the data.
func forecastParameters(h *plan.Hazard, skipped string) map[string]string {
	if h == nil {
		return map[string]string{"forecast": "none: " + skipped}
	}
	years := make([]string, len(h.Horizons))
	for i, hz := range h.Horizons {
		years[i] = strconv.Itoa(hz.Years)
	}
	return map[string]string{
		"forecast-ref-date":   h.RefDate.UTC().Format(time.DateOnly),
		"forecast-horizons":   strings.Join(years, ","),
		"forecast-rate":       h.RateKind.String(),
		"forecast-confidence": strconv.FormatFloat(h.Confidence*100, 'g', -1, 64),
		"forecast-setback":    strconv.FormatFloat(h.Setback, 'g', -1, 64),
	}
}
