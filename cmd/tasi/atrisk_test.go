package main

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/data/gpkg"
	"github.com/tasi-gis/tasi/input/demo"
	"github.com/tasi-gis/tasi/vector/utm"
	"github.com/xuri/excelize/v2"
)

// atRiskFixture writes the run of demo.StraightCoast(rate) (a 3 km coast in unit
// TL999901 of municipality TL99, five yearly shorelines 2000–2004) and a community layer
// with communities D metres behind the 2004 shoreline, and returns the folder.
func atRiskFixture(t *testing.T, rate float64, in analysis.Input) string {
	t.Helper()
	dir := t.TempDir()
	res, err := analysis.Run(context.Background(), in, analysis.DefaultParams())
	if err != nil {
		t.Fatal(err)
	}
	prov := analysis.Provenance{Version: "test", Parameters: map[string]string{"confidence": "90"},
		Inputs: []analysis.InputFile{{Role: "shorelines", Path: "s.geojson", SHA256: "ab12"}}}
	if err := gpkg.Write(context.Background(), filepath.Join(dir, "results.gpkg"), res, prov); err != nil {
		t.Fatal(err)
	}
	zone := utm.Zone{Number: 51, South: true}
	today := 9050000 + rate*4
	var cs []feature
	for i, d := range []float64{10, 60, 100} {
		cs = append(cs, feature{map[string]any{"name": fmt.Sprintf("Aldeia %d m", int(d)), "code": fmt.Sprint("A", i+1),
			"population": 100 * (i + 1), "households": 20 * (i + 1)}, zone.Inverse(orb.Point{701510, today - d})})
	}
	// A point in the sea, outside every unit: skipped, with a note.
	cs = append(cs, feature{map[string]any{"name": "Offshore", "code": "X"}, zone.Inverse(orb.Point{701510, 9060000})})
	writeGeoJSON(t, filepath.Join(dir, "communities.geojson"), cs)
	return dir
}

// TestAtRiskCommand: the straight coast retreats 2 m/yr from 2004; by 2024 the shoreline
// has moved 40 m, so with the 50 m setback the communities 10 and 60 m behind it are at
// risk and the one 100 m behind is not. Every format holds the same two rows.
func TestAtRiskCommand(t *testing.T) {
	dir := atRiskFixture(t, -2, demo.StraightCoast(-2))
	base := []string{"at-risk", "--gpkg", filepath.Join(dir, "results.gpkg"), "--communities", filepath.Join(dir, "communities.geojson")}
	run := func(args ...string) (string, error) {
		return runCLI(t, append(append([]string{}, base...), args...)...)
	}

	out := filepath.Join(dir, "list.csv")
	log, err := run("--horizon", "20", "--out", out)
	if err != nil {
		t.Fatalf("at-risk: %v\n%s", err, log)
	}
	if !strings.Contains(log, `Offshore`) || !strings.Contains(log, "lies in no admin unit") {
		t.Errorf("the community outside every unit was not reported:\n%s", log)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[1], "#adm1+code") {
		t.Fatalf("CSV: %d lines, want a header, an HXL row and 2 rows:\n%s", len(lines), b)
	}
	for i, want := range []string{"Aldeia 10 m", "Aldeia 60 m"} {
		if !strings.Contains(lines[2+i], want) || !strings.Contains(lines[2+i], ",TL99,") && !strings.HasPrefix(lines[2+i], "TL99,") {
			t.Errorf("row %d: %s, want %s in TL99", i+1, lines[2+i], want)
		}
	}
	// Community counts from the layer, all of them in the zone: 100 and 200 people. The
	// second is behind the 2024 shoreline but within its setback: in the zone, probability 0.
	if !strings.Contains(lines[2], ",2024,true,true,1.000,100,20,") || !strings.Contains(lines[3], ",2024,true,true,0.000,200,40,") ||
		!strings.Contains(lines[2], ",community layer,high,") || !strings.Contains(lines[3], ",community layer,low,") {
		t.Errorf("rows:\n%s\n%s", lines[2], lines[3])
	}
	// A calendar year names the same horizon; other formats hold the same rows.
	for _, tc := range []struct{ format, file string }{{"geojson", "l.geojson"}, {"kml", "l.kml"}, {"xlsx", "l.xlsx"}} {
		path := filepath.Join(dir, tc.file)
		if log, err := run("--horizon", "2024", "--format", tc.format, "--out", path); err != nil {
			t.Fatalf("%s: %v\n%s", tc.format, err, log)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		switch tc.format {
		case "geojson":
			var fc struct {
				Features []struct {
					Properties map[string]any `json:"properties"`
				} `json:"features"`
			}
			if err := json.Unmarshal(b, &fc); err != nil || len(fc.Features) != 2 || fc.Features[0].Properties["community_name"] != "Aldeia 10 m" {
				t.Errorf("GeoJSON: %v, %d features", err, len(fc.Features))
			}
		case "kml":
			var doc struct {
				Names []string `xml:"Document>Folder>Placemark>name"`
			}
			if err := xml.Unmarshal(b, &doc); err != nil || strings.Join(doc.Names, ";") != "Aldeia 10 m;Aldeia 60 m" {
				t.Errorf("KML: %v, placemarks %v", err, doc.Names)
			}
		case "xlsx":
			f, err := excelize.OpenFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if names := f.GetSheetList(); len(names) < 3 || names[0] != "Summary" || names[len(names)-1] != "Provenance" {
				t.Errorf("XLSX sheets %v", names)
			}
			f.Close()
		}
	}
	// Filters: a probability of at least one half keeps the community already reached.
	if log, err := run("--horizon", "20", "--min-probability", "0.5", "--out", out); err != nil {
		t.Fatalf("%v\n%s", err, log)
	}
	if b, _ := os.ReadFile(out); strings.Count(string(b), "Aldeia") != 1 {
		t.Errorf("--min-probability 0.5 kept:\n%s", b)
	}
	before, _ := os.ReadFile(out)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--horizon", "101"}, "it must be 1 to 100"},
		{[]string{"--horizon", "2003"}, "before or in the reference year 2004"},
		{[]string{"--horizon", "25"}, "not one of the forecast's horizons"},
		{[]string{"--horizons", "10,200"}, "beyond 100 years"},
		{[]string{"--municipality", "TL01"}, `municipality "TL01": not one of the run's (TL99)`},
		{[]string{"--min-probability", "2"}, "between 0 and 1"},
		{[]string{"--format", "pdf"}, "pdf"},
		{[]string{"--community-name-field", "nome"}, `no field "nome"`},
	} {
		_, err := run(append(tc.args, "--out", out)...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want an error containing %q", tc.args, err, tc.want)
		}
	}
	if after, _ := os.ReadFile(out); string(after) != string(before) {
		t.Error("a refused export changed the earlier list")
	}
}

// TestAtRiskTwoDates: transects with shorelines at two dates only are forecast by their
// end point rate, flagged EPR in every row.
func TestAtRiskTwoDates(t *testing.T) {
	in := demo.StraightCoast(-2)
	in.Shorelines = []analysis.Shoreline{in.Shorelines[0], in.Shorelines[4]}
	dir := atRiskFixture(t, -2, in)
	out := filepath.Join(dir, "l.csv")
	log, err := runCLI(t, "at-risk", "--gpkg", filepath.Join(dir, "results.gpkg"), "--communities", filepath.Join(dir, "communities.geojson"), "--out", out)
	if err != nil {
		t.Fatalf("%v\n%s", err, log)
	}
	if b, _ := os.ReadFile(out); !strings.Contains(string(b), ",EPR,") || strings.Contains(string(b), ",LRR,") {
		t.Errorf("two dates: rows do not say EPR:\n%s", b)
	}
}

// TestAtRiskNoForecast: a run in which no transect saw two dates cannot be forecast: a
// clear error, and nothing written.
func TestAtRiskNoForecast(t *testing.T) {
	in := demo.StraightCoast(-2)
	// The 2000 shoreline covers the west, the 2004 one the east: no transect sees both.
	west, east := in.Shorelines[0], in.Shorelines[4]
	west.Geometry = orb.MultiLineString{orb.LineString{west.Geometry[0][0], interpolate(west.Geometry[0], 0.4)}}
	east.Geometry = orb.MultiLineString{orb.LineString{interpolate(east.Geometry[0], 0.6), east.Geometry[0][1]}}
	in.Shorelines = []analysis.Shoreline{west, east}
	dir := atRiskFixture(t, -2, in)
	out := filepath.Join(dir, "l.csv")
	_, err := runCLI(t, "at-risk", "--gpkg", filepath.Join(dir, "results.gpkg"), "--communities", filepath.Join(dir, "communities.geojson"), "--out", out)
	if err == nil || !strings.Contains(err.Error(), "no transect has shorelines at two dates") {
		t.Errorf("error %v", err)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a failed export wrote a file")
	}
}

// interpolate is the point a fraction f along the segment of a two-point line.
func interpolate(l orb.LineString, f float64) orb.Point {
	return orb.Point{l[0][0] + f*(l[1][0]-l[0][0]), l[0][1] + f*(l[1][1]-l[0][1])}
}

// TestAtRiskStoredForecast: without forecast flags, a list counts from the horizons the
// run was stored with (as tasi serve lists it, and as its hazard tiles are drawn).
func TestAtRiskStoredForecast(t *testing.T) {
	dir := t.TempDir()
	c := newStraightCoast()
	c.write(t, dir)
	results := filepath.Join(dir, "results.gpkg")
	if log, err := runCLI(t, "analyze", "--shorelines", filepath.Join(dir, "shorelines.geojson"), "--coast", filepath.Join(dir, "coast.geojson"),
		"--land", filepath.Join(dir, "land.geojson"), "--admin", filepath.Join(dir, "admin.geojson"),
		"--horizons", "5,15", "--setback", "20", "--out", results); err != nil {
		t.Fatalf("analyze: %v\n%s", err, log)
	}
	writeGeoJSON(t, filepath.Join(dir, "communities.geojson"), []feature{{map[string]any{"name": "West end"}, c.ll(100, -5)}})
	out := filepath.Join(dir, "l.csv")
	if log, err := runCLI(t, "at-risk", "--gpkg", results, "--communities", filepath.Join(dir, "communities.geojson"), "--out", out); err != nil {
		t.Fatalf("at-risk: %v\n%s", err, log)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	header := strings.SplitN(string(b), "\n", 2)[0]
	if !strings.Contains(header, "p_reached_2015") || !strings.Contains(header, "p_reached_2025") || strings.Contains(header, "p_reached_2030") {
		t.Errorf("header %s: want the stored horizons 5 and 15 years after 2010", header)
	}
	// Given flags win over the stored settings.
	if log, err := runCLI(t, "at-risk", "--gpkg", results, "--communities", filepath.Join(dir, "communities.geojson"), "--horizons", "30", "--out", out); err != nil {
		t.Fatalf("at-risk --horizons 30: %v\n%s", err, log)
	}
	if b, _ := os.ReadFile(out); !strings.Contains(strings.SplitN(string(b), "\n", 2)[0], "p_reached_2040") {
		t.Errorf("--horizons 30 not used:\n%s", b)
	}
}
