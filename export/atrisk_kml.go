package export

import (
	"cmp"
	"fmt"
	"image/color"
	"io"
	"strconv"
	"strings"

	"github.com/tasi-gis/tasi/plan"
	"github.com/twpayne/go-kml/v3"
	"github.com/twpayne/go-kml/v3/icon"
)

// KMLSchema is the id of the KML Schema that types an at-risk list's ExtendedData.
const KMLSchema = "at_risk"

// AtRiskKML writes an at-risk list as a KML 2.2 document for Google Earth and QGIS. The
// document's description carries the caveats and the provenance in short; a Schema
// (KMLSchema) declares the columns of AtRiskColumns with their types (string, int,
// double, bool). Each municipality (by P-code) is a Folder, which QGIS opens as a layer;
// within it, one Placemark per row in the list's order: named after the community,
// styled by severity (red high, orange medium, yellow low, grey none), with a short
// description, every column as SimpleData in the column order (flags as 1 and 0, which
// GDAL reads and true does not), and a Point at the community (WGS84). Unknown and undefined values have no SimpleData, so that they read
// back as nulls and not as zeros; a community without coordinates has no Point.
//
// It fails on the lists AtRiskCSV refuses.
func AtRiskKML(w io.Writer, l *plan.List, opts ...Option) error {
	cols, err := AtRiskColumns(l)
	if err != nil {
		return err
	}
	meta := newListMeta(l, cols)
	fileName := KML.FileName(l, "")
	doc := kml.Document(
		kml.Name(strings.TrimSuffix(fileName, KML.Extension())),
		kml.Open(true),
		kml.Description(meta.summary()),
	)
	for _, s := range []struct {
		severity plan.Severity
		color    color.RGBA
	}{
		{plan.High, color.RGBA{R: 0xd7, G: 0x30, B: 0x27, A: 0xff}},
		{plan.Medium, color.RGBA{R: 0xfc, G: 0x8d, B: 0x59, A: 0xff}},
		{plan.Low, color.RGBA{R: 0xfe, G: 0xe0, B: 0x8b, A: 0xff}},
		{plan.None, color.RGBA{R: 0x99, G: 0x99, B: 0x99, A: 0xff}},
	} {
		doc.Append(kml.SharedStyle(severityStyle(s.severity),
			kml.IconStyle(
				kml.Color(s.color),
				kml.Scale(1.1),
				kml.Icon(kml.Href(icon.ShapeHref("placemark_circle"))),
			),
			kml.LabelStyle(kml.Scale(0.8)),
		))
	}
	schema := kml.NamedSchema(KMLSchema, KMLSchema)
	for _, c := range cols {
		schema.Append(kml.SimpleField(c.Name, kmlType(c)))
	}
	doc.Append(schema)

	progress := newRowReporter(fileName, len(l.Rows), opts)
	lat, lon := columnIndex(cols, "lat"), columnIndex(cols, "lon")
	cells := make([]cell, 0, len(cols))
	done := 0
	for _, g := range byMunicipality(l) {
		name := cmp.Or(g.name, g.code, "No municipality")
		if g.name != "" && g.code != "" {
			name += " (" + g.code + ")"
		}
		folder := kml.Folder(
			kml.Name(name),
			kml.Description(fmt.Sprintf("%d communities", len(g.rows))),
		)
		for _, i := range g.rows {
			r := &l.Rows[i]
			cells = rowCells(cells, cols, l, r)
			data := kml.SchemaData("#" + KMLSchema)
			for j, c := range cells {
				switch {
				case c.empty:
				case cols[j].kind == boolKind: // 1 and 0: GDAL reads true as 0
					data.Append(kml.SimpleData(cols[j].Name, strconv.Itoa(boolInt(c.b))))
				default:
					data.Append(kml.SimpleData(cols[j].Name, c.text))
				}
			}
			p := kml.Placemark(
				kml.Name(placemarkName(r)),
				kml.Description(placemarkDescription(l, r, cols, cells)),
				kml.StyleURL("#"+severityStyle(r.Severity)),
				kml.ExtendedData(data),
			)
			if !cells[lat].empty && !cells[lon].empty {
				p.Append(kml.Point(kml.Coordinates(kml.Coordinate{Lon: cells[lon].num, Lat: cells[lat].num})))
			}
			folder.Append(p)
			done++
			if done < len(l.Rows) { // the last report comes once the file is written
				progress.wrote(done)
			}
		}
		doc.Append(folder)
	}
	if err := kml.KML(doc).WriteIndent(w, "", " "); err != nil {
		return err
	}
	if len(l.Rows) > 0 {
		progress.wrote(len(l.Rows))
	}
	return nil
}

func severityStyle(s plan.Severity) string { return "severity-" + s.String() }

// kmlType is a column's type in the KML Schema.
func kmlType(c Column) string {
	switch {
	case c.kind == boolKind:
		return "bool"
	case c.kind == numberKind && c.decimals == 0:
		return "int"
	case c.kind == numberKind:
		return "double"
	}
	return "string"
}

func placemarkName(r *plan.AtRisk) string {
	if r.Community.Name != "" {
		return r.Community.Name
	}
	return r.Community.Code
}

// placemarkDescription says in a few lines what a row says, for the balloon of a
// placemark: where the community is, when the sea reaches it, and who lives there.
func placemarkDescription(l *plan.List, r *plan.AtRisk, cols []Column, cells []cell) string {
	v := func(name string) string {
		if i := columnIndex(cols, name); i >= 0 && !cells[i].empty {
			return cells[i].text
		}
		return "unknown"
	}
	c := &r.Community
	var b strings.Builder
	fmt.Fprintf(&b, "Suco %s (%s), posto %s, municipality %s.\n", c.UnitName, c.UnitCode, c.ParentName, c.RegionName)
	fmt.Fprintf(&b, "Severity %s. By %s: probability %s of being reached, %s people and %s households at risk.\n",
		r.Severity, v("horizon_year"), v("p_reached"), v("people_at_risk"), v("households_at_risk"))
	if y := v("year_reached"); y != "unknown" {
		fmt.Fprintf(&b, "Best-estimate shoreline reaches it in %s", y)
	} else {
		b.WriteString("Best-estimate shoreline does not reach it within a century")
	}
	if y := v("year_reached_band"); y != "unknown" {
		fmt.Fprintf(&b, "; the band edge in %s", y)
	}
	b.WriteString(".\n")
	transects := "transects"
	if len(r.Transects) == 1 {
		transects = "transect"
	}
	fmt.Fprintf(&b, "%s m from today's shoreline; rate %s ± %s m/yr (%s, %d %s).\n",
		v("distance_to_shore_m"), v("rate_m_yr"), v("rate_ci_m_yr"), v("rate_method"), len(r.Transects), transects)
	fmt.Fprintf(&b, "Community: %s people, %s households (%s). Run %s, reference date %s.",
		v("population"), v("households"), v("count_rule"), l.RunID, v("reference_date"))
	return b.String()
}
