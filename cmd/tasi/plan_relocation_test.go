package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/airbusgeo/godal"
	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/input/demo"
	"github.com/tasi-gis/tasi/vector/utm"
	"github.com/xuri/excelize/v2"
)

// writeDEM writes a GeoTIFF DEM over the straight coast: in UTM 51S (EPSG:32751) when
// georeferenced, 50 m cells from 698 to 705 km E and 9044 to 9051 km N, rising 1 m per
// 20 m inland from the 2000 shoreline (9050 km N).
func writeDEM(t *testing.T, path string, georeferenced bool) {
	t.Helper()
	godal.RegisterAll()
	const w, h, cell = 140, 140, 50.0
	ds, err := godal.Create(godal.GTiff, path, 1, godal.Float32, w, h)
	if err != nil {
		t.Fatal(err)
	}
	if georeferenced {
		if err := ds.SetGeoTransform([6]float64{698000, cell, 0, 9051000, 0, -cell}); err != nil {
			t.Fatal(err)
		}
		sr, err := godal.NewSpatialRefFromEPSG(32751)
		if err != nil {
			t.Fatal(err)
		}
		defer sr.Close()
		if err := ds.SetSpatialRef(sr); err != nil {
			t.Fatal(err)
		}
	}
	vals := make([]float32, w*h)
	for row := range h {
		y := 9051000 - (float64(row)+0.5)*cell
		for col := range w {
			vals[row*w+col] = float32((9050000 - y) / 20)
		}
	}
	if err := ds.Bands()[0].Write(0, 0, vals, w, h); err != nil {
		t.Fatal(err)
	}
	if err := ds.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestPlanRelocationCommand plans the relocation of the straight coast's communities (all
// three at risk by 2034, the last horizon) on the grid, with a DEM in UTM and with a file
// of sites; bad inputs are clear errors that leave an earlier plan as it was.
func TestPlanRelocationCommand(t *testing.T) {
	dir := atRiskFixture(t, -2, demo.StraightCoast(-2))
	base := []string{"plan", "relocation", "--gpkg", filepath.Join(dir, "results.gpkg"), "--communities", filepath.Join(dir, "communities.geojson")}
	run := func(args ...string) (string, error) {
		return runCLI(t, append(append([]string{}, base...), args...)...)
	}
	out := filepath.Join(dir, "reloc.csv")
	if log, err := run("--out", out); err != nil {
		t.Fatalf("%v\n%s", err, log)
	}
	_, rows := readCSV(t, out)
	rows = rows[1:] // the HXL row
	if len(rows) != 9 {
		t.Fatalf("%d rows, want 3 communities × 3 sites", len(rows))
	}
	for _, r := range rows {
		d, _ := strconv.ParseFloat(r["distance_m"], 64)
		capacity, _ := strconv.ParseFloat(r["capacity_people"], 64)
		people, _ := strconv.ParseFloat(r["people_to_move"], 64)
		if r["scope"] != "suco" || r["site_suco_code"] != "TL999901" || r["elevation_applied"] != "false" || r["elevation_m"] != "" ||
			!strings.Contains(r["site_reasons"], "no-dem") || !(d > 0) || !(capacity >= people) || r["horizon_year"] != "2034" {
			t.Errorf("row %v", r)
		}
	}
	if rows[0]["community_name"] != "Aldeia 10 m" || rows[0]["people_to_move"] != "100" {
		t.Errorf("first row: %s with %s people", rows[0]["community_name"], rows[0]["people_to_move"])
	}

	// With a DEM in UTM: warped, applied, no site under 20 m.
	dem := filepath.Join(dir, "dem.tif")
	writeDEM(t, dem, true)
	geo := filepath.Join(dir, "reloc.geojson")
	if log, err := run("--dem", dem, "--min-elevation", "20", "--format", "geojson", "--out", geo); err != nil {
		t.Fatalf("%v\n%s", err, log)
	}
	b, err := os.ReadFile(geo)
	if err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Tasi     map[string]any `json:"tasi"`
		Features []struct {
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(b, &fc); err != nil {
		t.Fatal(err)
	}
	if fc.Tasi["elevation_applied"] != true || fc.Tasi["min_elevation_m"] != 20.0 || len(fc.Features) != 9 {
		t.Fatalf("GeoJSON: tasi %v, %d features", fc.Tasi, len(fc.Features))
	}
	for _, f := range fc.Features {
		e, ok := f.Properties["elevation_m"].(float64)
		s, _ := f.Properties["slope_deg"].(float64)
		if !ok || e < 20 || s < 2.5 || s > 3.2 { // atan(1/20) = 2.86°
			t.Errorf("site %v: elevation %v m, slope %v°", f.Properties["site_code"], f.Properties["elevation_m"], f.Properties["slope_deg"])
		}
	}

	// A file of sites: the one in the sea is skipped with a note; an XLSX.
	zone := utm.Zone{Number: 51, South: true}
	sites := filepath.Join(dir, "sites.geojson")
	writeGeoJSON(t, sites, []feature{
		{map[string]any{"id": "school", "name": "Escola", "capacity": 400}, zone.Inverse(orb.Point{701500, 9048000})},
		{map[string]any{"id": "field", "name": "Field"}, orb.Polygon{projectedRing(zone, 702000, 9047000, 702200, 9047200)}},
		{map[string]any{"id": "boat", "capacity": 50}, zone.Inverse(orb.Point{701500, 9060000})},
	})
	xlsx := filepath.Join(dir, "reloc.xlsx")
	log, err := run("--sites", sites, "--format", "xlsx", "--out", xlsx)
	if err != nil {
		t.Fatalf("%v\n%s", err, log)
	}
	if !strings.Contains(log, "sites.geojson") || !strings.Contains(log, `boat\" at`) || !strings.Contains(log, "lies in no admin unit: skipped") {
		t.Errorf("the site in the sea was not reported:\n%s", log)
	}
	x, err := excelize.OpenFile(xlsx)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if got, err := x.GetCellValue("Relocation", "P3"); err != nil || got != "school" { // site_code of the first row
		t.Errorf("XLSX first site %q (%v), want school", got, err)
	}

	// Bad input: a clear error, and the earlier CSV left as it was.
	before, _ := os.ReadFile(out)
	dup := filepath.Join(dir, "dup.geojson")
	writeGeoJSON(t, dup, []feature{
		{map[string]any{"id": "a", "capacity": 10}, zone.Inverse(orb.Point{701500, 9048000})},
		{map[string]any{"id": "a", "capacity": 10}, zone.Inverse(orb.Point{701600, 9048000})},
	})
	noID := filepath.Join(dir, "noid.geojson")
	writeGeoJSON(t, noID, []feature{{map[string]any{"name": "x", "capacity": 10}, zone.Inverse(orb.Point{701500, 9048000})}})
	flat := filepath.Join(dir, "flat.tif")
	writeDEM(t, flat, false)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--sites", dup}, `id "a" is also feature`},
		{[]string{"--sites", noID}, "has no id field"},
		{[]string{"--dem", flat}, "not georeferenced"},
		{[]string{"--min-elevation", "5"}, "--min-elevation needs --dem"},
		{[]string{"--sites", sites, "--cell", "100"}, "--cell lays a grid where there is no --sites file"},
		{[]string{"--cell", "0"}, "--cell 0"},
		{[]string{"--format", "kml"}, "want csv, xlsx or geojson"},
	} {
		log, err := run(append(tc.args, "--out", out)...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want %q\n%s", tc.args, err, tc.want, log)
		}
		if after, _ := os.ReadFile(out); string(after) != string(before) {
			t.Errorf("%v: the earlier plan was changed", tc.args)
		}
	}
}

// TestPlanCommand: the dispatcher lists its plans and refuses others.
func TestPlanCommand(t *testing.T) {
	log, err := runCLI(t, "plan")
	if err == nil || !strings.Contains(log, "relocation") || !strings.Contains(log, "nfi") {
		t.Errorf("plan without a plan: %v\n%s", err, log)
	}
	if _, err := runCLI(t, "plan", "evacuation"); err == nil || !strings.Contains(err.Error(), `unknown plan "evacuation"`) {
		t.Errorf("unknown plan: %v", err)
	}
	if log, _ := runCLI(t, "help"); !strings.Contains(log, "plan") {
		t.Errorf("help does not list plan:\n%s", log)
	}
}

func projectedRing(z utm.Zone, x0, y0, x1, y1 float64) orb.Ring {
	r := orb.Ring{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}
	for i := range r {
		r[i] = z.Inverse(r[i])
	}
	return r
}
