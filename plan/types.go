package plan

import (
	"time"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/analysis"
)

// Horizon is a forecast horizon: a number of years after the reference date.
type Horizon struct {
	Years int       // years after the reference date
	Date  time.Time // the reference date plus Years
}

// Year is the calendar year of the horizon, as lists name it ("by 2045").
func (h Horizon) Year() int { return h.Date.Year() }

// Severity grades how soon and how surely the sea reaches a community (see Severities).
type Severity int

// Severities, from none to high. The rule (documented in the README and in every
// provenance sheet): High when the shoreline reaches the community by the first horizon
// with a probability of at least one half; Medium when it does so by the second; Low when
// the landward edge of the forecast band (or the setback) reaches it by the last horizon;
// None otherwise.
const (
	None Severity = iota
	Low
	Medium
	High
)

// String returns the severity as lists write it: "none", "low", "medium", "high".
func (s Severity) String() string {
	switch s {
	case Low:
		return "low"
	case Medium:
		return "medium"
	case High:
		return "high"
	}
	return "none"
}

// CountRule says how a community's people and households were counted.
type CountRule string

// Count rules, written in every row so that a reader knows where a number comes from.
const (
	// FromLayer: the community layer gave the counts.
	FromLayer CountRule = "community layer"
	// FromGrid: the suco's census counts spread over the settled cells of the population
	// grid (dasymetric mapping), the community holding the cells nearer to it than to any
	// other community of its suco.
	FromGrid CountRule = "census spread over the population grid"
	// EqualShare: the suco has no settled cell, so its census counts are shared equally
	// among its communities.
	EqualShare CountRule = "census shared equally (no settled cell in the suco)"
	// Unknown: no census count for the suco.
	Unknown CountRule = "unknown (no census count)"
)

// Community is a settlement that can be at risk: a gazetteer locality or a point of a
// community layer, with the admin units it lies in and its people and households.
type Community struct {
	Code, Name             string
	Point                  orb.Point // lon/lat
	UnitCode, UnitName     string    // suco (ADM3)
	ParentCode, ParentName string    // posto (ADM2)
	RegionCode, RegionName string    // municipality (ADM1)
	// Population and Households are the community's people and households, NaN where
	// unknown; Rule says how they were counted.
	Population, Households float64
	Rule                   CountRule
}

// Exposure is a community's exposure at one horizon.
type Exposure struct {
	Horizon Horizon
	// InZone: the community lies in the best-estimate hazard zone of the horizon or within
	// the setback of the forecast shoreline; InBand: the same for the landward edge of the
	// forecast band. InZone implies InBand.
	InZone, InBand bool
	// Probability that the shoreline has moved landward past the community by the horizon.
	Probability float64
	// People and Households of the community living in cells inside the band-edge zone
	// (the planning figure: everyone who may have to move), NaN where unknown.
	People, Households float64
}

// AtRisk is one community and its exposure at every horizon: one row of an at-risk list.
type AtRisk struct {
	Community Community
	Exposure  []Exposure // one per horizon, in the list's order
	// DistanceToShore is how far the community lies landward of today's shoreline along
	// the nearest transects (m, positive landward), NaN when no transect reaches it.
	DistanceToShore float64
	// Rate and RateCI are the local rate of change (m/yr, negative for erosion) and the
	// half-width of its confidence interval, from the transects named in Transects.
	Rate, RateCI float64
	Method       string   // LRR, WLR, or EPR where a transect has only two dates
	Transects    []string // labels of the transects the local rate comes from
	// YearReached is the decimal year the best-estimate shoreline reaches the community,
	// and YearReachedBand the year the landward band edge does; NaN when not within a
	// century of the reference date (accreting or stable coasts).
	YearReached, YearReachedBand float64
	Severity                     Severity
}

// List is an at-risk list with what a reader needs to trust it: the run, the reference
// date the horizons count from, the rules used, and the caveat of the boundary data.
type List struct {
	RunID    string
	RefDate  time.Time
	Horizons []Horizon
	// Selected is the index in Horizons of the horizon the list was filtered by.
	Selected int
	Rows     []AtRisk
	// Setback (m), Confidence (0–1) and RateKind (LRR or WLR) are the forecast settings.
	Setback, Confidence float64
	RateKind            string
	// Provenance is the run's: tasi version, inputs with their SHA-256, parameters.
	Provenance analysis.Provenance
	// Caveats are lines every export carries: OCHA marks the suco layer "for information
	// only, not official"; a synthetic run says it is synthetic.
	Caveats []string
}
