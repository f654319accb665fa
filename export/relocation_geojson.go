package export

import (
	"bufio"
	"io"
	"maps"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/tasi-gis/tasi/plan"
	"github.com/tasi-gis/tasi/vector/utm"
)

// relocationMeta is what a relocation plan's GeoJSON carries as its foreign member
// "tasi", and its XLSX Settings sheet lists: the standards and criteria with their
// sources, whether the elevation criterion was applied, the run and its provenance.
type relocationMeta struct {
	RunID            string            `json:"run_id"`
	ReferenceDate    string            `json:"reference_date"`
	HorizonYear      int               `json:"horizon_year"`
	HorizonYears     int               `json:"horizon_years"`
	Setback          *float64          `json:"setback_m"`
	AreaPerPerson    float64           `json:"area_per_person_m2"`
	CoveredPerPerson float64           `json:"covered_per_person_m2"`
	Cell             *float64          `json:"cell_m"`
	MinCellShare     *float64          `json:"min_cell_share"`
	ElevationApplied bool              `json:"elevation_applied"`
	MinElevation     *float64          `json:"min_elevation_m"`
	MaxSlope         *float64          `json:"max_slope_deg"`
	Sites            string            `json:"sites"`
	DEM              string            `json:"dem"`
	Communities      int               `json:"communities"`
	Rules            []string          `json:"rules"`
	Caveats          []string          `json:"caveats"`
	Version          string            `json:"tasi_version"`
	Inputs           []inputMeta       `json:"inputs"`
	Parameters       map[string]string `json:"parameters"`
	Columns          []columnMeta      `json:"columns"`
}

// relocationRules are the rules of a relocation plan, in every export's provenance.
var relocationRules = []string{
	"communities: those in the band-edge hazard zone of the longest horizon with people living in it",
	"safe land: each suco minus every band-edge zone of that horizon; the zones already include the forecast's setback",
	"candidates: sites of the file, or grid cells clipped to the safe land (slivers under the minimum share of a cell left out); sites of the file touching a zone are left out",
	"capacity: the site's own figure, or its area ÷ the area per person, rounded down (Sphere 2018: 45 m² per person in camp-type settlements, 3.5 m² of it covered)",
	"ranking: sites that hold all the people first, then the community's suco before the rest of its posto, then by straight-line distance to the site's centroid; at most 3",
	"elevation (only with a DEM): the mean of the DEM cells whose centre lies in the site must be at least the minimum elevation and their mean slope (Horn's method) at most the maximum slope (UNHCR: slopes beyond about 10 % are hard to settle)",
}

func newRelocationMeta(p *plan.RelocationPlan, cols []Column) relocationMeta {
	m := relocationMeta{
		RunID: p.RunID, ReferenceDate: date(p.RefDate), HorizonYear: p.Horizon.Year(), HorizonYears: p.Horizon.Years,
		Setback: finite(p.Setback), AreaPerPerson: p.AreaPerPerson, CoveredPerPerson: p.CoveredPerPerson,
		ElevationApplied: p.ElevationApplied, Sites: p.Sites, DEM: p.DEM, Communities: len(p.Rows),
		Rules: relocationRules, Caveats: append([]string{}, p.Caveats...), Version: p.Provenance.Version,
		Inputs: []inputMeta{}, Parameters: map[string]string{},
	}
	if p.Cell > 0 {
		m.Cell, m.MinCellShare = finite(p.Cell), finite(p.MinCellShare)
	}
	if p.ElevationApplied {
		m.MinElevation, m.MaxSlope = finite(p.MinElevation), finite(p.MaxSlope)
	}
	for _, in := range p.Provenance.Inputs {
		m.Inputs = append(m.Inputs, inputMeta{Role: in.Role, Path: in.Path, SHA256: in.SHA256})
	}
	maps.Copy(m.Parameters, p.Provenance.Parameters)
	for _, c := range cols {
		m.Columns = append(m.Columns, columnMeta{Name: c.Name, HXL: c.HXL, Unit: c.Unit})
	}
	return m
}

// RelocationGeoJSON writes a relocation plan as an RFC 7946 FeatureCollection: one
// feature per community and site option, its geometry the site (a grid cell's part
// outside the zones, a site's polygon or point, lon/lat), its properties the columns of
// RelocationColumns in order, so that each site carries the community it serves. A
// community without a site is a feature with a null geometry and empty site properties.
// The collection has a "name" and a foreign member "tasi" with the plan's settings
// (elevation_applied among them), rules, caveats and provenance. Numbers are written as
// the CSV writes them; unknown values are null.
func RelocationGeoJSON(w io.Writer, p *plan.RelocationPlan) error {
	cols, err := relocationColumns(p)
	if err != nil {
		return err
	}
	desc := relocDescriptions(cols)
	meta, err := marshalJSON(newRelocationMeta(p, desc))
	if err != nil {
		return err
	}
	name := RelocationFileName(GeoJSON, p)
	bw := bufio.NewWriterSize(w, 64<<10)
	b := make([]byte, 0, 4096)
	b = append(b, `{"type":"FeatureCollection","name":`...)
	b = appendJSONString(b, name[:len(name)-len(GeoJSON.Extension())])
	b = append(b, `,"tasi":`...)
	b = append(b, meta...)
	b = append(b, `,"features":[`...)
	if _, err := bw.Write(b); err != nil {
		return err
	}
	cells := make([]cell, 0, len(cols))
	for i, row := range relocRows(p) {
		cells = relocCells(cells, cols, p, row)
		b = b[:0]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, "\n{\"type\":\"Feature\",\"geometry\":"...)
		if row.o == nil || row.o.Site.Geometry == nil {
			b = append(b, "null"...)
		} else {
			g, err := geojson.NewGeometry(roundGeometry(row.o.Site.Geometry)).MarshalJSON()
			if err != nil {
				return err
			}
			b = append(b, g...)
		}
		b = append(b, `,"properties":`...)
		b = appendProperties(b, desc, cells)
		b = append(b, '}')
		if _, err := bw.Write(b); err != nil {
			return err
		}
	}
	if _, err := bw.WriteString("\n]}\n"); err != nil {
		return err
	}
	return bw.Flush()
}

// roundGeometry rounds a lon/lat geometry to 7 decimals (about 1 cm), as GeoJSON
// readers need no more, and wraps longitudes into −180 to 180.
func roundGeometry(g orb.Geometry) orb.Geometry {
	g = orb.Clone(g)
	round := func(p orb.Point) orb.Point {
		return orb.Point{roundTo(wrapLon(p[0]), 7), roundTo(p[1], 7)}
	}
	switch v := g.(type) {
	case orb.Point:
		return round(v)
	case orb.Polygon:
		for _, r := range v {
			for i := range r {
				r[i] = round(r[i])
			}
		}
	case orb.MultiPolygon:
		for _, p := range v {
			for _, r := range p {
				for i := range r {
					r[i] = round(r[i])
				}
			}
		}
	}
	return g
}

func roundTo(v float64, decimals int) float64 {
	s := math.Pow(10, float64(decimals))
	return math.Round(v*s) / s
}

func wrapLon(lon float64) float64 { return utm.WrapLongitude(lon) }
