package export

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/plan"
	"github.com/xuri/excelize/v2"
)

// relocationSample is a small plan: community A with a grid cell (full) and a point site
// of the posto (partial), community B with none; with a DEM or without.
func relocationSample(dem bool) *plan.RelocationPlan {
	ref := time.Date(2024, 8, 25, 0, 0, 0, 0, time.UTC)
	nan := math.NaN()
	comm := func(code, name string, lon, lat float64) plan.AtRisk {
		return plan.AtRisk{Community: plan.Community{Code: code, Name: name, Point: orb.Point{lon, lat},
			UnitCode: "TL080101", UnitName: "Beco", ParentCode: "TL0801", ParentName: "Suai", RegionCode: "TL08", RegionName: "Covalima"}}
	}
	elev, slope := nan, nan
	siteReasons := []string{plan.ReasonSameSuco, plan.ReasonOutsideZones, plan.ReasonFullCapacity, plan.ReasonNoDEM}
	if dem {
		elev, slope = 12.345, 2.25
		siteReasons = []string{plan.ReasonSameSuco, plan.ReasonOutsideZones, plan.ReasonFullCapacity, plan.ReasonElevationOK, plan.ReasonSlopeOK}
	}
	cellGeom := orb.MultiPolygon{{{{125.25, -9.3}, {125.2523, -9.3}, {125.2523, -9.2977}, {125.25, -9.2977}, {125.25, -9.3}}}}
	p := &plan.RelocationPlan{
		RunID: "12", RefDate: ref, Horizon: plan.Horizon{Years: 30, Date: ref.AddDate(30, 0, 0)}, Setback: 50,
		AreaPerPerson: 45, CoveredPerPerson: 3.5, Cell: 250, MinCellShare: 0.1, MinElevation: 10, MaxSlope: 5.71,
		ElevationApplied: dem, Sites: "grid of 250 m cells over the safe land",
		Provenance: analysis.Provenance{Version: "1.2.3", Parameters: map[string]string{"confidence": "90"},
			Inputs: []analysis.InputFile{{Role: "shorelines", Path: "s.gpkg", SHA256: "ab12"}}, Synthetic: true},
		Caveats: []string{"synthetic", "Elevation criterion not applied: no DEM."},
		Rows: []plan.Relocation{
			{
				AtRisk: comm("TL080101-001", "Aldeia \"Tasi\", Beco", 125.251, -9.299), People: 240.4, Households: 48.1, Land: 240.4 * 45, Covered: 240.4 * 3.5,
				Options: []plan.SiteOption{
					{Site: plan.Site{Code: "TL080101-E700000N8970000", Name: "250 m cell", Geometry: cellGeom, UnitCode: "TL080101", Kind: plan.SiteGridCell},
						Rank: 1, Scope: plan.ScopeSuco, Centre: orb.Point{125.25115, -9.29885}, Distance: 180.26, Area: 51234.5, Capacity: 1138,
						Elevation: elev, Slope: slope, Reasons: siteReasons},
					{Site: plan.Site{Code: "school", Name: "Escola", Geometry: orb.Point{125.26, -9.29}, UnitCode: "TL080102", Kind: plan.SiteFromFile},
						Rank: 2, Scope: plan.ScopePosto, Centre: orb.Point{125.26, -9.29}, Distance: 1400.4, Area: nan, Capacity: 100,
						Elevation: elev, Slope: slope, Partial: true,
						Reasons: []string{plan.ReasonSamePosto, plan.ReasonOutsideZones, plan.ReasonPartialCapacity, plan.ReasonNoDEM}},
				},
				Reasons: []string{plan.ReasonFewerSites},
			},
			{
				AtRisk: comm("TL080101-002", "Loro", 125.24, -9.3), People: nan, Households: nan, Land: nan, Covered: nan,
				Reasons: []string{plan.ReasonCapacityUnknown, plan.ReasonNoSite, plan.ReasonNoSafeLand},
			},
		},
	}
	return p
}

// TestRelocationGolden writes the sample plan in every format and compares with the
// golden files.
func TestRelocationGolden(t *testing.T) {
	p := relocationSample(false)
	for _, f := range []Format{CSV, XLSX, GeoJSON} {
		t.Run(f.String(), func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteRelocation(&b, f, p); err != nil {
				t.Fatal(err)
			}
			got := b.Bytes()
			golden := "relocation" + f.Extension()
			if f == XLSX {
				golden += ".txt"
				got = []byte(dumpXLSX(t, got))
			}
			compareGolden(t, golden, got)
		})
	}
	if err := WriteRelocation(&bytes.Buffer{}, KML, p); !errors.Is(err, ErrFormat) {
		t.Errorf("KML: %v, want ErrFormat", err)
	}
	if got := RelocationFileName(GeoJSON, p); got != "tasi-relocation-2054.geojson" {
		t.Errorf("file name %s", got)
	}
}

// TestRelocationReadBack parses every format back: the same rows and values, and each
// says whether the elevation criterion was applied.
func TestRelocationReadBack(t *testing.T) {
	for _, dem := range []bool{false, true} {
		p := relocationSample(dem)
		cols, err := RelocationColumns(p)
		if err != nil {
			t.Fatal(err)
		}
		applied := "false"
		if dem {
			applied = "true"
		}
		// The rows every format must hold, by column name, as the CSV writes them.
		want := []map[string]string{
			{"community_code": "TL080101-001", "community_name": "Aldeia \"Tasi\", Beco", "people_to_move": "240", "households_to_move": "48",
				"land_needed_m2": "10818", "covered_needed_m2": "841", "rank": "1", "site_code": "TL080101-E700000N8970000", "scope": "suco",
				"distance_m": "180", "site_area_m2": "51234" /* 51234.5, to even */, "capacity_people": "1138", "partial": "false", "elevation_applied": applied,
				"site_lat": "-9.298850", "site_lon": "125.251150", "horizon_year": "2054", "community_reasons": "fewer-sites"},
			{"community_code": "TL080101-001", "rank": "2", "site_code": "school", "scope": "posto", "site_suco_code": "TL080102",
				"distance_m": "1400", "site_area_m2": "", "capacity_people": "100", "partial": "true", "elevation_applied": applied,
				"site_reasons": "same-posto;outside-hazard;partial-capacity;no-dem"},
			{"community_code": "TL080101-002", "people_to_move": "", "rank": "", "site_code": "", "partial": "", "elevation_applied": applied,
				"community_reasons": "people-unknown;no-site;no-safe-land"},
		}
		if dem {
			want[0]["elevation_m"], want[0]["slope_deg"] = "12.3", "2.2" // 2.25 rounds to even
		} else {
			want[0]["elevation_m"], want[0]["slope_deg"] = "", ""
		}

		// CSV.
		var b bytes.Buffer
		if err := RelocationCSV(&b, p); err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(&b).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != 2+len(want) || recs[1][columnIndex(cols, "people_to_move")] != "#affected" {
			t.Fatalf("CSV: %d records, HXL row %v", len(recs), recs[1])
		}
		for i, w := range want {
			for name, v := range w {
				if got := recs[2+i][columnIndex(cols, name)]; got != v {
					t.Errorf("dem %v CSV row %d %s: %q, want %q", dem, i+1, name, got, v)
				}
			}
		}

		// GeoJSON: the same values as JSON, null for empty; site geometries.
		b.Reset()
		if err := RelocationGeoJSON(&b, p); err != nil {
			t.Fatal(err)
		}
		var fc struct {
			Tasi struct {
				ElevationApplied bool     `json:"elevation_applied"`
				MinElevation     *float64 `json:"min_elevation_m"`
				AreaPerPerson    float64  `json:"area_per_person_m2"`
			} `json:"tasi"`
			Features []struct {
				Geometry   *struct{ Type string } `json:"geometry"`
				Properties map[string]any         `json:"properties"`
			} `json:"features"`
		}
		if err := json.Unmarshal(b.Bytes(), &fc); err != nil {
			t.Fatalf("GeoJSON: %v", err)
		}
		if fc.Tasi.ElevationApplied != dem || (fc.Tasi.MinElevation != nil) != dem || fc.Tasi.AreaPerPerson != 45 {
			t.Errorf("GeoJSON tasi: applied %v, min elevation %v, area %g", fc.Tasi.ElevationApplied, fc.Tasi.MinElevation, fc.Tasi.AreaPerPerson)
		}
		if len(fc.Features) != len(want) || fc.Features[0].Geometry.Type != "MultiPolygon" || fc.Features[1].Geometry.Type != "Point" || fc.Features[2].Geometry != nil {
			t.Fatalf("GeoJSON: %d features", len(fc.Features))
		}
		for i, w := range want {
			for name, v := range w {
				got := fc.Features[i].Properties[name]
				var s string
				switch g := got.(type) {
				case nil:
				case string:
					s = g
				case bool:
					s = map[bool]string{true: "true", false: "false"}[g]
				case float64:
					c := cols[columnIndex(cols, name)]
					s = num(g, c.decimals)
				}
				if s != v {
					t.Errorf("dem %v GeoJSON feature %d %s: %v, want %q", dem, i+1, name, got, v)
				}
			}
		}

		// XLSX: the rows sheet holds the same values; Settings leads with the criterion.
		b.Reset()
		if err := RelocationXLSX(&b, p); err != nil {
			t.Fatal(err)
		}
		x, err := excelize.OpenReader(bytes.NewReader(b.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := x.GetRows(RelocationSheet, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 2+len(want) {
			t.Fatalf("XLSX: %d rows", len(rows))
		}
		for i, w := range want {
			for name, v := range w {
				j := columnIndex(cols, name)
				var got string
				if j < len(rows[2+i]) {
					got = rows[2+i][j]
				}
				if c := cols[j]; c.kind == numberKind && got != "" {
					var f float64
					if err := json.Unmarshal([]byte(got), &f); err != nil {
						t.Fatal(err)
					}
					got = num(f, c.decimals)
				}
				if c := cols[j]; c.kind == boolKind && got != "" {
					got = map[string]string{"1": "true", "0": "false"}[got]
				}
				if got != v {
					t.Errorf("dem %v XLSX row %d %s: %q, want %q", dem, i+1, name, got, v)
				}
			}
		}
		settings, err := x.GetRows(SettingsSheet)
		if err != nil {
			t.Fatal(err)
		}
		if len(settings) < 2 || settings[1][1] != "elevation_applied" || strings.HasPrefix(settings[1][2], "yes") != dem {
			t.Errorf("XLSX settings: first row %v", settings[1])
		}
		x.Close()
	}
}

// TestRelocationRefused: no plan, no horizon, too many options.
func TestRelocationRefused(t *testing.T) {
	p := relocationSample(false)
	p.Rows[0].Options = append(p.Rows[0].Options, p.Rows[0].Options...)
	for _, tt := range []struct {
		p    *plan.RelocationPlan
		want string
	}{
		{nil, "no plan"},
		{&plan.RelocationPlan{}, "no horizon"},
		{p, "4 options, at most 3"},
	} {
		for _, f := range []Format{CSV, XLSX, GeoJSON} {
			if err := WriteRelocation(&bytes.Buffer{}, f, tt.p); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("%s: %v, want %q", f, err, tt.want)
			}
		}
	}
}
