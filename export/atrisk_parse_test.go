package export

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// table is an at-risk list read back from a file: the column names, the HXL row (where
// the format has one) and the rows as text, "" for an empty cell or a null.
type table struct {
	header, hxl []string
	rows        [][]string
}

// column returns the values of the named column.
func (tb table) column(t *testing.T, name string) []string {
	t.Helper()
	i := slices.Index(tb.header, name)
	if i < 0 {
		t.Fatalf("no column %s in %q", name, tb.header)
	}
	var v []string
	for _, r := range tb.rows {
		v = append(v, r[i])
	}
	return v
}

func writeAtRisk(t *testing.T, f Format) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := f.WriteAtRisk(&b, atRiskSample()); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// readCSV reads the CSV back: UTF-8 without a byte-order mark, the header, the HXL row,
// then rows of the header's width.
func readCSV(t *testing.T, data []byte) table {
	t.Helper()
	if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		t.Error("CSV starts with a byte-order mark")
	}
	if !utf8.Valid(data) {
		t.Error("CSV is not UTF-8")
	}
	records, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(records) < 2 {
		t.Fatalf("CSV has %d records, want the header and the HXL row at least", len(records))
	}
	for i, tag := range records[1] {
		if !strings.HasPrefix(tag, "#") {
			t.Errorf("HXL row, column %s: %q is not a hashtag", records[0][i], tag)
		}
	}
	return table{header: records[0], hxl: records[1], rows: records[2:]}
}

// TestAtRiskCSVReadBack checks the CSV's values against the list by hand: the order kept,
// numbers rounded to their columns' decimals, accented names intact, and the unknown
// values of the last row empty, never 0 or NaN.
func TestAtRiskCSVReadBack(t *testing.T) {
	tb := readCSV(t, writeAtRisk(t, CSV))
	for _, tc := range []struct {
		column string
		want   []string
	}{
		{"community_code", []string{"TL080305-01", "TL050503-02", "TL080303-04", "TL050504-01"}}, // the list's order
		{"community_name", []string{"Maubara Lisa", "Suai Loro", "Vatunau", "Camenaça Tasi"}},
		{"municipality_name", []string{"Liquiçá", "Covalima", "Liquiçá", "Covalima"}},
		{"posto_code", []string{"TL0803", "TL0505", "TL0803", "TL0505"}},
		{"suco_name", []string{"Maubaralissa", "Suai Loro", "Vatuvou", "Camenaça"}},
		{"lat", []string{"-8.621846", "-9.337000", "-8.604170", "-9.356700"}},
		{"lon", []string{"125.205218", "125.256100", "125.288890", "125.318900"}},
		{"distance_to_shore_m", []string{"41.3", "66.0", "120.0", ""}},
		{"rate_m_yr", []string{"-2.35", "-1.60", "-1.20", ""}},
		{"rate_ci_m_yr", []string{"0.40", "0.55", "0.90", ""}},
		{"rate_method", []string{"LRR", "WLR", "EPR", ""}},
		{"n_transects", []string{"3", "1", "2", "0"}},
		{"transect_ids", []string{"T1204;T1205;T1206", "T3310", "T1301;T1302", ""}},
		{"year_reached", []string{"2031.4", "2042.2", "2069.7", ""}}, // 2042.25 is a tie, rounded to even
		{"year_reached_band", []string{"2030.0", "2036.0", "2041.0", ""}},
		{"horizon_year", []string{"2045", "2045", "2045", "2045"}},
		{"in_zone", []string{"true", "true", "false", "false"}},
		{"in_band", []string{"true", "true", "true", "true"}},
		{"p_reached", []string{"0.934", "0.620", "0.180", ""}},
		{"people_at_risk", []string{"120", "210", "0", ""}},
		{"households_at_risk", []string{"24", "46", "0", ""}},
		{"p_reached_2035", []string{"0.712", "0.310", "0.020", ""}},
		{"p_reached_2045", []string{"0.934", "0.620", "0.180", ""}},
		{"p_reached_2075", []string{"0.999", "0.970", "0.640", ""}},
		{"population", []string{"412", "655", "97", ""}},
		{"households", []string{"82", "145", "20", ""}},
		{"count_rule", []string{"census spread over the population grid", "community layer", "census shared equally (no settled cell in the suco)", "unknown (no census count)"}},
		{"severity", []string{"high", "medium", "low", "low"}},
		{"run_id", []string{"run-2025-demo-7", "run-2025-demo-7", "run-2025-demo-7", "run-2025-demo-7"}},
		{"reference_date", []string{"2025-01-01", "2025-01-01", "2025-01-01", "2025-01-01"}},
	} {
		if got := tb.column(t, tc.column); !slices.Equal(got, tc.want) {
			t.Errorf("%s = %q, want %q", tc.column, got, tc.want)
		}
	}
	for i, r := range tb.rows {
		for j, v := range r {
			if strings.EqualFold(v, "nan") || strings.Contains(strings.ToLower(v), "inf") {
				t.Errorf("row %d, %s: %q", i+1, tb.header[j], v)
			}
		}
	}
	wantHXL := map[string]string{
		"municipality_code": "#adm1+code", "municipality_name": "#adm1+name", "posto_code": "#adm2+code",
		"suco_name": "#adm3+name", "community_name": "#loc+name", "lat": "#geo+lat", "lon": "#geo+lon",
		"people_at_risk": "#affected", "households_at_risk": "#affected+hh", "population": "#population",
		"severity": "#severity",
	}
	for i, name := range tb.header {
		if want, ok := wantHXL[name]; ok && tb.hxl[i] != want {
			t.Errorf("%s tagged %s, want %s", name, tb.hxl[i], want)
		}
	}
}

// readXLSX reads a row sheet of the workbook back, checking that numeric columns hold
// number cells, flag columns boolean cells, and other columns text.
func readXLSX(t *testing.T, f *excelize.File, sheet string, numeric, flags map[string]bool) table {
	t.Helper()
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 2 {
		t.Fatalf("sheet %s has %d rows", sheet, len(rows))
	}
	tb := table{header: rows[0], hxl: rows[1]}
	for i, r := range rows[2:] {
		row := make([]string, len(tb.header))
		copy(row, r)
		for j, v := range row {
			if v == "" {
				continue
			}
			name := tb.header[j]
			ref, _ := excelize.CoordinatesToCellName(j+1, i+3)
			typ, err := f.GetCellType(sheet, ref)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case numeric[name]:
				if typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset { // unset is a number in OOXML
					t.Errorf("%s %s (%s) is of type %v, want a number", sheet, ref, name, typ)
				}
				if _, err := strconv.ParseFloat(v, 64); err != nil {
					t.Errorf("%s %s (%s) = %q: %v", sheet, ref, name, v, err)
				}
			case flags[name]:
				if typ != excelize.CellTypeBool {
					t.Errorf("%s %s (%s) is of type %v, want a flag", sheet, ref, name, typ)
				}
				row[j] = map[string]string{"1": "true", "0": "false"}[v]
			default:
				if typ == excelize.CellTypeNumber || typ == excelize.CellTypeUnset || typ == excelize.CellTypeBool {
					t.Errorf("%s %s (%s) is of type %v, want text", sheet, ref, name, typ)
				}
			}
		}
		tb.rows = append(tb.rows, row)
	}
	return tb
}

// sameTable checks that got has the columns and rows of want (the CSV): text equal, and
// numbers equal as numbers (an XLSX or a GeoJSON holds 66 where the CSV writes 66.0).
func sameTable(t *testing.T, what string, got, want table, numeric map[string]bool) {
	t.Helper()
	if !slices.Equal(got.header, want.header) {
		t.Fatalf("%s: columns %q, want %q", what, got.header, want.header)
	}
	if got.hxl != nil && !slices.Equal(got.hxl, want.hxl) {
		t.Errorf("%s: HXL %q, want %q", what, got.hxl, want.hxl)
	}
	if len(got.rows) != len(want.rows) {
		t.Fatalf("%s: %d rows, want %d", what, len(got.rows), len(want.rows))
	}
	for i := range want.rows {
		for j, name := range want.header {
			g, w := got.rows[i][j], want.rows[i][j]
			if numeric[name] && g != "" && w != "" {
				gf, err1 := strconv.ParseFloat(g, 64)
				wf, err2 := strconv.ParseFloat(w, 64)
				if err1 != nil || err2 != nil || gf != wf {
					t.Errorf("%s: row %d, %s = %s, want %s", what, i+1, name, g, w)
				}
				continue
			}
			if g != w {
				t.Errorf("%s: row %d, %s = %q, want %q", what, i+1, name, g, w)
			}
		}
	}
}

// columnKinds returns the sample's numeric and flag columns.
func columnKinds(t *testing.T) (numeric, flags map[string]bool) {
	cols, err := AtRiskColumns(atRiskSample())
	if err != nil {
		t.Fatal(err)
	}
	numeric, flags = map[string]bool{}, map[string]bool{}
	for _, c := range cols {
		numeric[c.Name] = c.kind == numberKind
		flags[c.Name] = c.kind == boolKind
	}
	return numeric, flags
}

// byMunicipalityOrder is the sample's rows as the XLSX municipality sheets and the KML
// folders hold them: Covalima (TL05) before Liquiçá (TL08), each in the list's order.
func byMunicipalityOrder(tb table) table {
	out := table{header: tb.header, hxl: tb.hxl}
	for _, i := range []int{1, 3, 0, 2} {
		out.rows = append(out.rows, tb.rows[i])
	}
	return out
}

// TestAtRiskXLSXReadBack reads the workbook with excelize: the sheets, the rows of the
// "At risk" sheet and of each municipality's sheet against the CSV, cell types, the
// summary against a hand count, and the provenance.
func TestAtRiskXLSXReadBack(t *testing.T) {
	want := readCSV(t, writeAtRisk(t, CSV))
	numeric, flags := columnKinds(t)
	f, err := excelize.OpenReader(bytes.NewReader(writeAtRisk(t, XLSX)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got, want := f.GetSheetList(), []string{"Summary", "At risk", "Covalima", "Liquiçá", "Provenance"}; !slices.Equal(got, want) {
		t.Fatalf("sheets %q, want %q", got, want)
	}
	all := readXLSX(t, f, "At risk", numeric, flags)
	sameTable(t, "At risk", all, want, numeric)
	var municipalities table
	for _, sheet := range []string{"Covalima", "Liquiçá"} {
		tb := readXLSX(t, f, sheet, numeric, flags)
		municipalities.header, municipalities.hxl = tb.header, tb.hxl
		municipalities.rows = append(municipalities.rows, tb.rows...)
		for _, r := range tb.rows {
			if r[1] != sheet {
				t.Errorf("sheet %s holds a row of %s", sheet, r[1])
			}
		}
	}
	sameTable(t, "municipality sheets", municipalities, byMunicipalityOrder(want), numeric)
	for _, sheet := range []string{"At risk", "Covalima", "Summary"} {
		panes, err := f.GetPanes(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if !panes.Freeze || panes.YSplit != 2 {
			t.Errorf("sheet %s: panes %+v, want the header and the HXL row frozen", sheet, panes)
		}
	}
	tables, err := f.GetTables("At risk")
	if err != nil || len(tables) != 1 || tables[0].Range != "A2:AH6" {
		t.Errorf("At risk tables %+v, %v, want one on the HXL row and the rows, A2:AH6", tables, err)
	}

	// The displacement outlook, counted by hand from the sample: communities in the band
	// zone, people and households at risk (whole numbers), communities at risk without
	// counts, for 2035, 2045 and 2075.
	wantSummary := [][]string{
		{"municipality", "TL05", "Covalima", "", "", "0", "0", "0", "0", "2", "210", "46", "1", "2", "655", "145", "1"},
		{"suco", "TL05", "Covalima", "TL050503", "Suai Loro", "0", "0", "0", "0", "1", "210", "46", "0", "1", "655", "145", "0"},
		{"suco", "TL05", "Covalima", "TL050504", "Camenaça", "0", "0", "0", "0", "1", "0", "0", "1", "1", "0", "0", "1"},
		{"municipality", "TL08", "Liquiçá", "", "", "1", "38", "8", "0", "2", "120", "24", "0", "2", "509", "102", "0"},
		{"suco", "TL08", "Liquiçá", "TL080303", "Vatuvou", "0", "0", "0", "0", "1", "0", "0", "0", "1", "97", "20", "0"},
		{"suco", "TL08", "Liquiçá", "TL080305", "Maubaralissa", "1", "38", "8", "0", "1", "120", "24", "0", "1", "412", "82", "0"},
		{"total", "", "Total", "", "", "1", "38", "8", "0", "4", "330", "70", "1", "4", "1164", "247", "1"},
	}
	rows, err := f.GetRows("Summary", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	wantHeader := []string{"level", "municipality_code", "municipality_name", "suco_code", "suco_name",
		"communities_2035", "people_2035", "households_2035", "uncounted_2035",
		"communities_2045", "people_2045", "households_2045", "uncounted_2045",
		"communities_2075", "people_2075", "households_2075", "uncounted_2075"}
	if !slices.Equal(rows[0], wantHeader) {
		t.Errorf("summary header %q, want %q", rows[0], wantHeader)
	}
	if rows[1][0] != "#meta+level" || rows[1][6] != "#affected+y2035" || rows[1][7] != "#affected+hh+y2035" {
		t.Errorf("summary HXL row %q", rows[1])
	}
	for i, w := range wantSummary {
		got := make([]string, len(w))
		copy(got, rows[i+2])
		if !slices.Equal(got, w) {
			t.Errorf("summary row %d = %q, want %q", i+3, got, w)
		}
		for j := 5; j < len(w); j++ {
			ref, _ := excelize.CoordinatesToCellName(j+1, i+3)
			if typ, _ := f.GetCellType("Summary", ref); typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
				t.Errorf("summary %s is of type %v, want a number", ref, typ)
			}
		}
	}
	// The summary of the selected horizon adds up to the rows' people_at_risk.
	sum := 0
	for _, v := range want.column(t, "people_at_risk") {
		n, _ := strconv.Atoi(v)
		sum += n
	}
	if total := wantSummary[len(wantSummary)-1][10]; total != strconv.Itoa(sum) {
		t.Errorf("people at risk in 2045: summary %s, rows %d", total, sum)
	}
	notes := strings.Join(slices.Concat(rows[len(wantSummary)+2:]...), "\n")
	if !strings.Contains(notes, "not official") {
		t.Errorf("summary notes lack the OCHA caveat:\n%s", notes)
	}

	prov, err := f.GetRows("Provenance", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	find := func(section, name string) [][]string {
		var out [][]string
		for _, r := range prov {
			r = append(r, "", "", "", "")
			if r[0] == section && r[1] == name {
				out = append(out, r[:4])
			}
		}
		return out
	}
	for _, tc := range []struct {
		section, name string
		want          [][]string
	}{
		{"run", "run_id", [][]string{{"run", "run_id", "run-2025-demo-7", ""}}},
		{"run", "tasi_version", [][]string{{"run", "tasi_version", "v0.9.0", ""}}},
		{"forecast", "reference_date", [][]string{{"forecast", "reference_date", "2025-01-01", ""}}},
		{"forecast", "horizon", [][]string{
			{"forecast", "horizon", "2035 (10 years, 2035-01-01)", ""},
			{"forecast", "horizon", "2045 (20 years, 2045-01-01)", ""},
			{"forecast", "horizon", "2075 (50 years, 2075-01-01)", ""}}},
		{"forecast", "selected_horizon_year", [][]string{{"forecast", "selected_horizon_year", "2045", ""}}},
		{"forecast", "setback_m", [][]string{{"forecast", "setback_m", "25", ""}}},
		{"forecast", "confidence", [][]string{{"forecast", "confidence", "0.9", ""}}},
		{"forecast", "rate_kind", [][]string{{"forecast", "rate_kind", "LRR", ""}}},
		{"list", "count_rule", [][]string{
			{"list", "count_rule", "community layer", ""},
			{"list", "count_rule", "census spread over the population grid", ""},
			{"list", "count_rule", "census shared equally (no settled cell in the suco)", ""},
			{"list", "count_rule", "unknown (no census count)", ""}}},
		{"list", "severity_rule", [][]string{{"list", "severity_rule", SeverityRule, ""}}},
		{"caveat", "caveat", [][]string{
			{"caveat", "caveat", `Suco boundaries: OCHA COD-AB, "for information only, not official".`, ""},
			{"caveat", "caveat", "Synthetic demo shorelines: not a forecast of real change.", ""}}},
		{"input", "shorelines", [][]string{{"input", "shorelines", "shorelines/", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}}},
		{"input", "admin", [][]string{{"input", "admin", "bundled sucos (COD-AB 2020)", "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752"}}},
		{"parameter", "spacing", [][]string{{"parameter", "spacing", "50", ""}}},
		{"parameter", "intersect", [][]string{{"parameter", "intersect", "seaward", ""}}},
		{"parameter", "horizons", [][]string{{"parameter", "horizons", "10,20,50", ""}}},
		{"parameter", "confidence", [][]string{{"parameter", "confidence", "90", ""}}},
	} {
		if got := find(tc.section, tc.name); !slices.EqualFunc(got, tc.want, slices.Equal) {
			t.Errorf("provenance %s %s = %q, want %q", tc.section, tc.name, got, tc.want)
		}
	}
	if typ, _ := f.GetCellType("Provenance", "C"+strconv.Itoa(slices.IndexFunc(prov, func(r []string) bool { return len(r) > 1 && r[1] == "setback_m" })+1)); typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
		t.Errorf("setback is of type %v, want a number", typ)
	}
}

// geoJSON is the part of an RFC 7946 FeatureCollection the test reads.
type geoJSON struct {
	Type string `json:"type"`
	Name string `json:"name"`
	Tasi struct {
		RunID      string   `json:"run_id"`
		Caveats    []string `json:"caveats"`
		Horizons   []struct{ Years, Year int }
		Parameters map[string]string `json:"parameters"`
		Inputs     []struct{ Role, Path, SHA256 string }
		Columns    []struct{ Name, HXL, Unit string }
	} `json:"tasi"`
	Features []struct {
		Type     string `json:"type"`
		Geometry *struct {
			Type        string    `json:"type"`
			Coordinates []float64 `json:"coordinates"`
		} `json:"geometry"`
		Properties map[string]any `json:"properties"`
	} `json:"features"`
}

// TestAtRiskGeoJSONReadBack unmarshals the GeoJSON: a FeatureCollection of points at
// [lon, lat], properties equal to the CSV row for row, numbers as numbers, flags as
// booleans and nulls where the CSV is empty, and the provenance member.
func TestAtRiskGeoJSONReadBack(t *testing.T) {
	want := readCSV(t, writeAtRisk(t, CSV))
	numeric, flags := columnKinds(t)
	var g geoJSON
	d := json.NewDecoder(bytes.NewReader(writeAtRisk(t, GeoJSON)))
	d.UseNumber()
	if err := d.Decode(&g); err != nil {
		t.Fatal(err)
	}
	if g.Type != "FeatureCollection" || g.Name != "tasi-at-risk-2045" {
		t.Errorf("type %q, name %q", g.Type, g.Name)
	}
	got := table{header: want.header}
	for i, ft := range g.Features {
		if ft.Type != "Feature" || ft.Geometry == nil || ft.Geometry.Type != "Point" || len(ft.Geometry.Coordinates) != 2 {
			t.Fatalf("feature %d: %+v", i, ft)
		}
		row := make([]string, len(want.header))
		for j, name := range want.header {
			v, ok := ft.Properties[name]
			if !ok {
				t.Errorf("feature %d has no property %s", i, name)
			}
			switch v := v.(type) {
			case nil:
			case json.Number:
				if !numeric[name] {
					t.Errorf("feature %d, %s: number %s, want text", i, name, v)
				}
				row[j] = v.String()
			case bool:
				if !flags[name] {
					t.Errorf("feature %d, %s: flag, want text", i, name)
				}
				row[j] = strconv.FormatBool(v)
			case string:
				if numeric[name] || flags[name] {
					t.Errorf("feature %d, %s: text %q, want a number or a flag", i, name, v)
				}
				row[j] = v
			}
		}
		if len(ft.Properties) != len(want.header) {
			t.Errorf("feature %d has %d properties, want %d", i, len(ft.Properties), len(want.header))
		}
		lon, lat := ft.Geometry.Coordinates[0], ft.Geometry.Coordinates[1]
		if !sameCoordinates(fmt.Sprint(lon, ",", lat), row[slices.Index(want.header, "lon")]+","+row[slices.Index(want.header, "lat")]) {
			t.Errorf("feature %d at %v, %v: not [lon, lat] of its properties", i, lon, lat)
		}
		if lon < 120 || lat > 0 {
			t.Errorf("feature %d at [%v, %v]: coordinates swapped", i, lon, lat)
		}
		got.rows = append(got.rows, row)
	}
	sameTable(t, "GeoJSON", got, want, numeric)
	if g.Features[3].Properties["year_reached"] != nil || g.Features[3].Properties["population"] != nil {
		t.Error("unknown values are not null")
	}
	if g.Tasi.RunID != "run-2025-demo-7" || len(g.Tasi.Caveats) != 2 || !strings.Contains(g.Tasi.Caveats[0], "not official") ||
		len(g.Tasi.Horizons) != 3 || g.Tasi.Horizons[2].Year != 2075 || g.Tasi.Parameters["spacing"] != "50" ||
		len(g.Tasi.Inputs) != 2 || g.Tasi.Inputs[0].SHA256 == "" || len(g.Tasi.Columns) != len(want.header) ||
		g.Tasi.Columns[0].HXL != "#adm1+code" {
		t.Errorf("provenance member %+v", g.Tasi)
	}
}

// kmlFile is the part of a KML document the test reads.
type kmlFile struct {
	XMLName  xml.Name
	Document struct {
		Name        string `xml:"name"`
		Description string `xml:"description"`
		Styles      []struct {
			ID    string `xml:"id,attr"`
			Color string `xml:"IconStyle>color"`
		} `xml:"Style"`
		Schema struct {
			ID     string `xml:"id,attr"`
			Fields []struct {
				Name string `xml:"name,attr"`
				Type string `xml:"type,attr"`
			} `xml:"SimpleField"`
		} `xml:"Schema"`
		Folders []struct {
			Name       string `xml:"name"`
			Placemarks []struct {
				Name        string `xml:"name"`
				Description string `xml:"description"`
				StyleURL    string `xml:"styleUrl"`
				SchemaData  struct {
					URL  string `xml:"schemaUrl,attr"`
					Data []struct {
						Name  string `xml:"name,attr"`
						Value string `xml:",chardata"`
					} `xml:"SimpleData"`
				} `xml:"ExtendedData>SchemaData"`
				Coordinates string `xml:"Point>coordinates"`
			} `xml:"Placemark"`
		} `xml:"Folder"`
	} `xml:"Document"`
}

// TestAtRiskKMLReadBack parses the KML with encoding/xml: a folder per municipality, the
// placemarks in the list's order within each, ExtendedData equal to the CSV row for row
// (no SimpleData for an empty cell), the schema typing every column, styles by severity
// and the caveat in the document's description.
func TestAtRiskKMLReadBack(t *testing.T) {
	want := readCSV(t, writeAtRisk(t, CSV))
	numeric, flags := columnKinds(t)
	var k kmlFile
	if err := xml.Unmarshal(writeAtRisk(t, KML), &k); err != nil {
		t.Fatal(err)
	}
	if k.XMLName.Space != "http://www.opengis.net/kml/2.2" || k.XMLName.Local != "kml" {
		t.Errorf("root %v", k.XMLName)
	}
	doc := k.Document
	if !strings.Contains(doc.Description, "not official") || !strings.Contains(doc.Description, "run-2025-demo-7") {
		t.Errorf("document description %q lacks the caveat or the run", doc.Description)
	}
	var fields []string
	for _, f := range doc.Schema.Fields {
		fields = append(fields, f.Name)
		wantType := "string"
		switch {
		case flags[f.Name]:
			wantType = "bool"
		case numeric[f.Name] && slices.Contains([]string{"n_transects", "horizon_year", "people_at_risk", "households_at_risk", "population", "households"}, f.Name):
			wantType = "int"
		case numeric[f.Name]:
			wantType = "double"
		}
		if f.Type != wantType {
			t.Errorf("schema field %s of type %s, want %s", f.Name, f.Type, wantType)
		}
	}
	if doc.Schema.ID != KMLSchema || !slices.Equal(fields, want.header) {
		t.Errorf("schema %s with fields %q, want %s with %q", doc.Schema.ID, fields, KMLSchema, want.header)
	}
	styles := map[string]string{}
	for _, s := range doc.Styles {
		styles[s.ID] = s.Color
	}
	if len(styles) != 4 || styles["severity-high"] != "ff2730d7" {
		t.Errorf("styles %v", styles)
	}
	var folders []string
	got := table{header: want.header}
	var names []string
	for _, f := range doc.Folders {
		folders = append(folders, f.Name)
		for i, p := range f.Placemarks {
			names = append(names, p.Name)
			row := make([]string, len(want.header))
			last := -1
			for _, d := range p.SchemaData.Data {
				j := slices.Index(want.header, d.Name)
				if j <= last {
					t.Errorf("%s placemark %d: SimpleData %s out of the column order", f.Name, i, d.Name)
				}
				if d.Value == "" {
					t.Errorf("%s placemark %d: empty SimpleData %s", f.Name, i, d.Name)
				}
				last = j
				row[j] = d.Value
				if flags[d.Name] {
					row[j] = map[string]string{"1": "true", "0": "false"}[d.Value]
				}
			}
			if p.SchemaData.URL != "#"+KMLSchema {
				t.Errorf("placemark %s: schemaUrl %q", p.Name, p.SchemaData.URL)
			}
			if want := "#severity-" + row[slices.Index(want.header, "severity")]; p.StyleURL != want {
				t.Errorf("placemark %s styled %s, want %s", p.Name, p.StyleURL, want)
			}
			if want := row[slices.Index(want.header, "lon")] + "," + row[slices.Index(want.header, "lat")]; !sameCoordinates(p.Coordinates, want) {
				t.Errorf("placemark %s at %q, want %q", p.Name, p.Coordinates, want)
			}
			if !strings.Contains(p.Description, row[slices.Index(want.header, "suco_name")]) {
				t.Errorf("placemark %s: description %q", p.Name, p.Description)
			}
			got.rows = append(got.rows, row)
		}
	}
	if want := []string{"Covalima (TL05)", "Liquiçá (TL08)"}; !slices.Equal(folders, want) {
		t.Errorf("folders %q, want %q", folders, want)
	}
	if want := []string{"Suai Loro", "Camenaça Tasi", "Maubara Lisa", "Vatunau"}; !slices.Equal(names, want) {
		t.Errorf("placemarks %q, want %q", names, want)
	}
	sameTable(t, "KML", got, byMunicipalityOrder(want), numeric)
}

// sameCoordinates compares KML "lon,lat" coordinates as numbers.
func sameCoordinates(got, want string) bool {
	g, w := strings.Split(strings.TrimSpace(got), ","), strings.Split(want, ",")
	if len(g) != 2 || len(w) != 2 {
		return false
	}
	for i := range g {
		a, err1 := strconv.ParseFloat(g[i], 64)
		b, err2 := strconv.ParseFloat(w[i], 64)
		if err1 != nil || err2 != nil || math.Abs(a-b) > 0 {
			return false
		}
	}
	return true
}

// dumpXLSX writes a workbook's sheets as text for a golden file: per sheet its panes and
// tables, then every cell with its type, raw value and the value as Excel shows it.
func dumpXLSX(t *testing.T, data []byte) string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var b strings.Builder
	for _, sheet := range f.GetSheetList() {
		fmt.Fprintf(&b, "== %s\n", sheet)
		panes, err := f.GetPanes(sheet)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "frozen rows: %d\n", panes.YSplit)
		tables, err := f.GetTables(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for _, tb := range tables {
			fmt.Fprintf(&b, "table %s %s %s\n", tb.Name, tb.Range, tb.StyleName)
		}
		rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range rows {
			for j, raw := range r {
				if raw == "" {
					continue
				}
				ref, _ := excelize.CoordinatesToCellName(j+1, i+1)
				typ, _ := f.GetCellType(sheet, ref)
				shown, _ := f.GetCellValue(sheet, ref)
				kind := map[excelize.CellType]string{excelize.CellTypeUnset: "n", excelize.CellTypeNumber: "n",
					excelize.CellTypeBool: "b"}[typ]
				if kind == "" {
					kind = "s"
				}
				if shown == raw {
					fmt.Fprintf(&b, "%s %s %q\n", ref, kind, raw)
				} else {
					fmt.Fprintf(&b, "%s %s %q shown %q\n", ref, kind, raw, shown)
				}
			}
		}
	}
	return b.String()
}
