package export

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/tasi-gis/tasi/plan"
	"github.com/tasi-gis/tasi/vector/utm"
)

// Column is one column of an at-risk list, the same in every format: the CSV header and
// the XLSX sheets name it, GeoJSON properties and KML fields carry its name, and the HXL
// row under the header tags it.
type Column struct {
	Name    string // stable snake_case name
	HXL     string // HXL hashtag and attributes (#adm1+code)
	Unit    string // unit of a number ("m", "m/yr", "people"), or "" for text and flags
	Meaning string // one line for the README and the KML schema

	kind     kind
	decimals int // for numbers: digits after the point in every format
	value    func(l *plan.List, r *plan.AtRisk) cell
}

// kind is the type of a column's values.
type kind uint8

const (
	textKind kind = iota
	numberKind
	boolKind
)

// cell is one value of a row, already in the form every format writes: numbers rounded
// to their column's decimals once, so that CSV, XLSX, GeoJSON and KML hold the same value.
type cell struct {
	empty bool    // no value: NaN, unknown, or empty text
	text  string  // the value as CSV and KML write it ("" when empty)
	num   float64 // numbers: the value text shows, parsed back
	b     bool    // flags
}

// textCell is a text value, with invalid UTF-8 replaced by U+FFFD so that every format
// holds the same valid text.
func textCell(s string) cell {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return cell{empty: s == "", text: s}
}

func boolCell(b bool) cell { return cell{text: strconv.FormatBool(b), b: b} }

// numberCell rounds v to decimals, or is empty when v is NaN or infinite.
func numberCell(v float64, decimals int) cell {
	s := num(v, decimals)
	if s == "" {
		return cell{empty: true}
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil { // cannot happen: s was formatted from a finite float
		return cell{empty: true}
	}
	return cell{text: s, num: n}
}

// ErrFormat is returned by ParseFormat for a format this package does not write.
var ErrFormat = errors.New("unknown export format")

// SeverityRule is the rule behind the severity column, written in every export's
// provenance (plan.Severity documents the same rule).
const SeverityRule = "high: the best-estimate shoreline reaches the community by the first " +
	"horizon with a probability of at least one half; medium: it does so by the second " +
	"horizon; low: the landward edge of the forecast band (or the setback) reaches it by " +
	"the last horizon; none otherwise"

// AtRiskColumns returns the columns of an at-risk list, in order: where the community is,
// how fast the shore moves there and when it arrives, its exposure at the list's selected
// horizon, the probability of being reached at every horizon (one column per horizon,
// named by its calendar year), the community's people and households and how they were
// counted, its severity, and the run. It fails when the list is not one a writer can
// write (see the writers).
func AtRiskColumns(l *plan.List) ([]Column, error) {
	if err := checkList(l); err != nil {
		return nil, err
	}
	sel := l.Selected
	cols := []Column{
		textColumn("municipality_code", "#adm1+code", "P-code of the municipality (ADM1)",
			func(r *plan.AtRisk) string { return r.Community.RegionCode }),
		textColumn("municipality_name", "#adm1+name", "English name of the municipality",
			func(r *plan.AtRisk) string { return r.Community.RegionName }),
		textColumn("posto_code", "#adm2+code", "P-code of the posto administrativo (ADM2)",
			func(r *plan.AtRisk) string { return r.Community.ParentCode }),
		textColumn("posto_name", "#adm2+name", "English name of the posto administrativo",
			func(r *plan.AtRisk) string { return r.Community.ParentName }),
		textColumn("suco_code", "#adm3+code", "P-code of the suco (ADM3)",
			func(r *plan.AtRisk) string { return r.Community.UnitCode }),
		textColumn("suco_name", "#adm3+name", "English name of the suco",
			func(r *plan.AtRisk) string { return r.Community.UnitName }),
		textColumn("community_name", "#loc+name", "name of the community (gazetteer locality or community layer)",
			func(r *plan.AtRisk) string { return r.Community.Name }),
		textColumn("community_code", "#loc+code", "code of the community",
			func(r *plan.AtRisk) string { return r.Community.Code }),
		numberColumn("lat", "#geo+lat", "degrees", 6, "latitude of the community (WGS84)",
			func(r *plan.AtRisk) float64 { return r.Community.Point[1] }),
		numberColumn("lon", "#geo+lon", "degrees", 6, "longitude of the community (WGS84, −180 to 180)",
			func(r *plan.AtRisk) float64 { return utm.WrapLongitude(r.Community.Point[0]) }),
		numberColumn("distance_to_shore_m", "#indicator+shore_distance", "m", 1,
			"how far the community lies landward of today's shoreline along the nearest transects",
			func(r *plan.AtRisk) float64 { return r.DistanceToShore }),
		numberColumn("rate_m_yr", "#indicator+shoreline_rate", "m/yr", 2,
			"local rate of shoreline change, negative for erosion",
			func(r *plan.AtRisk) float64 { return r.Rate }),
		numberColumn("rate_ci_m_yr", "#indicator+shoreline_rate+ci", "m/yr", 2,
			"half-width of the rate's confidence interval at the list's confidence level",
			func(r *plan.AtRisk) float64 { return r.RateCI }),
		textColumn("rate_method", "#meta+rate_method", "LRR, WLR, or EPR where a transect has only two dates",
			func(r *plan.AtRisk) string { return r.Method }),
		numberColumn("n_transects", "#meta+transects+num", "transects", 0,
			"number of transects the local rate comes from",
			func(r *plan.AtRisk) float64 { return float64(len(r.Transects)) }),
		textColumn("transect_ids", "#meta+transects+list", "labels of those transects, separated by \";\"",
			func(r *plan.AtRisk) string { return strings.Join(r.Transects, ";") }),
		numberColumn("year_reached", "#indicator+year_reached", "decimal year", 1,
			"when the best-estimate shoreline reaches the community; empty when not within a century",
			func(r *plan.AtRisk) float64 { return r.YearReached }),
		numberColumn("year_reached_band", "#indicator+year_reached+band", "decimal year", 1,
			"when the landward edge of the forecast band reaches it; empty when not within a century",
			func(r *plan.AtRisk) float64 { return r.YearReachedBand }),
		{
			Name: "horizon_year", HXL: "#date+year+horizon", Unit: "year", kind: numberKind,
			Meaning: "calendar year of the selected horizon, the one the list was filtered by and the next five columns are for",
			value: func(l *plan.List, _ *plan.AtRisk) cell {
				return numberCell(float64(l.Horizons[l.Selected].Year()), 0)
			},
		},
		{
			Name: "in_zone", HXL: "#indicator+in_zone", kind: boolKind,
			Meaning: "true when the community lies in the best-estimate hazard zone (or the setback) at the selected horizon",
			value:   func(_ *plan.List, r *plan.AtRisk) cell { return boolCell(r.Exposure[sel].InZone) },
		},
		{
			Name: "in_band", HXL: "#indicator+in_band", kind: boolKind,
			Meaning: "true when it lies in the zone of the landward edge of the forecast band (in_zone implies in_band)",
			value:   func(_ *plan.List, r *plan.AtRisk) cell { return boolCell(r.Exposure[sel].InBand) },
		},
		{
			Name: "p_reached", HXL: "#indicator+p_reached", Unit: "probability (0–1)", kind: numberKind, decimals: 3,
			Meaning: "probability that the shoreline has moved landward past the community by the selected horizon",
			value: func(_ *plan.List, r *plan.AtRisk) cell {
				return numberCell(r.Exposure[sel].Probability, 3)
			},
		},
		{
			Name: "people_at_risk", HXL: "#affected", Unit: "people", kind: numberKind,
			Meaning: "people of the community living inside the band-edge zone at the selected horizon (whole numbers)",
			value: func(_ *plan.List, r *plan.AtRisk) cell {
				return numberCell(r.Exposure[sel].People, 0)
			},
		},
		{
			Name: "households_at_risk", HXL: "#affected+hh", Unit: "households", kind: numberKind,
			Meaning: "households of the community living inside the band-edge zone at the selected horizon",
			value: func(_ *plan.List, r *plan.AtRisk) cell {
				return numberCell(r.Exposure[sel].Households, 0)
			},
		},
	}
	for i, h := range l.Horizons {
		cols = append(cols, Column{
			Name: "p_reached_" + strconv.Itoa(h.Year()), HXL: "#indicator+p_reached+y" + strconv.Itoa(h.Year()),
			Unit: "probability (0–1)", kind: numberKind, decimals: 3,
			Meaning: fmt.Sprintf("probability that the shoreline has moved landward past the community by %d (%d years after the reference date)", h.Year(), h.Years),
			value: func(_ *plan.List, r *plan.AtRisk) cell {
				return numberCell(r.Exposure[i].Probability, 3)
			},
		})
	}
	cols = append(cols,
		numberColumn("population", "#population", "people", 0, "people of the community",
			func(r *plan.AtRisk) float64 { return r.Community.Population }),
		numberColumn("households", "#population+hh", "households", 0, "households of the community",
			func(r *plan.AtRisk) float64 { return r.Community.Households }),
		textColumn("count_rule", "#meta+count_rule", "how people and households were counted (plan.CountRule)",
			func(r *plan.AtRisk) string { return string(r.Community.Rule) }),
		textColumn("severity", "#severity", "high, medium, low or none (rule in the provenance)",
			func(r *plan.AtRisk) string { return r.Severity.String() }),
		Column{
			Name: "run_id", HXL: "#meta+run+id", Meaning: "the analysis run the list comes from",
			value: func(l *plan.List, _ *plan.AtRisk) cell { return textCell(l.RunID) },
		},
		withValue(syntheticColumn(), func(l *plan.List, _ *plan.AtRisk) cell { return boolCell(l.Provenance.Synthetic) }),
		Column{
			Name: "reference_date", HXL: "#date+reference", Unit: "YYYY-MM-DD",
			Meaning: "the data's reference date the horizons count from",
			value:   func(l *plan.List, _ *plan.AtRisk) cell { return textCell(date(l.RefDate)) },
		},
	)
	return cols, nil
}

// syntheticColumn is the column that says in every row whether the run's shorelines were
// generated (tasi demo's) rather than seen. The caveats say so too, but a strict CSV
// reader sees no caveat, and a row copied out of its file keeps only its cells: the flag
// stands beside run_id in every at-risk list and relocation plan, in every format. Its
// value is the caller's.
func syntheticColumn() Column {
	return Column{
		Name: "data_synthetic", HXL: "#meta+synthetic", kind: boolKind,
		Meaning: "true when the run's shorelines were synthetic (generated by tasi demo): the row describes no real coast",
	}
}

// withValue returns c reading its cells with value.
func withValue(c Column, value func(*plan.List, *plan.AtRisk) cell) Column {
	c.value = value
	return c
}

func textColumn(name, hxl, meaning string, get func(*plan.AtRisk) string) Column {
	return Column{
		Name: name, HXL: hxl, Meaning: meaning, kind: textKind,
		value: func(_ *plan.List, r *plan.AtRisk) cell { return textCell(get(r)) },
	}
}

func numberColumn(name, hxl, unit string, decimals int, meaning string, get func(*plan.AtRisk) float64) Column {
	return Column{
		Name: name, HXL: hxl, Unit: unit, Meaning: meaning, kind: numberKind, decimals: decimals,
		value: func(_ *plan.List, r *plan.AtRisk) cell { return numberCell(get(r), decimals) },
	}
}

// checkList refuses a list the columns cannot describe: no horizon, a selected horizon
// out of range, two horizons in one calendar year (their columns would share a name), or
// a row without one exposure per horizon.
func checkList(l *plan.List) error {
	if l == nil {
		return errors.New("at-risk list: no list")
	}
	if len(l.Horizons) == 0 {
		return errors.New("at-risk list: no horizon")
	}
	if l.Selected < 0 || l.Selected >= len(l.Horizons) {
		return fmt.Errorf("at-risk list: selected horizon %d of %d", l.Selected, len(l.Horizons))
	}
	seen := make(map[int]bool, len(l.Horizons))
	for _, h := range l.Horizons {
		if seen[h.Year()] {
			return fmt.Errorf("at-risk list: two horizons in %d", h.Year())
		}
		seen[h.Year()] = true
	}
	for i := range l.Rows {
		r := &l.Rows[i]
		if len(r.Exposure) != len(l.Horizons) {
			return fmt.Errorf("at-risk list: row %d (community %q): %d exposures for %d horizons",
				i+1, r.Community.Code, len(r.Exposure), len(l.Horizons))
		}
		for j, e := range r.Exposure {
			if !e.Horizon.Date.IsZero() && e.Horizon.Year() != l.Horizons[j].Year() {
				return fmt.Errorf("at-risk list: row %d (community %q): exposure %d is for %d, the list's horizon %d is %d",
					i+1, r.Community.Code, j+1, e.Horizon.Year(), j+1, l.Horizons[j].Year())
			}
		}
	}
	return nil
}

// rowCells fills dst with the cells of one row.
func rowCells(dst []cell, cols []Column, l *plan.List, r *plan.AtRisk) []cell {
	dst = dst[:0]
	for i := range cols {
		dst = append(dst, cols[i].value(l, r))
	}
	return dst
}

// names returns the columns' names, and hxl their hashtags.
func names(cols []Column) []string {
	s := make([]string, len(cols))
	for i, c := range cols {
		s[i] = c.Name
	}
	return s
}

func hxlTags(cols []Column) []string {
	s := make([]string, len(cols))
	for i, c := range cols {
		s[i] = c.HXL
	}
	return s
}

// countRules returns the count rules the rows use, in plan's order, then any other.
func countRules(l *plan.List) []plan.CountRule {
	used := map[plan.CountRule]bool{}
	for i := range l.Rows {
		used[l.Rows[i].Community.Rule] = true
	}
	var rules []plan.CountRule
	for _, r := range []plan.CountRule{plan.FromLayer, plan.FromGrid, plan.EqualShare, plan.Unknown} {
		if used[r] {
			rules = append(rules, r)
			delete(used, r)
		}
	}
	var other []plan.CountRule
	for r := range used {
		if r != "" {
			other = append(other, r)
		}
	}
	slices.Sort(other)
	return append(rules, other...)
}
