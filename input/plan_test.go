package input

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/data"
	"github.com/tasi-gis/tasi/vector/transect"
	"github.com/tasi-gis/tasi/vector/utm"
)

// runAt is a run with one transect at lon/lat p, in one unit (a 2 km square around it).
func runAt(t *testing.T, p orb.Point) *analysis.Result {
	t.Helper()
	zone, err := utm.ZoneFor(p[0], p[1])
	if err != nil {
		t.Fatal(err)
	}
	c := zone.Forward(p)
	square := orb.MultiPolygon{{{{c[0] - 1000, c[1] - 1000}, {c[0] + 1000, c[1] - 1000}, {c[0] + 1000, c[1] + 1000}, {c[0] - 1000, c[1] + 1000}, {c[0] - 1000, c[1] - 1000}}}}
	return &analysis.Result{
		Zone:      zone,
		Transects: []analysis.Transect{{Label: "1", Transect: transect.Transect{Origin: orb.Point{c[0], c[1] - 300}, End: orb.Point{c[0], c[1] + 300}, Base: 300}}},
		Units: []analysis.UnitChange{{Unit: analysis.AdminUnit{Code: "AU1", Name: "Unit", RegionCode: "AU", RegionName: "Region",
			Population: 100, Households: 40, Geometry: square}}},
	}
}

// TestPlanInputsOutside: a run outside Timor-Leste needs its communities, which are placed
// in the run's own units; there is no population grid and no OCHA caveat.
func TestPlanInputsOutside(t *testing.T) {
	ctx := context.Background()
	ref, err := data.TimorLeste()
	if err != nil {
		t.Fatal(err)
	}
	res := runAt(t, origin)
	prov := analysis.Provenance{Version: "test"}
	if _, _, err := PlanInputs(ctx, res, "3", prov, PlanSources{}, ref); !errors.Is(err, ErrNoCommunities) {
		t.Fatalf("no communities: %v, want ErrNoCommunities", err)
	}
	path := filepath.Join(t.TempDir(), "communities.geojson")
	writeFeatures(t, path,
		feat{props: map[string]any{"name": "Inside", "households": 12}, geom: ll(100, 100)},
		feat{props: map[string]any{"name": "Far"}, geom: ll(50000, 0)})
	in, notes, err := PlanInputs(ctx, res, "3", prov, PlanSources{Communities: path}, ref)
	if err != nil {
		t.Fatal(err)
	}
	if len(in.Communities) != 1 || in.Communities[0].Name != "Inside" || in.Communities[0].UnitCode != "AU1" ||
		in.Communities[0].RegionCode != "AU" || in.Communities[0].Households != 12 {
		t.Errorf("communities %+v", in.Communities)
	}
	if len(notes) != 1 || in.Grid != nil || len(in.Caveats) != 0 || in.RunID != "3" || in.Provenance.Version != "test" {
		t.Errorf("notes %v, grid %v, caveats %v, run %q", notes, in.Grid != nil, in.Caveats, in.RunID)
	}
	if len(in.Units) != 1 || !in.Units[0].Geometry.Bound().Contains(origin) {
		t.Errorf("units %v, want the run's unit in lon/lat", in.Units)
	}
}

// TestPlanInputsBundled: a run on the bundled sucos takes them, the localities and the
// population grid, and carries OCHA's caveat; a run in Timor-Leste on other units does
// not.
func TestPlanInputsBundled(t *testing.T) {
	ref, err := data.TimorLeste()
	if err != nil {
		t.Fatal(err)
	}
	res := runAt(t, orb.Point{125.57, -8.55})  // Dili
	res.Units[0].Unit.Code = ref.Units[0].Code // a bundled suco
	in, _, err := PlanInputs(context.Background(), res, "1", analysis.Provenance{}, PlanSources{}, ref)
	if err != nil {
		t.Fatal(err)
	}
	if len(in.Units) != len(ref.Units) || len(in.Communities) != len(ref.Localities) || in.Grid == nil ||
		len(in.Caveats) != 1 || in.Caveats[0] != CaveatOCHA {
		t.Errorf("%d units (want %d), %d communities (want %d), grid %v, caveats %v",
			len(in.Units), len(ref.Units), len(in.Communities), len(ref.Localities), in.Grid != nil, in.Caveats)
	}
	res.Units[0].Unit.Code = "TL999901"
	if _, _, err := PlanInputs(context.Background(), res, "1", analysis.Provenance{}, PlanSources{}, ref); !errors.Is(err, ErrNoCommunities) {
		t.Errorf("a run in Timor-Leste on its own units: %v, want ErrNoCommunities", err)
	}
}

// TestPlanInputsSynthetic: a synthetic run's inputs carry CaveatSynthetic first, before
// OCHA's, so that every list and plan built on them says so; a real run's do not.
func TestPlanInputsSynthetic(t *testing.T) {
	ref, err := data.TimorLeste()
	if err != nil {
		t.Fatal(err)
	}
	res := runAt(t, orb.Point{125.57, -8.55})
	res.Units[0].Unit.Code = ref.Units[0].Code
	for _, tc := range []struct {
		synthetic bool
		want      []string
	}{
		{true, []string{CaveatSynthetic, CaveatOCHA}},
		{false, []string{CaveatOCHA}},
	} {
		in, _, err := PlanInputs(context.Background(), res, "1", analysis.Provenance{Synthetic: tc.synthetic}, PlanSources{}, ref)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(in.Caveats, tc.want) || in.Provenance.Synthetic != tc.synthetic {
			t.Errorf("synthetic %v: caveats %q, provenance synthetic %v", tc.synthetic, in.Caveats, in.Provenance.Synthetic)
		}
	}
}
