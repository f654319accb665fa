package tiles

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/paulmach/orb/maptile"
	"github.com/tasi-gis/tasi/plan"
)

// TestHazardTiles cuts, from each source, the zoom-12 tile of the first vertex of every
// hazard zone of the demo run, and checks that the zone is there with its id and
// properties; and that the layer starts at zoom 9.
func TestHazardTiles(t *testing.T) {
	f := demoRun(t)
	h := f.hazard
	if len(h.Zones) < 100 {
		t.Fatalf("the demo run has %d hazard zones", len(h.Zones))
	}
	byTile := map[maptile.Tile][]int{}
	for i, z := range h.Zones {
		tile := maptile.At(f.res.Zone.Inverse(z.Geometry[0][0][0]), 12)
		byTile[tile] = append(byTile[tile], i)
	}
	for name, s := range sources(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			layers := s.src.Layers()
			checked := 0
			for tile, zones := range byTile {
				b, err := s.src.Tile(ctx, s.run, tile, []string{"hazard"})
				if err != nil {
					t.Fatal(err)
				}
				l := checkTile(t, b, layers).layer("hazard")
				if l == nil {
					t.Errorf("tile %v: no hazard layer, want zones %v", tile, zones)
					continue
				}
				byID := map[uint64]mvtFeature{}
				for _, ft := range l.Features {
					byID[ft.ID] = ft
				}
				for _, i := range zones {
					z := h.Zones[i]
					hz := h.Horizons[z.Horizon]
					ft, ok := byID[uint64(i+1)]
					if !ok {
						t.Errorf("tile %v: no zone %d", tile, i+1)
						continue
					}
					var unit any // none for coast outside every unit
					if z.UnitCode != "" {
						unit = z.UnitCode
					}
					p := ft.Props
					if p["horizon_years"] != uint64(hz.Years) || p["horizon_year"] != uint64(hz.Year()) || p["band"] != z.Band ||
						p["unit_code"] != unit || p["area_m2"] != float32(z.Area) {
						t.Errorf("tile %v zone %d: properties %v, want %d years (%d), band %v, unit %s, %.0f m²",
							tile, i+1, p, hz.Years, hz.Year(), z.Band, z.UnitCode, z.Area)
					}
					checked++
				}
			}
			if checked != len(h.Zones) {
				t.Errorf("checked %d zones of %d", checked, len(h.Zones))
			}
			// Below zoom 9 the layer is empty, the rest of the map is not.
			hd := NewHandler(s.src, Options{})
			if rec := get(t, hd, tilePath("hazard", dili8)); rec.Code != http.StatusNoContent {
				t.Errorf("hazard at zoom 8: %d, want 204", rec.Code)
			}
			if rec := get(t, hd, tilePath("hazard", maptile.At(dili, 9))); rec.Code != http.StatusOK {
				t.Errorf("hazard at zoom 9 over Dili: %d, want 200", rec.Code)
			}
		})
	}
}

// TestHazardMemoryDataset: a run without a forecast has an empty hazard layer, and a zone
// of a horizon the hazard does not have is refused.
func TestHazardMemoryDataset(t *testing.T) {
	f := demoRun(t)
	m, err := NewMemory(Dataset{Run: Run{ID: 1}, Result: f.read, Reference: f.ref}, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := m.Tile(context.Background(), 1, dili12, []string{"hazard", "transects"})
	if err != nil {
		t.Fatal(err)
	}
	tile := checkTile(t, b, m.Layers())
	if tile.layer("hazard") != nil || tile.layer("transects") == nil {
		t.Errorf("run without a forecast: layers %v, want transects and no hazard", tile.Layers)
	}

	bad := *f.readHz
	bad.Zones = append([]plan.Zone(nil), bad.Zones...)
	bad.Zones[3].Horizon = len(bad.Horizons)
	_, err = NewMemory(Dataset{Run: Run{ID: 1}, Result: f.read, Hazard: &bad}, nil)
	if err == nil || !strings.Contains(err.Error(), "layer hazard: hazard zone 3: horizon 3 out of range") {
		t.Errorf("a zone of an unknown horizon: %v", err)
	}
}
