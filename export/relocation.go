package export

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/tasi-gis/tasi/plan"
	"github.com/tasi-gis/tasi/vector/utm"
)

// A relocation plan is written as one row per community and site option (rank 1 to 3),
// and one row with empty site columns for a community without any, so that a row is
// flat for HXL tools and spreadsheets. Its columns share the at-risk lists' Column
// description and cell rounding; only the way a value is taken from a row differs.

// relocRow is one row of a relocation export: a community, and one of its options or
// none.
type relocRow struct {
	r *plan.Relocation
	o *plan.SiteOption // nil for a community without options
}

// relocColumn is a Column with the way its value is taken from a relocation row.
type relocColumn struct {
	Column
	get func(p *plan.RelocationPlan, row relocRow) cell
}

// relocRows flattens a plan into its rows, in the plan's order, options by rank.
func relocRows(p *plan.RelocationPlan) []relocRow {
	var out []relocRow
	for i := range p.Rows {
		r := &p.Rows[i]
		if len(r.Options) == 0 {
			out = append(out, relocRow{r: r})
			continue
		}
		for j := range r.Options {
			out = append(out, relocRow{r: r, o: &r.Options[j]})
		}
	}
	return out
}

// RelocationColumns returns the columns of a relocation plan's exports, in order: where
// the community is, the people to move and the land and covered space they need (Sphere),
// the option's rank, the site (code, name, kind, suco, centre), its scope, distance, area,
// capacity, whether it is partial, its elevation and slope, whether the elevation
// criterion was applied, the reason codes of the option and of the community, the
// horizon and the run. It fails on a plan a writer cannot write.
func RelocationColumns(p *plan.RelocationPlan) ([]Column, error) {
	cols, err := relocationColumns(p)
	if err != nil {
		return nil, err
	}
	out := make([]Column, len(cols))
	for i, c := range cols {
		out[i] = c.Column
	}
	return out, nil
}

func relocationColumns(p *plan.RelocationPlan) ([]relocColumn, error) {
	if err := checkPlan(p); err != nil {
		return nil, err
	}
	community := func(name, hxl, meaning string, get func(c *plan.Community) string) relocColumn {
		return relocColumn{Column{Name: name, HXL: hxl, Meaning: meaning, kind: textKind},
			func(_ *plan.RelocationPlan, row relocRow) cell { return textCell(get(&row.r.AtRisk.Community)) }}
	}
	number := func(name, hxl, unit string, decimals int, meaning string, get func(row relocRow) float64) relocColumn {
		return relocColumn{Column{Name: name, HXL: hxl, Unit: unit, Meaning: meaning, kind: numberKind, decimals: decimals},
			func(_ *plan.RelocationPlan, row relocRow) cell { return numberCell(get(row), decimals) }}
	}
	option := func(name, hxl, unit string, decimals int, meaning string, get func(o *plan.SiteOption) float64) relocColumn {
		return number(name, hxl, unit, decimals, meaning, func(row relocRow) float64 {
			if row.o == nil {
				return math.NaN()
			}
			return get(row.o)
		})
	}
	optionText := func(name, hxl, meaning string, get func(o *plan.SiteOption) string) relocColumn {
		return relocColumn{Column{Name: name, HXL: hxl, Meaning: meaning, kind: textKind},
			func(_ *plan.RelocationPlan, row relocRow) cell {
				if row.o == nil {
					return cell{empty: true}
				}
				return textCell(get(row.o))
			}}
	}
	return []relocColumn{
		community("municipality_code", "#adm1+code", "P-code of the municipality (ADM1)", func(c *plan.Community) string { return c.RegionCode }),
		community("municipality_name", "#adm1+name", "English name of the municipality", func(c *plan.Community) string { return c.RegionName }),
		community("posto_code", "#adm2+code", "P-code of the posto administrativo (ADM2)", func(c *plan.Community) string { return c.ParentCode }),
		community("posto_name", "#adm2+name", "English name of the posto administrativo", func(c *plan.Community) string { return c.ParentName }),
		community("suco_code", "#adm3+code", "P-code of the community's suco (ADM3)", func(c *plan.Community) string { return c.UnitCode }),
		community("suco_name", "#adm3+name", "English name of the community's suco", func(c *plan.Community) string { return c.UnitName }),
		community("community_name", "#loc+name", "name of the community at risk", func(c *plan.Community) string { return c.Name }),
		community("community_code", "#loc+code", "code of the community", func(c *plan.Community) string { return c.Code }),
		number("lat", "#geo+lat", "degrees", 6, "latitude of the community (WGS84)", func(row relocRow) float64 { return row.r.AtRisk.Community.Point[1] }),
		number("lon", "#geo+lon", "degrees", 6, "longitude of the community (WGS84, −180 to 180)",
			func(row relocRow) float64 { return utm.WrapLongitude(row.r.AtRisk.Community.Point[0]) }),
		number("people_to_move", "#affected", "people", 0, "people of the community living in the band-edge zone of the horizon (whole numbers); empty when unknown",
			func(row relocRow) float64 { return row.r.People }),
		number("households_to_move", "#affected+hh", "households", 0, "their households", func(row relocRow) float64 { return row.r.Households }),
		number("land_needed_m2", "#indicator+land_needed", "m²", 0, "usable land they need: people × the area per person (provenance)",
			func(row relocRow) float64 { return row.r.Land }),
		number("covered_needed_m2", "#indicator+covered_needed", "m²", 0, "covered living space they need: people × the covered area per person (Sphere)",
			func(row relocRow) float64 { return row.r.Covered }),
		option("rank", "#meta+rank", "", 0, "1 for the first choice; empty when the community has no site", func(o *plan.SiteOption) float64 { return float64(o.Rank) }),
		optionText("site_code", "#loc+site+code", "code of the site (grid cells: suco P-code and the cell's south-west corner in UTM)", func(o *plan.SiteOption) string { return o.Site.Code }),
		optionText("site_name", "#loc+site+name", "name of the site", func(o *plan.SiteOption) string { return o.Site.Name }),
		optionText("site_kind", "#meta+site+kind", "grid cell or site file", func(o *plan.SiteOption) string { return o.Site.Kind }),
		optionText("site_suco_code", "#adm3+site+code", "P-code of the suco the site lies in", func(o *plan.SiteOption) string { return o.Site.UnitCode }),
		optionText("scope", "#meta+scope", "suco: in the community's suco; posto: in another suco of its posto", func(o *plan.SiteOption) string { return o.Scope }),
		option("site_lat", "#geo+site+lat", "degrees", 6, "latitude of the site's centroid (WGS84)", func(o *plan.SiteOption) float64 { return o.Centre[1] }),
		option("site_lon", "#geo+site+lon", "degrees", 6, "longitude of the site's centroid (WGS84, −180 to 180)",
			func(o *plan.SiteOption) float64 { return utm.WrapLongitude(o.Centre[0]) }),
		option("distance_m", "#indicator+distance", "m", 0, "straight-line distance from the community to the site's centroid",
			func(o *plan.SiteOption) float64 { return o.Distance }),
		option("site_area_m2", "#indicator+site_area", "m²", 0, "usable area of the site (grid cells: the part outside the zones)",
			func(o *plan.SiteOption) float64 { return o.Area }),
		option("capacity_people", "#capacity", "people", 0, "people the site holds: its own figure, or area ÷ area per person",
			func(o *plan.SiteOption) float64 { return o.Capacity }),
		{Column{Name: "partial", HXL: "#indicator+partial", kind: boolKind, Meaning: "true when the site holds fewer people than the community has"},
			func(_ *plan.RelocationPlan, row relocRow) cell {
				if row.o == nil {
					return cell{empty: true}
				}
				return boolCell(row.o.Partial)
			}},
		option("elevation_m", "#indicator+elevation", "m", 1, "mean elevation of the site above mean sea level (DEM); empty without a DEM",
			func(o *plan.SiteOption) float64 { return o.Elevation }),
		option("slope_deg", "#indicator+slope", "degrees", 1, "mean slope of the site (Horn's method on the DEM); empty without a DEM",
			func(o *plan.SiteOption) float64 { return o.Slope }),
		{Column{Name: "elevation_applied", HXL: "#meta+elevation_applied", kind: boolKind,
			Meaning: "true when a DEM was given and the minimum elevation and maximum slope were applied; false: they were not"},
			func(p *plan.RelocationPlan, _ relocRow) cell { return boolCell(p.ElevationApplied) }},
		optionText("site_reasons", "#meta+site+reasons", "reason codes of the option, separated by \";\" (README)",
			func(o *plan.SiteOption) string { return strings.Join(o.Reasons, plan.ReasonSeparator) }),
		{Column{Name: "community_reasons", HXL: "#meta+reasons", kind: textKind,
			Meaning: "reason codes of the community: why it has fewer than 3 sites, how its people were counted"},
			func(_ *plan.RelocationPlan, row relocRow) cell {
				return textCell(strings.Join(row.r.Reasons, plan.ReasonSeparator))
			}},
		{Column{Name: "horizon_year", HXL: "#date+year+horizon", Unit: "year", kind: numberKind,
			Meaning: "calendar year of the horizon: the communities are at risk by it (band edge)"},
			func(p *plan.RelocationPlan, _ relocRow) cell { return numberCell(float64(p.Horizon.Year()), 0) }},
		{Column{Name: "run_id", HXL: "#meta+run+id", kind: textKind, Meaning: "the analysis run the plan comes from"},
			func(p *plan.RelocationPlan, _ relocRow) cell { return textCell(p.RunID) }},
		{syntheticColumn(), func(p *plan.RelocationPlan, _ relocRow) cell { return boolCell(p.Provenance.Synthetic) }},
		{Column{Name: "reference_date", HXL: "#date+reference", Unit: "YYYY-MM-DD", kind: textKind,
			Meaning: "the data's reference date the horizon counts from"},
			func(p *plan.RelocationPlan, _ relocRow) cell { return textCell(date(p.RefDate)) }},
	}, nil
}

// checkPlan refuses a plan the columns cannot describe.
func checkPlan(p *plan.RelocationPlan) error {
	if p == nil {
		return errors.New("relocation plan: no plan")
	}
	if p.Horizon.Date.IsZero() {
		return errors.New("relocation plan: no horizon")
	}
	for i := range p.Rows {
		if n := len(p.Rows[i].Options); n > plan.MaxSiteOptions {
			return fmt.Errorf("relocation plan: row %d (community %q): %d options, at most %d",
				i+1, p.Rows[i].AtRisk.Community.Code, n, plan.MaxSiteOptions)
		}
	}
	return nil
}

// relocCells fills dst with the cells of one row.
func relocCells(dst []cell, cols []relocColumn, p *plan.RelocationPlan, row relocRow) []cell {
	dst = dst[:0]
	for i := range cols {
		dst = append(dst, cols[i].get(p, row))
	}
	return dst
}

func relocDescriptions(cols []relocColumn) []Column {
	out := make([]Column, len(cols))
	for i, c := range cols {
		out[i] = c.Column
	}
	return out
}

// RelocationFileName is the name a download of p in format f should have:
// tasi-relocation-2054.csv for the horizon of 2054.
func RelocationFileName(f Format, p *plan.RelocationPlan) string {
	name := "tasi-relocation"
	if p != nil && !p.Horizon.Date.IsZero() {
		name += "-" + strconv.Itoa(p.Horizon.Year())
	}
	return name + f.Extension()
}

// WriteRelocation writes p to w in format f: RelocationCSV, RelocationXLSX or
// RelocationGeoJSON. KML is not offered for plans (an error wrapping ErrFormat).
func WriteRelocation(w io.Writer, f Format, p *plan.RelocationPlan) error {
	switch f {
	case CSV:
		return RelocationCSV(w, p)
	case XLSX:
		return RelocationXLSX(w, p)
	case GeoJSON:
		return RelocationGeoJSON(w, p)
	}
	return fmt.Errorf("%w %v for a relocation plan: want csv, xlsx or geojson", ErrFormat, f)
}
