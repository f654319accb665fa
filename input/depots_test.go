package input

import (
	"context"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/data"
	"github.com/tasi-gis/tasi/plan"
)

// TestBundledCandidates: the gazetteer's 13 municipality capitals, 129 posto capitals and
// 43 suco centres, and the 5 sea ports that are not marked abandoned, each with its suco.
func TestBundledCandidates(t *testing.T) {
	ref, err := data.TimorLeste()
	if err != nil {
		t.Fatal(err)
	}
	cands := BundledCandidates(ref)
	kinds := make(map[plan.DepotKind]int)
	codes := make(map[string]bool)
	for _, c := range cands {
		kinds[c.Kind]++
		if codes[c.Code] {
			t.Errorf("code %s twice", c.Code)
		}
		codes[c.Code] = true
		if c.UnitCode == "" || c.RegionCode == "" || !math.IsInf(c.Capacity, 1) || c.Fixed {
			t.Errorf("candidate %+v", c)
		}
		if strings.Contains(strings.ToLower(c.Name), "abandoned") {
			t.Errorf("abandoned port %q is a candidate", c.Name)
		}
	}
	want := map[plan.DepotKind]int{plan.MunicipalityCapital: 13, plan.PostoCapital: 129, plan.SucoCentre: 43, plan.SeaPort: 5}
	for k, n := range want {
		if kinds[k] != n {
			t.Errorf("%s: %d candidates, want %d", k, kinds[k], n)
		}
	}
	var dili bool
	for _, c := range cands {
		if c.Name == "Porto de Dili" {
			dili = c.RegionCode == "TL06" // Dili municipality
		}
	}
	if !dili {
		t.Error("Porto de Dili is not a candidate in Dili (TL06)")
	}
}

func TestReadCandidates(t *testing.T) {
	ctx := context.Background()
	square := orb.MultiPolygon{{{ll(-1000, -1000), ll(1000, -1000), ll(1000, 1000), ll(-1000, 1000), ll(-1000, -1000)}}}
	units := []analysis.AdminUnit{{Code: "AU1", Name: "Unit", RegionCode: "AU", RegionName: "Region", Geometry: square}}
	dir := t.TempDir()
	path := func(name string, fs ...feat) string {
		p := filepath.Join(dir, name+".geojson")
		writeFeatures(t, p, fs...)
		return p
	}
	good := path("good",
		feat{props: map[string]any{"id": "D1", "name": "Depot one", "capacity": 200, "stock": 150}, geom: ll(0, 0)},
		feat{props: map[string]any{"id": "D2", "stock": 0}, geom: ll(5000, 0)},
		feat{props: map[string]any{"id": "D3", "stock": 10}, geom: orb.LineString{ll(0, 0), ll(10, 10)}})
	cands, notes, err := ReadCandidates(ctx, good, plan.ExistingDepot, units, CandidateFields{}, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(cands) != 2 || len(notes) != 1 {
		t.Fatalf("%d candidates, notes %v; want 2 and one note", len(cands), notes)
	}
	if c := cands[0]; c.Code != "D1" || c.Name != "Depot one" || c.Capacity != 200 || c.Stock != 150 || !c.Fixed ||
		c.Kind != plan.ExistingDepot || c.UnitCode != "AU1" || c.RegionCode != "AU" {
		t.Errorf("D1: %+v", c)
	}
	if c := cands[1]; c.Code != "D2" || c.Name != "D2" || !math.IsInf(c.Capacity, 1) || c.UnitCode != "" {
		t.Errorf("D2 (no name, no capacity, outside the unit): %+v", c)
	}
	if cs, _, err := ReadCandidates(ctx, good, plan.UserCandidate, units, CandidateFields{}, ""); err != nil || cs[0].Fixed {
		t.Errorf("as candidates: %v, fixed %v", err, cs[0].Fixed)
	}

	for _, tc := range []struct {
		name, path string
		kind       plan.DepotKind
		want       string
	}{
		{"no id field", path("noid", feat{props: map[string]any{"name": "A"}, geom: ll(0, 0)}), plan.UserCandidate, "no id field"},
		{"empty id", path("emptyid", feat{props: map[string]any{"id": "", "name": "A"}, geom: ll(0, 0)}), plan.UserCandidate, `field "id": no id`},
		{"duplicate id", path("dup",
			feat{props: map[string]any{"id": "A"}, geom: ll(0, 0)},
			feat{props: map[string]any{"id": "A"}, geom: ll(10, 0)}), plan.UserCandidate, `id "A" is also feature 0's`},
		{"negative capacity", path("neg", feat{props: map[string]any{"id": "A", "capacity": -5}, geom: ll(0, 0)}), plan.UserCandidate, `field "capacity"`},
		{"stock without a stock field", path("nostock", feat{props: map[string]any{"id": "A"}, geom: ll(0, 0)}), plan.ExistingDepot, "no stock field"},
		{"stock over capacity", path("over", feat{props: map[string]any{"id": "A", "stock": 50, "capacity": 10}, geom: ll(0, 0)}), plan.ExistingDepot, "more than its capacity"},
		{"no point at all", path("nopoint", feat{props: map[string]any{"id": "A"}, geom: orb.LineString{ll(0, 0), ll(1, 1)}}), plan.UserCandidate, "no feature with a point"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := ReadCandidates(ctx, tc.path, tc.kind, units, CandidateFields{}, "")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want it to say %q", err, tc.want)
			}
		})
	}
}

func TestReadRoads(t *testing.T) {
	dir := t.TempDir()
	roads := filepath.Join(dir, "roads.geojson")
	writeFeatures(t, roads,
		feat{props: map[string]any{"ref": "A"}, geom: orb.LineString{ll(0, 0), ll(1000, 0)}},
		feat{props: map[string]any{"ref": "B"}, geom: orb.MultiLineString{{ll(0, 0), ll(0, 1000)}, {ll(0, 2000), ll(0, 3000)}}},
		feat{props: map[string]any{"ref": "C"}, geom: ll(5, 5)})
	lines, notes, err := ReadRoads(context.Background(), roads, "")
	if err != nil || len(lines) != 3 || len(notes) != 1 {
		t.Errorf("%d lines, notes %v, error %v; want 3 lines and one note", len(lines), notes, err)
	}
	points := filepath.Join(dir, "points.geojson")
	writeFeatures(t, points, feat{props: map[string]any{}, geom: ll(5, 5)})
	if _, _, err := ReadRoads(context.Background(), points, ""); err == nil || !strings.Contains(err.Error(), "no line") {
		t.Errorf("a layer of points: %v", err)
	}
}
