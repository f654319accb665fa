// Package demo builds tasi's demonstration input: a synthetic, seeded time series of
// shorelines on the real bundled coastline of Timor-Leste, with a known rate field.
//
// There is no public time series of satellite-derived shorelines for Timor-Leste, so the
// demo, the benchmarks and the server tests all analyse this one generated series. Keeping
// its recipe here means they measure the same thing.
package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/project"
	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/data"
	"github.com/tasi-gis/tasi/plan"
	"github.com/tasi-gis/tasi/vector/polyindex"
	"github.com/tasi-gis/tasi/vector/synthetic"
	"github.com/tasi-gis/tasi/vector/utm"
)

// Notice says what the demo shorelines are; print it wherever their results are shown.
const Notice = `THE DEMO SHORELINES ARE SYNTHETIC. There is no public time series of satellite-derived
shorelines for Timor-Leste, so tasi generated one from a seed on the real COD-AB coastline,
with a known rate field. The rates below measure how well tasi recovers that field; they
say nothing about the real coast of Timor-Leste.`

// Config is the recipe of a demo series.
type Config struct {
	Seed       uint64  // everything random derives from it
	Start, End int     // first and last year of shorelines
	PerYear    float64 // mean number of shorelines per year
}

// DefaultConfig is the series `tasi demo` generates: 1987–2024, about one shoreline a year.
func DefaultConfig() Config {
	return Config{Seed: 20261122, Start: 1987, End: 2024, PerYear: 1}
}

// Series is a generated demo series.
type Series struct {
	Reference  *data.Reference
	Zone       utm.Zone
	Shorelines []synthetic.Shoreline // in Zone's coordinates (metres)
	Rate       synthetic.RateField   // the true rate, m/yr, at a point in Zone's coordinates
}

// TimorLeste generates the series c on the bundled Timor-Leste coastline.
//
// The noise mimics satellite-derived shorelines (CoastSat reports 8–10 m RMSE on
// microtidal beaches): 8 m along-shore-correlated noise over 500 m, a 5 m seasonal swing,
// 6–15 m stated uncertainty, and 15 % of the coast lost to cloud in a typical scene.
// Lines keep the loops that moving the coast makes on tight bends, so that some cross
// themselves as real contour-traced shorelines do. The
// coast is moved along normals smoothed over the analysis' default baseline smoothing, so
// that the default transects measure the rate the field states.
func TimorLeste(c Config) (*Series, error) {
	if c.End <= c.Start {
		return nil, fmt.Errorf("demo series: end year %d must be after start year %d", c.End, c.Start)
	}
	if !(c.PerYear > 0) {
		return nil, fmt.Errorf("demo series: %v shorelines a year: must be positive", c.PerYear)
	}
	ref, err := data.TimorLeste()
	if err != nil {
		return nil, fmt.Errorf("demo series: %w", err)
	}
	zone, err := utm.ZoneOf(ref.Bound())
	if err != nil {
		return nil, fmt.Errorf("demo series: %w", err)
	}
	coast := project.MultiLineString(ref.Coastline.Clone(), zone.Forward)
	land := make([]orb.MultiPolygon, len(ref.Units))
	for i, u := range ref.Units {
		land[i] = project.MultiPolygon(u.Geometry.Clone(), zone.Forward)
	}
	rate := synthetic.DefaultRateField(coast.Bound(), c.Seed)
	shorelines, err := synthetic.Generate(coast, polyindex.New(land), rate, synthetic.Options{
		Seed:        c.Seed,
		Start:       time.Date(c.Start, 1, 1, 0, 0, 0, 0, time.UTC),
		End:         time.Date(c.End, 12, 31, 0, 0, 0, 0, time.UTC),
		PerYear:     c.PerYear,
		Noise:       8,
		NoiseLength: 500,
		Uncertainty: [2]float64{6, 15},
		CloudGap:    0.15,
		Seasonal:    5,
		Smoothing:   analysis.DefaultParams().Smoothing,
		// Contour-traced shorelines loop at river mouths, rocks and surf; so do these.
		KeepLoops: true,
	})
	if err != nil {
		return nil, fmt.Errorf("demo series: %w", err)
	}
	return &Series{Reference: ref, Zone: zone, Shorelines: shorelines, Rate: rate}, nil
}

// Input is the analysis input of the series: its shorelines in WGS84, marked synthetic,
// with the bundled coastline and sucos, as `tasi analyze` would read them from the demo's
// files.
func (s *Series) Input() analysis.Input {
	in := analysis.Input{Coast: s.Reference.Coastline, Units: s.Reference.Units}
	for i, sh := range s.Shorelines {
		in.Shorelines = append(in.Shorelines, analysis.Shoreline{
			Source:      fmt.Sprintf("synthetic %d", i+1),
			Date:        sh.Date,
			Uncertainty: sh.Uncertainty,
			Geometry:    project.MultiLineString(sh.Geometry.Clone(), s.Zone.Inverse),
			Synthetic:   true,
		})
	}
	return in
}

// Truth is the true rate (m/yr) at p, in the series' UTM coordinates.
func (s *Series) Truth(p orb.Point) float64 { return synthetic.Truth(s.Rate, p) }

// StraightCoast is the smallest input with a known answer, for tests of everything
// downstream of the analysis (stores, tiles, API): a 3 km straight coast in UTM 51S at
// northing 9,050,000 m with land to the south, one unit (TL999901, "Test", in posto
// TL9999 of municipality TL99 "Liquiçá", 500 people, households unknown), and five
// yearly shorelines 2000–2004 (uncertainty 10 m) moving seaward at rate m/yr, so every
// transect's LRR is rate.
func StraightCoast(rate float64) analysis.Input {
	zone := utm.Zone{Number: 51, South: true}
	inv := orb.Projection(zone.Inverse)
	line := func(x0, x1, y float64) orb.MultiLineString {
		return project.MultiLineString(orb.MultiLineString{{{x0, 9050000 + y}, {x1, 9050000 + y}}}, inv)
	}
	unit := project.MultiPolygon(orb.MultiPolygon{{{{699000, 9045000}, {704000, 9045000}, {704000, 9050000}, {699000, 9050000}, {699000, 9045000}}}}, inv)
	in := analysis.Input{
		Coast: line(700000, 703000, 0),
		Units: []analysis.AdminUnit{{Code: "TL999901", Name: "Test", ParentCode: "TL9999", ParentName: "Posto", RegionCode: "TL99",
			RegionName: "Liquiçá", Population: 500, Households: -1, Geometry: unit}},
	}
	for y := 2000; y <= 2004; y++ {
		in.Shorelines = append(in.Shorelines, analysis.Shoreline{
			Source: fmt.Sprintf("test %d", y), Date: time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), Uncertainty: 10,
			Geometry: line(699500, 703500, rate*float64(y-2000)),
		})
	}
	return in
}

// StraightCoastHazard analyses StraightCoast(rate) and forecasts it with opt: the run and
// its hazard zones, for tests of what stores and draws them.
func StraightCoastHazard(rate float64, opt plan.Options) (*analysis.Result, *plan.Hazard, error) {
	res, err := analysis.Run(context.Background(), StraightCoast(rate), analysis.DefaultParams())
	if err != nil {
		return nil, nil, err
	}
	f, err := plan.NewForecast(res, opt)
	if err != nil {
		return nil, nil, err
	}
	return res, f.Hazard(plan.Zones(res, f, nil)), nil
}
