package export

import (
	"bytes"
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"testing"

	"github.com/xuri/excelize/v2"
)

// nfiFile writes one file of the sample's export.
func nfiFile(t *testing.T, f Format, name string) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := WriteNFI(&b, nfiSample(), f, name); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// nfiKinds returns which columns of the sample's tables are numbers and flags.
func nfiKinds() (numeric, flags map[string]bool) {
	p := nfiSample()
	numeric, flags = map[string]bool{}, map[string]bool{}
	var cols []Column
	cols = append(cols, columnsOf(depotColumns(p))...)
	cols = append(cols, columnsOf(assignmentColumns(p))...)
	cols = append(cols, columnsOf(shortfallColumns(p))...)
	for _, c := range cols {
		numeric[c.Name] = c.kind == numberKind
		flags[c.Name] = c.kind == boolKind
	}
	return numeric, flags
}

// TestNFICSVReadBack reads the CSV files back and checks their numbers against the plan:
// kits rounded up to whole kits (175.4 households need 176), stock rounded down, items to
// one decimal, distances to the metre, an unreachable community with no depot and no
// distance but its reason, capacity empty when not limited.
func TestNFICSVReadBack(t *testing.T) {
	p := nfiSample()
	depots := readCSV(t, nfiFile(t, CSV, NFIDepotsFile))
	assignments := readCSV(t, nfiFile(t, CSV, NFIAssignmentsFile))
	shortfall := readCSV(t, nfiFile(t, CSV, NFIShortfallFile))
	for _, tc := range []struct {
		tb     table
		column string
		want   []string
	}{
		{depots, "depot_id", []string{"TL08-MC", "DEP-SUAI"}},
		{depots, "depot_name", []string{"Liquiçá", `Suai warehouse, "port road"`}},
		{depots, "depot_kind", []string{"municipality capital", "existing depot"}},
		{depots, "households_served", []string{"102", "175"}},
		{depots, "people_served", []string{"509", "807"}},
		{depots, "communities", []string{"2", "2"}},
		{depots, "mean_distance_m", []string{"13941", "10067"}}, // 1421947.2/102, 1765679/175.4
		{depots, "max_distance_m", []string{"20480", "38000"}},
		{depots, "kits", []string{"102", "176"}}, // 175.4 rounded up
		{depots, "tarpaulin_4_x_6_m_piece", []string{"204.0", "350.8"}},
		{depots, "blanket_piece", []string{"509.0", "807.0"}},
		{depots, "mosquito_net_piece", []string{"254.5", "403.5"}},
		{depots, "bathing_soap_kg", []string{"127.2", "201.8"}}, // 127.25 and 201.75: ties to even
		{depots, "fixed", []string{"false", "true"}},
		{depots, "stock", []string{"0", "40"}},    // 40.4 rounded down
		{depots, "capacity", []string{"", "500"}}, // +Inf: not limited
		{assignments, "community_id", []string{"TL080305-01", "TL050503-02", "TL080303-04", "TL050504-01", "TL050601-03"}},
		{assignments, "depot_id", []string{"TL08-MC", "DEP-SUAI", "TL08-MC", "DEP-SUAI", ""}},
		{assignments, "distance_m", []string{"12346", "4210", "20480", "38000", ""}},
		{assignments, "households", []string{"82", "145", "20", "30", "12"}},
		{assignments, "people", []string{"412", "655", "97", "152", "60"}},
		{assignments, "covered", []string{"true", "true", "true", "false", "false"}},
		{assignments, "reason", []string{"", "", "", "beyond max distance", "unreachable"}},
		{assignments, "municipality_name", []string{"Liquiçá", "Covalima", "Liquiçá", "Covalima", "Covalima"}},
		{shortfall, "municipality_code", []string{"TL05"}},
		{shortfall, "kits_needed", []string{"188"}}, // 187.4 up
		{shortfall, "kits_stocked", []string{"40"}}, // 40.4 down
		{shortfall, "kits_short", []string{"147"}},  // the plan's 147, not 188 − 40
		{shortfall, "blanket_piece_short", []string{"680.1"}},
	} {
		if got := tc.tb.column(t, tc.column); !slices.Equal(got, tc.want) {
			t.Errorf("%s = %q, want %q", tc.column, got, tc.want)
		}
	}
	for _, tb := range []table{depots, assignments} {
		for _, m := range tb.column(t, "distance_method") {
			if m != p.Distance {
				t.Errorf("distance_method %q, want %q", m, p.Distance)
			}
		}
	}
	// Every depot's item column against the profile's quantity for its households and people.
	for i, d := range p.Depots {
		want := p.Profile.Needs(d.Households, d.People)
		for j, it := range p.Profile.Items {
			got, err := strconv.ParseFloat(depots.column(t, it.Key())[i], 64)
			if err != nil || math.Abs(got-want[j]) > 0.05+1e-9 {
				t.Errorf("depot %s, %s = %v, want %.2f ± 0.05", d.Code, it.Key(), got, want[j])
			}
		}
	}
	wantHXL := map[string]string{"lon": "#geo+lon", "lat": "#geo+lat", "municipality_code": "#adm1+code",
		"suco_name": "#adm3+name", "households_served": "#affected+hh+served", "people_served": "#affected+served"}
	for i, name := range depots.header {
		if want, ok := wantHXL[name]; ok && depots.hxl[i] != want {
			t.Errorf("depots: %s tagged %s, want %s", name, depots.hxl[i], want)
		}
	}
}

// TestNFISummaryReadBack checks summary.csv's figures against the plan.
func TestNFISummaryReadBack(t *testing.T) {
	tb := readCSV(t, nfiFile(t, CSV, NFISummaryFile))
	got := map[string][]string{}
	for _, r := range tb.rows {
		got[r[0]] = append(got[r[0]], r[1])
	}
	p := nfiSample()
	for key, want := range map[string]string{
		"objective": "cover", "objective_value": "247", "k": "2", "depots": "2", "max_distance_m": "30000",
		"capacitated": "true", "distance_method": p.Distance, "detour_factor": "1.30",
		"profile": "sphere-family-kit", "demand": "at risk by 2045 (band edge)",
		"households": "289", "people": "1376", "covered_households": "247",
		"coverage_share":       "0.853", // 247 / 289.4
		"unserved_communities": "1", "mean_distance_m": "11491", "worst_distance_m": "38000",
		"kits":                    "278",   // 102 + 176, as the depots' rows show them
		"tarpaulin_4_x_6_m_piece": "554.8", // 204 + 350.8
		"kits_short":              "147", "run_id": "run-2025-demo-7", "tasi_version": "0.9.0",
	} {
		if len(got[key]) != 1 || got[key][0] != want {
			t.Errorf("%s = %q, want %q", key, got[key], want)
		}
	}
	if !slices.Equal(got["caveat"], p.Caveats) {
		t.Errorf("caveats %q, want %q", got["caveat"], p.Caveats)
	}
	if !slices.Equal(got["unreached"], p.Unreached) {
		t.Errorf("unreached %q, want %q", got["unreached"], p.Unreached)
	}
	p.MaxDistance = 0
	var b bytes.Buffer
	if err := NFISummaryCSV(&b, p); err != nil {
		t.Fatal(err)
	}
	for _, r := range readCSV(t, b.Bytes()).rows {
		if r[0] == "max_distance_m" && r[1] != "" {
			t.Errorf("no covering radius: max_distance_m %q, want empty", r[1])
		}
	}
}

// TestNFIXLSXReadBack reads the workbook with excelize: its sheets, and every table sheet
// against the CSV, with numbers in number cells and flags in boolean cells.
func TestNFIXLSXReadBack(t *testing.T) {
	f, err := excelize.OpenReader(bytes.NewReader(nfiFile(t, XLSX, "")))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got, want := f.GetSheetList(), []string{"Summary", "Depots", "Assignments", "Shortfall", "Provenance"}; !slices.Equal(got, want) {
		t.Fatalf("sheets %q, want %q", got, want)
	}
	numeric, flags := nfiKinds()
	for sheet, file := range map[string]string{"Depots": NFIDepotsFile, "Assignments": NFIAssignmentsFile, "Shortfall": NFIShortfallFile} {
		sameTable(t, sheet, readXLSX(t, f, sheet, numeric, flags), readCSV(t, nfiFile(t, CSV, file)), numeric)
	}
	rows, err := f.GetRows(SummarySheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	summary := map[string]string{}
	for _, r := range rows[1:] {
		if len(r) > 1 {
			summary[r[0]] = r[1]
		}
	}
	for key, want := range map[string]string{"kits": "278", "coverage_share": "0.853", "distance_method": nfiSample().Distance} {
		if summary[key] != want {
			t.Errorf("Summary %s = %q, want %q", key, summary[key], want)
		}
	}
	prov, err := f.GetRows(ProvenanceSheet)
	if err != nil {
		t.Fatal(err)
	}
	var caveats, sha []string
	for _, r := range prov {
		if len(r) > 2 && r[0] == "caveat" {
			caveats = append(caveats, r[2])
		}
		if len(r) > 3 && r[0] == "input" {
			sha = append(sha, r[3])
		}
	}
	if p := nfiSample(); !slices.Equal(caveats, p.Caveats) || len(sha) != 1 || sha[0] != p.Provenance.Inputs[0].SHA256 {
		t.Errorf("provenance caveats %q, inputs %q", caveats, sha)
	}
	var b bytes.Buffer
	p := nfiSample()
	p.Shortfalls = nil
	if err := NFIXLSX(&b, p); err != nil {
		t.Fatal(err)
	}
	g, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if slices.Contains(g.GetSheetList(), ShortfallSheet) {
		t.Error("a plan without shortfalls has a Shortfall sheet")
	}
}

// TestNFIGeoJSONReadBack decodes the GeoJSON: depots as Points at their coordinates with
// the kits to stock, assignment lines from each community to its depot, the unreached
// community as a Point, properties equal to the CSV's, and the summary and caveats in the
// "tasi" member.
func TestNFIGeoJSONReadBack(t *testing.T) {
	var fc struct {
		Type string `json:"type"`
		Name string `json:"name"`
		Tasi struct {
			Summary map[string]any `json:"summary"`
			Caveats []string       `json:"caveats"`
			Profile struct {
				Items []struct {
					Key       string   `json:"key"`
					PerPerson *float64 `json:"per_person"`
				} `json:"items"`
			} `json:"profile"`
		} `json:"tasi"`
		Features []struct {
			Geometry *struct {
				Type        string          `json:"type"`
				Coordinates json.RawMessage `json:"coordinates"`
			} `json:"geometry"`
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(nfiFile(t, GeoJSON, ""), &fc); err != nil {
		t.Fatal(err)
	}
	p := nfiSample()
	if fc.Type != "FeatureCollection" || fc.Name != "nfi_plan" || len(fc.Features) != len(p.Depots)+len(p.Assignments) {
		t.Fatalf("%s %s with %d features", fc.Type, fc.Name, len(fc.Features))
	}
	if fc.Tasi.Summary["distance_method"] != p.Distance || fc.Tasi.Summary["kits"] != 278.0 || !slices.Equal(fc.Tasi.Caveats, p.Caveats) {
		t.Errorf("tasi member: summary %v, caveats %q", fc.Tasi.Summary, fc.Tasi.Caveats)
	}
	if it := fc.Tasi.Profile.Items; len(it) != 4 || it[2].Key != "mosquito_net_piece" || it[2].PerPerson == nil || *it[2].PerPerson != 0.5 {
		t.Errorf("profile items %+v", it)
	}
	numeric, _ := nfiKinds()
	asTable := func(rows []map[string]any, header []string) table {
		tb := table{header: header}
		for _, props := range rows {
			row := make([]string, len(header))
			for j, name := range header {
				switch v := props[name].(type) {
				case nil:
				case string:
					row[j] = v
				case bool:
					row[j] = strconv.FormatBool(v)
				case float64:
					row[j] = strconv.FormatFloat(v, 'f', -1, 64)
				}
			}
			tb.rows = append(tb.rows, row)
		}
		return tb
	}
	var depots, assignments []map[string]any
	for i, f := range fc.Features {
		switch f.Properties["kind"] {
		case "depot":
			depots = append(depots, f.Properties)
			var at [2]float64
			if f.Geometry == nil || f.Geometry.Type != "Point" || json.Unmarshal(f.Geometry.Coordinates, &at) != nil ||
				at != [2]float64{p.Depots[i].Point[0], p.Depots[i].Point[1]} {
				t.Errorf("depot %d: geometry %+v", i, f.Geometry)
			}
		case "assignment":
			a := p.Assignments[len(assignments)]
			assignments = append(assignments, f.Properties)
			c := [2]float64{a.Community.Point[0], a.Community.Point[1]}
			if a.Depot < 0 {
				var at [2]float64
				if f.Geometry == nil || f.Geometry.Type != "Point" || json.Unmarshal(f.Geometry.Coordinates, &at) != nil || at != c {
					t.Errorf("unserved %s: geometry %+v", a.Community.Code, f.Geometry)
				}
				continue
			}
			var line [][2]float64
			d := p.Depots[a.Depot].Point
			if f.Geometry == nil || f.Geometry.Type != "LineString" || json.Unmarshal(f.Geometry.Coordinates, &line) != nil ||
				len(line) != 2 || line[0] != c || line[1] != [2]float64{d[0], d[1]} {
				t.Errorf("assignment %s: geometry %+v", a.Community.Code, f.Geometry)
			}
		default:
			t.Errorf("feature %d: kind %v", i, f.Properties["kind"])
		}
	}
	for _, tc := range []struct {
		what string
		rows []map[string]any
		file string
	}{{"depots", depots, NFIDepotsFile}, {"assignments", assignments, NFIAssignmentsFile}} {
		want := readCSV(t, nfiFile(t, CSV, tc.file))
		want.hxl = nil
		sameTable(t, "GeoJSON "+tc.what, asTable(tc.rows, want.header), want, numeric)
	}
}
