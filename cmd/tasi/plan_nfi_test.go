package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/input/demo"
	"github.com/tasi-gis/tasi/vector/utm"
)

// TestPlanNFICommand plans depots for the straight coast retreating 2 m/yr: by the middle
// horizon (2024) the communities 10 m and 60 m behind the 2004 shoreline are at risk, with
// 20 and 40 households. Of three candidates, the one at the 60 m community is the
// p-median: 20 households 50 m away, a mean of 1,000 / 60 m. Evaluate mode shares an
// existing depot's stock; bad inputs are errors that leave the earlier plan as it was.
func TestPlanNFICommand(t *testing.T) {
	dir := atRiskFixture(t, -2, demo.StraightCoast(-2))
	zone := utm.Zone{Number: 51, South: true}
	today := 9050000 - 2*4.0
	at := func(x, y float64) orb.Point { return zone.Inverse(orb.Point{x, y}) }
	cands := filepath.Join(dir, "candidates.geojson")
	writeGeoJSON(t, cands, []feature{
		{map[string]any{"id": "D1", "name": "Behind", "capacity": 500}, at(701510, today-500)},
		{map[string]any{"id": "D2", "name": "Far"}, at(704510, today-60)},
		{map[string]any{"id": "D3", "name": "At the 60 m aldeia"}, at(701510, today-60)},
	})
	base := []string{"plan", "nfi", "--gpkg", filepath.Join(dir, "results.gpkg"), "--communities", filepath.Join(dir, "communities.geojson"),
		"--candidates", cands, "--roads", "none"}
	run := func(args ...string) (string, error) {
		return runCLI(t, append(append([]string{}, base...), args...)...)
	}
	out := filepath.Join(dir, "plan")
	if log, err := run("--depots", "1", "--out", out); err != nil {
		t.Fatalf("%v\n%s", err, log)
	}
	_, depots := readCSV(t, filepath.Join(out, "depots.csv"))
	depots = depots[1:] // the HXL row
	if len(depots) != 1 {
		t.Fatalf("%d depots, want 1", len(depots))
	}
	d := depots[0]
	for k, want := range map[string]string{
		"depot_id": "D3", "households_served": "60", "people_served": "300", "communities": "2", "mean_distance_m": "17",
		"max_distance_m": "50", "kits": "60", "tarpaulin_4_x_6_m_piece": "120.0", "blanket_piece": "300.0", "distance_method": "straight line (no road network)",
	} {
		if d[k] != want {
			t.Errorf("depots.csv %s = %q, want %q", k, d[k], want)
		}
	}
	_, as := readCSV(t, filepath.Join(out, "assignments.csv"))
	as = as[1:]
	if len(as) != 2 || as[0]["community_name"] != "Aldeia 10 m" || as[0]["distance_m"] != "50" || as[0]["depot_id"] != "D3" ||
		as[1]["distance_m"] != "0" || as[0]["suco_code"] != "TL999901" {
		t.Errorf("assignments %v", as)
	}
	_, sum := readCSV(t, filepath.Join(out, "summary.csv"))
	values := make(map[string]string)
	for _, r := range sum[1:] {
		values[r["key"]] = r["value"]
	}
	if values["objective"] != "median" || values["households"] != "60" || values["coverage_share"] != "1.000" ||
		!strings.Contains(values["demand"], "at risk by 2024") {
		t.Errorf("summary %v", values)
	}
	good, err := os.ReadFile(filepath.Join(out, "depots.csv"))
	if err != nil {
		t.Fatal(err)
	}

	// Cover within 100 m with one depot: D3 again, everyone covered.
	if log, err := run("--depots", "1", "--objective", "cover", "--max-distance", "100m", "--out", filepath.Join(dir, "cover")); err != nil {
		t.Fatalf("cover: %v\n%s", err, log)
	}

	// Evaluate an existing depot behind the aldeias with 30 kits: 30 short in TL99.
	stock := filepath.Join(dir, "stock.geojson")
	writeGeoJSON(t, stock, []feature{{map[string]any{"id": "W1", "name": "Warehouse", "stock": 30}, at(701510, today-500)}})
	if log, err := run("--evaluate", "--stock", stock, "--out", filepath.Join(dir, "eval")); err != nil {
		t.Fatalf("evaluate: %v\n%s", err, log)
	}
	_, short := readCSV(t, filepath.Join(dir, "eval", "shortfall.csv"))
	if len(short) != 2 || short[1]["municipality_code"] != "TL99" || short[1]["kits_needed"] != "60" || short[1]["kits_stocked"] != "30" || short[1]["kits_short"] != "30" {
		t.Errorf("shortfall %v", short)
	}

	// Bad inputs: each an error naming the problem, the earlier plan left as it was.
	noID := filepath.Join(dir, "noid.geojson")
	writeGeoJSON(t, noID, []feature{{map[string]any{"name": "A"}, at(701510, today-500)}})
	dup := filepath.Join(dir, "dup.geojson")
	writeGeoJSON(t, dup, []feature{{map[string]any{"id": "A"}, at(701510, today-500)}, {map[string]any{"id": "A"}, at(701610, today-500)}})
	clash := filepath.Join(dir, "clash.geojson")
	writeGeoJSON(t, clash, []feature{{map[string]any{"id": "D1", "stock": 5}, at(701510, today-500)}})
	profile := filepath.Join(dir, "profile.csv")
	if err := os.WriteFile(profile, []byte("# title: t\n# source: s\n# period: p\nitem,sector,unit,per_household,per_person,source\nrice,food,kg,-1,,x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	farRoad := filepath.Join(dir, "roads.geojson")
	writeGeoJSON(t, farRoad, []feature{{map[string]any{"ref": "R"}, orb.LineString{at(701510, today-90000), at(711510, today-90000)}}})
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no depots", []string{"--depots", "0"}, "--depots 0"},
		{"more depots than candidates", []string{"--depots", "4"}, "4 depots from 3 candidates"},
		{"candidates without ids", []string{"--depots", "1", "--candidates", noID}, "no id field"},
		{"duplicate candidate ids", []string{"--depots", "1", "--candidates", dup}, `id "A" is also feature 0's`},
		{"an existing depot with a candidate's id", []string{"--depots", "2", "--stock", clash}, `"D1" is both`},
		{"a negative quantity", []string{"--depots", "1", "--profile", profile}, "per_household"},
		{"roads that reach no community", []string{"--depots", "1", "--roads", farRoad}, "reaches no community"},
		{"cover without a distance", []string{"--depots", "1", "--objective", "cover"}, "--max-distance"},
		{"evaluate without stock", []string{"--evaluate"}, "--stock"},
		{"a bad distance", []string{"--depots", "1", "--max-distance", "far"}, "--max-distance"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			log, err := run(append(tc.args, "--out", out)...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %q\n%s", err, tc.want, log)
			}
			if b, _ := os.ReadFile(filepath.Join(out, "depots.csv")); !bytes.Equal(b, good) {
				t.Error("the earlier plan was changed")
			}
		})
	}
}

// TestPlanNFIDemandFile: with a demand file no run is needed; households come from the
// population at 5 people each where the file has none.
func TestPlanNFIDemandFile(t *testing.T) {
	dir := t.TempDir()
	zone := utm.Zone{Number: 3, South: false} // Alaska: outside the bundled data
	at := func(x, y float64) orb.Point { return zone.Inverse(orb.Point{x, y}) }
	demand := filepath.Join(dir, "demand.geojson")
	writeGeoJSON(t, demand, []feature{
		{map[string]any{"id": "V1", "name": "Village one", "population": 250}, at(500000, 7000000)},
		{map[string]any{"id": "V2", "name": "Village two", "households": 10}, at(503000, 7004000)},
	})
	cands := filepath.Join(dir, "candidates.geojson")
	writeGeoJSON(t, cands, []feature{{map[string]any{"id": "H", "name": "Hub"}, at(500000, 7000000)}})
	out := filepath.Join(dir, "plan")
	log, err := runCLI(t, "plan", "nfi", "--demand", demand, "--candidates", cands, "--depots", "1", "--out", out, "--format", "csv")
	if err != nil {
		t.Fatalf("%v\n%s", err, log)
	}
	_, depots := readCSV(t, filepath.Join(out, "depots.csv"))
	// 50 + 10 households; V2 is 5 km away in a straight line.
	if d := depots[1]; d["households_served"] != "60" || d["people_served"] != "300" || d["max_distance_m"] != "5000" {
		t.Errorf("depot %v", d)
	}
	_, sum := readCSV(t, filepath.Join(out, "summary.csv"))
	for _, r := range sum[1:] {
		if r["key"] == "demand" && r["value"] != "file demand.geojson" {
			t.Errorf("demand %q", r["value"])
		}
	}
}
