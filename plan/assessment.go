package plan

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/raster"
	"github.com/tasi-gis/tasi/vector/utm"
)

// Inputs are what an assessment needs besides the run's result and forecast: where the
// communities are and how many people live there, and what the lists say about the run.
type Inputs struct {
	// Units are the admin units (lon/lat) with their census Population and Households (-1
	// when unknown): the communities' sucos, whose counts the grid spreads.
	Units []analysis.AdminUnit
	// Communities are the settlements to assess, with their units set.
	Communities []Community
	// Grid holds people per cell in lon/lat; nil leaves the counts as the communities
	// give them (NaN for unknown).
	Grid *raster.Grid
	// RunID, Provenance and Caveats are carried by every list.
	RunID      string
	Provenance analysis.Provenance
	Caveats    []string
}

// Municipality is a municipality (ADM1) of an assessment's units.
type Municipality struct{ Code, Name string }

// Assessment is the exposure of every community to a run's forecast, at every horizon of
// the forecast: what the at-risk lists of any horizon and municipality are filtered from.
// NewAssessment makes it, which takes a second or two for a country (zones, population
// allocation); List filters it in milliseconds. It is not changed after NewAssessment and
// is safe for concurrent use.
type Assessment struct {
	RunID    string
	RefDate  time.Time
	Horizons []Horizon
	// Setback (m), Confidence (0–1) and RateKind (LRR or WLR) are the forecast settings.
	Setback, Confidence float64
	RateKind            string
	// Rows holds every community, at risk or not, in the order of Inputs.Communities.
	Rows []AtRisk
	// Municipalities are those of the units, by P-code.
	Municipalities []Municipality
	// Zones is the number of hazard zones the communities were assessed against.
	Zones      int
	Provenance analysis.Provenance
	Caveats    []string
	// What plans made from the assessment need besides its rows: the run's UTM zone and
	// its hazard zones (in that zone), the admin units in lon/lat with their census counts
	// (Inputs.Units), and the codes of the run's own units (the measured coast).
	UTM         utm.Zone
	HazardZones []Zone
	Units       []analysis.AdminUnit
	RunUnits    []string
}

// NewAssessment builds the hazard zones of forecast f of run res, spreads the census
// counts of in.Units over in.Grid among in.Communities (Allocate, which sets their counts
// and rules in place; without a grid, only the rules are set: FromLayer where a count is
// given, Unknown otherwise) and assesses every community (Assess). ctx cancels the
// allocation.
func NewAssessment(ctx context.Context, res *analysis.Result, f *Forecast, in Inputs) (*Assessment, error) {
	zones := Zones(res, f, nil)
	var pop *Population
	if in.Grid != nil {
		var err error
		if pop, err = Allocate(ctx, in.Units, in.Grid, in.Communities); err != nil {
			return nil, err
		}
	} else {
		// Without a grid, a community's counts are the layer's or unknown, and its row
		// says which (Allocate sets the rule otherwise).
		for i := range in.Communities {
			c := &in.Communities[i]
			switch {
			case c.Rule != "":
			case !math.IsNaN(c.Population) || !math.IsNaN(c.Households):
				c.Rule = FromLayer
			default:
				c.Rule = Unknown
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("assess communities: %w", err)
	}
	a := &Assessment{
		RunID: in.RunID, RefDate: f.RefDate, Horizons: f.Horizons, Setback: f.Setback, Confidence: f.Confidence,
		RateKind: f.RateKind.String(), Rows: Assess(res, f, zones, in.Communities, pop), Zones: len(zones),
		Provenance: in.Provenance, Caveats: in.Caveats,
		UTM: res.Zone, HazardZones: zones, Units: in.Units, RunUnits: make([]string, len(res.Units)),
	}
	for i, u := range res.Units {
		a.RunUnits[i] = u.Unit.Code
	}
	for _, u := range in.Units {
		if u.RegionCode != "" && !slices.ContainsFunc(a.Municipalities, func(m Municipality) bool { return m.Code == u.RegionCode }) {
			a.Municipalities = append(a.Municipalities, Municipality{Code: u.RegionCode, Name: u.RegionName})
		}
	}
	slices.SortFunc(a.Municipalities, func(x, y Municipality) int { return strings.Compare(x.Code, y.Code) })
	return a, nil
}

// List returns the at-risk list opt selects (Select): the communities in the band-edge
// zone of the horizon, filtered and sorted, with the forecast settings and provenance.
func (a *Assessment) List(opt ListOptions) (*List, error) {
	codes := make([]string, len(a.Municipalities))
	for i, m := range a.Municipalities {
		codes[i] = m.Code
	}
	h, rows, err := Select(a.Rows, &Forecast{Horizons: a.Horizons}, codes, opt)
	if err != nil {
		return nil, err
	}
	return &List{
		RunID: a.RunID, RefDate: a.RefDate, Horizons: a.Horizons, Selected: h, Rows: rows,
		Setback: a.Setback, Confidence: a.Confidence, RateKind: a.RateKind, Provenance: a.Provenance, Caveats: a.Caveats,
	}, nil
}

// FindMunicipality returns the municipality of the assessment whose P-code or English
// name is s, in any case.
func (a *Assessment) FindMunicipality(s string) (Municipality, bool) {
	for _, m := range a.Municipalities {
		if strings.EqualFold(s, m.Code) || strings.EqualFold(s, m.Name) {
			return m, true
		}
	}
	return Municipality{}, false
}

// Tally is what a list says of one place at one horizon: its rows, and the sums of their
// people and households at risk.
type Tally struct {
	Horizon Horizon
	// Communities is the number of the place's communities in the list of the horizon
	// (those in its band-edge zone).
	Communities int
	// People and Households are the sums of those communities' people and households at
	// risk, each rounded to a whole number first, as the lists write them: what a reader
	// sums from the rows. Uncounted is the number of those communities whose people or
	// households are unknown, and so are missing from the sums.
	People, Households float64
	Uncounted          int
}

// TallyUnit returns, for every horizon, the tally of the communities of the admin unit
// with P-code unit.
func (a *Assessment) TallyUnit(unit string) []Tally {
	out := make([]Tally, len(a.Horizons))
	for h, hz := range a.Horizons {
		out[h].Horizon = hz
	}
	for i := range a.Rows {
		r := &a.Rows[i]
		if r.Community.UnitCode != unit {
			continue
		}
		for h, e := range r.Exposure {
			if !e.InBand {
				continue
			}
			t := &out[h]
			t.Communities++
			if math.IsNaN(e.People) || math.IsNaN(e.Households) {
				t.Uncounted++
			}
			if !math.IsNaN(e.People) {
				t.People += math.RoundToEven(e.People)
			}
			if !math.IsNaN(e.Households) {
				t.Households += math.RoundToEven(e.Households)
			}
		}
	}
	return out
}

// ErrHorizon reports a horizon that is not one of a forecast's.
var ErrHorizon = errors.New("not one of the forecast's horizons")

// ParseHorizon returns the index in horizons (counted from ref) of the horizon s names:
// years after the reference date ("20") or a calendar year ("2044"); "" names the middle
// horizon. Errors say what is wrong with s without naming where it came from; an error
// for a horizon that is well formed but not among horizons wraps ErrHorizon.
func ParseHorizon(s string, ref time.Time, horizons []Horizon) (int, error) {
	if len(horizons) == 0 {
		return 0, errors.New("the forecast has no horizon")
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return len(horizons) / 2, nil
	}
	years, err := HorizonYears(s, ref)
	if err != nil {
		return 0, err
	}
	for i, hz := range horizons {
		if hz.Years == years {
			return i, nil
		}
	}
	have := make([]string, len(horizons))
	for i, hz := range horizons {
		have[i] = fmt.Sprintf("%d (%d)", hz.Years, hz.Year())
	}
	return 0, fmt.Errorf("%s after the reference date %s: %w, %s", yearsText(years), ref.Format(time.DateOnly), ErrHorizon, strings.Join(have, ", "))
}

// HorizonYears reads a horizon as years after the reference date ref: a number of years
// from 1 to MaxHorizon ("20"), or a calendar year after ref's and within MaxHorizon years
// of it ("2044", any number from 1000). A number of years is checked without ref.
func HorizonYears(s string, ref time.Time) (int, error) {
	v, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0, errors.New("want years after the reference date (20) or a calendar year (2045)")
	}
	if v >= 1000 { // a calendar year
		if ref.IsZero() {
			return 0, fmt.Errorf("the year %d: no reference date to count from", v)
		}
		years := v - ref.Year()
		switch {
		case years < 1:
			return 0, fmt.Errorf("the year %d is before or in the reference year %d (the reference date is %s): a horizon must come after it",
				v, ref.Year(), ref.Format(time.DateOnly))
		case years > MaxHorizon:
			return 0, fmt.Errorf("the year %d is %s after the reference date %s; it must be 1 to %d: beyond that a linear trend says nothing",
				v, yearsText(years), ref.Format(time.DateOnly), MaxHorizon)
		}
		return years, nil
	}
	switch {
	case v < 1:
		return 0, fmt.Errorf("%s: a horizon must come after the reference date; it must be 1 to %d years, or a calendar year", yearsText(v), MaxHorizon)
	case v > MaxHorizon:
		return 0, fmt.Errorf("%s after the reference date; it must be 1 to %d: beyond that a linear trend says nothing", yearsText(v), MaxHorizon)
	}
	return v, nil
}

func yearsText(n int) string {
	if n == 1 || n == -1 {
		return fmt.Sprintf("%d year", n)
	}
	return fmt.Sprintf("%d years", n)
}

// RunConfidence returns the confidence level (0–1) run prov was analysed at, from its
// "confidence" parameter in percent, or 0 when it does not say (Options then takes the
// result's or the default).
func RunConfidence(prov analysis.Provenance) float64 {
	if v, err := strconv.ParseFloat(prov.Parameters["confidence"], 64); err == nil && v > 0 && v < 100 {
		return v / 100
	}
	return 0
}
