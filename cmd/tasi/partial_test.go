package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/project"
	"github.com/tasi-gis/tasi/input/demo"
)

// TestAnalyzePartialAdmin: an admin layer of a few sucos with the bundled national coast
// casts transects only where those sucos are, instead of failing on the rest of the
// coast ("cannot tell the seaward side").
func TestAnalyzePartialAdmin(t *testing.T) {
	series, err := demo.TimorLeste(demo.Config{Seed: 5, Start: 2010, End: 2020, PerYear: 1})
	if err != nil {
		t.Fatal(err)
	}
	// Two coastal sucos of Oecusse: Costa and Lifau.
	want := map[string]bool{"TL120104": true, "TL120102": true}
	var admin []feature
	var area orb.Bound
	for _, u := range series.Reference.Units {
		if want[u.Code] {
			admin = append(admin, feature{map[string]any{"pcode": u.Code, "name": u.Name}, orb.Polygon(u.Geometry[0])})
			if area.IsZero() {
				area = u.Geometry.Bound()
			} else {
				area = area.Union(u.Geometry.Bound())
			}
		}
	}
	if len(admin) != 2 {
		t.Fatalf("found %d of the 2 sucos in the bundled data", len(admin))
	}
	dir := t.TempDir()
	writeGeoJSON(t, filepath.Join(dir, "admin.geojson"), admin)
	var shores []feature
	for _, s := range series.Shorelines {
		ll := clip.MultiLineString(area.Pad(0.01), project.MultiLineString(s.Geometry.Clone(), series.Zone.Inverse))
		if len(ll) > 0 {
			shores = append(shores, feature{map[string]any{"date": s.Date.Format("2006-01-02")}, ll})
		}
	}
	writeGeoJSON(t, filepath.Join(dir, "shorelines.geojson"), shores)
	out := filepath.Join(dir, "out")
	log, err := runCLI(t, "analyze", "--shorelines", filepath.Join(dir, "shorelines.geojson"),
		"--admin", filepath.Join(dir, "admin.geojson"), "--csv-dir", out)
	if err != nil {
		t.Fatalf("analyze: %v\n%s", err, log)
	}
	_, units := readCSV(t, filepath.Join(out, "admin_change.csv"))
	var got []string
	for _, u := range units {
		got = append(got, u["pcode"])
		if n := num(t, u["n_transects"]); n < 50 {
			t.Errorf("%s: %v transects", u["pcode"], n)
		}
	}
	if strings.Join(got, ",") != "TL120102,TL120104" && strings.Join(got, ",") != "TL120104,TL120102" {
		t.Errorf("units %v, want Costa and Lifau", got)
	}
	_, ts := readCSV(t, filepath.Join(out, "transects.csv"))
	for _, tr := range ts {
		p := orb.Point{num(t, tr["lon"]), num(t, tr["lat"])}
		if !area.Pad(0.02).Contains(p) {
			t.Fatalf("transect %s at %v lies away from the two sucos", tr["transect_id"], p)
		}
	}
}
