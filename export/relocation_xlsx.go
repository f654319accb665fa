package export

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/tasi-gis/tasi/plan"
	"github.com/xuri/excelize/v2"
)

// Sheet names of a relocation workbook.
const (
	RelocationSheet = "Relocation"
	SettingsSheet   = "Settings"
)

// RelocationXLSX writes a relocation plan as an Excel workbook with two sheets:
//
//   - "Relocation": the rows of RelocationCSV (one per community and site option) under
//     the column names and HXL hashtags, as an Excel table, both header rows frozen;
//     numbers are number cells rounded as the CSV rounds them, flags TRUE/FALSE,
//     unknown values blank;
//   - "Settings": whether the elevation criterion was applied (first, so no reader
//     misses it), the horizon, setback, area and covered area per person with their
//     source, cell size, minimum elevation and maximum slope, the sites and the DEM, the
//     rules, the caveats, then the run's provenance: tasi version, inputs with their
//     SHA-256, parameters.
//
// The same plan gives the same bytes.
func RelocationXLSX(w io.Writer, p *plan.RelocationPlan) error {
	cols, err := relocationColumns(p)
	if err != nil {
		return err
	}
	desc := relocDescriptions(cols)
	f, st, err := newWorkbook(p.Provenance.Finished)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.SetSheetName("Sheet1", RelocationSheet); err != nil {
		return err
	}
	if err := writeRelocationRows(f, st, cols, p); err != nil {
		return fmt.Errorf("sheet %s: %w", RelocationSheet, err)
	}
	if _, err := f.NewSheet(SettingsSheet); err != nil {
		return err
	}
	if err := writeProvenanceRows(f, st, SettingsSheet, newRelocationMeta(p, desc).rows()); err != nil {
		return fmt.Errorf("sheet %s: %w", SettingsSheet, err)
	}
	return finishWorkbook(f, w, strings.TrimSuffix(RelocationFileName(XLSX, p), XLSX.Extension()), "Relocation sites for the communities at risk, run "+p.RunID, p.Provenance, p.Caveats)
}

func writeRelocationRows(f *excelize.File, st *xlsxStyles, cols []relocColumn, p *plan.RelocationPlan) error {
	desc := relocDescriptions(cols)
	sw, err := f.NewStreamWriter(RelocationSheet)
	if err != nil {
		return err
	}
	styles, err := startColumnTable(sw, st, desc)
	if err != nil {
		return err
	}
	rows := relocRows(p)
	cells := make([]cell, 0, len(cols))
	values := make([]any, len(cols))
	for n, row := range rows {
		cells = relocCells(cells, cols, p, row)
		for j, c := range cells {
			values[j] = xlsxValue(desc[j].kind, c, styles[j])
		}
		if err := sw.SetRow("A"+strconv.Itoa(n+3), values); err != nil {
			return err
		}
	}
	last, err := excelize.CoordinatesToCellName(len(cols), max(len(rows)+2, 3))
	if err != nil {
		return err
	}
	if err := sw.AddTable(&excelize.Table{Range: "A2:" + last, Name: "tasi_relocation", StyleName: "TableStyleLight9"}); err != nil {
		return err
	}
	return sw.Flush()
}

// rows lays the settings and provenance out as the Settings sheet shows them.
func (m relocationMeta) rows() []provenanceRow {
	num := func(v *float64) any {
		if v == nil {
			return ""
		}
		return *v
	}
	applied := "no: no DEM was given, so neither the minimum elevation nor the maximum slope was checked"
	if m.ElevationApplied {
		applied = "yes"
	}
	rows := []provenanceRow{
		{"criteria", "elevation_applied", applied, ""},
		{"criteria", "min_elevation_m", num(m.MinElevation), ""},
		{"criteria", "max_slope_deg", num(m.MaxSlope), ""},
		{"criteria", "dem", m.DEM, ""},
		{"standard", "area_per_person_m2", m.AreaPerPerson, ""},
		{"standard", "covered_per_person_m2", m.CoveredPerPerson, ""},
		{"standard", "source", "Sphere Handbook 2018, Shelter and Settlement standards 2 and 3", ""},
		{"sites", "sites", m.Sites, ""},
		{"sites", "cell_m", num(m.Cell), ""},
		{"sites", "min_cell_share", num(m.MinCellShare), ""},
		{"forecast", "reference_date", m.ReferenceDate, ""},
		{"forecast", "horizon_year", float64(m.HorizonYear), ""},
		{"forecast", "horizon_years", float64(m.HorizonYears), ""},
		{"forecast", "setback_m", num(m.Setback), ""},
		{"plan", "communities", float64(m.Communities), ""},
	}
	for _, r := range m.Rules {
		rows = append(rows, provenanceRow{"plan", "rule", r, ""})
	}
	for _, c := range m.Caveats {
		rows = append(rows, provenanceRow{"caveat", "caveat", c, ""})
	}
	rows = append(rows, provenanceRow{"run", "run_id", m.RunID, ""}, provenanceRow{"run", "tasi_version", m.Version, ""})
	for _, in := range m.Inputs {
		rows = append(rows, provenanceRow{"input", in.Role, in.Path, in.SHA256})
	}
	for _, k := range slices.Sorted(maps.Keys(m.Parameters)) {
		rows = append(rows, provenanceRow{"parameter", k, m.Parameters[k], ""})
	}
	return rows
}
