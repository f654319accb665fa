package tiles

import (
	"context"
	"testing"

	"github.com/paulmach/orb/maptile"
)

// TestThinning checks the gazetteer's thinning from both sources on the Dili tiles: below
// zoom 10 only capitals and suco centres (kind ≤ 3), from zoom 10 every settlement.
func TestThinning(t *testing.T) {
	p, d := postgisSource(t)
	m := memorySource(t)
	ctx := context.Background()
	dili := [2]float64{125.575, -8.553}
	for _, tc := range []struct {
		z           maptile.Zoom
		wantOthers  bool // kind 4 present
		minFeatures int
	}{
		{8, false, 20},
		{9, false, 10},
		{10, true, 20},
	} {
		tile := maptile.At(dili, tc.z)
		for name, cut := range map[string]func() ([]byte, error){
			"postgis": func() ([]byte, error) { return p.Tile(ctx, d.run, tile, []string{"localities"}) },
			"memory":  func() ([]byte, error) { return m.Tile(ctx, m.run.ID, tile, []string{"localities"}) },
		} {
			b, err := cut()
			if err != nil {
				t.Fatal(err)
			}
			mt, err := decodeMVT(b)
			if err != nil {
				t.Fatalf("%s z%d: %v", name, tc.z, err)
			}
			l := mt.layer("localities")
			if l == nil || len(l.Features) < tc.minFeatures {
				t.Fatalf("%s z%d: localities layer %v, want at least %d features", name, tc.z, l, tc.minFeatures)
			}
			others := 0
			for _, f := range l.Features {
				if k, ok := f.Props["kind"].(uint64); ok && k > 3 {
					others++
				}
			}
			if (others > 0) != tc.wantOthers {
				t.Errorf("%s z%d: %d of %d localities are kind 4, want some: %v", name, tc.z, others, len(l.Features), tc.wantOthers)
			}
		}
	}
}

func TestThinningChecked(t *testing.T) {
	for _, th := range []Thinning{
		{Field: "missing", Max: 3, Below: 10},
		{Field: "name", Max: 3, Below: 10}, // not a Number field
		{Field: "kind", Max: 3, Below: 8},  // not above MinZoom
		{Field: "kind", Max: 3, Below: 30}, // beyond MaxTileZoom
	} {
		layers := DefaultLayers()
		for i := range layers {
			if layers[i].Name == "localities" {
				layers[i].Thin = &th
			}
		}
		if err := checkLayers(layers); err == nil {
			t.Errorf("thinning %+v: no error", th)
		}
	}
}
