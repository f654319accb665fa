package web

import (
	"io/fs"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"

	"github.com/tasi-gis/tasi/data"
)

// The bundled land outline is the dissolved, simplified suco layer: every gazetteer
// locality lies on it (bar a few on the simplified shore), and the sea does not.
func TestLandOutline(t *testing.T) {
	b, err := fs.ReadFile(files, "static/land.geojson")
	if err != nil {
		t.Fatal(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(b)
	if err != nil {
		t.Fatalf("static/land.geojson: %v", err)
	}
	if len(fc.Features) != 1 {
		t.Fatalf("%d features, want 1", len(fc.Features))
	}
	land, ok := fc.Features[0].Geometry.(orb.MultiPolygon)
	if !ok {
		t.Fatalf("geometry %T, want a MultiPolygon", fc.Features[0].Geometry)
	}
	bound := land.Bound()
	tl := orb.Bound{Min: orb.Point{124.0, -9.6}, Max: orb.Point{127.4, -8.0}}
	if !tl.Contains(bound.Min) || !tl.Contains(bound.Max) {
		t.Errorf("bounds %v outside Timor-Leste %v", bound, tl)
	}

	ref, err := data.TimorLeste()
	if err != nil {
		t.Fatal(err)
	}
	outside := 0
	for _, l := range ref.Localities {
		if !planar.MultiPolygonContains(land, l.Point) {
			outside++
		}
	}
	t.Logf("%d of %d localities off the land outline", outside, len(ref.Localities))
	if share := float64(outside) / float64(len(ref.Localities)); share > 0.005 {
		t.Errorf("%d of %d localities (%.2f %%) off the land outline, want at most 0.5 %%",
			outside, len(ref.Localities), 100*share)
	}
	for _, sea := range []orb.Point{
		{125.55, -8.40}, // Ombai-Wetar strait, between Dili and Atauro
		{126.00, -9.20}, // Timor Sea, south of Viqueque
		{124.20, -9.10}, // Savu Sea, west of Oecussi
	} {
		if planar.MultiPolygonContains(land, sea) {
			t.Errorf("sea point %v is on land", sea)
		}
	}
	if n := len(land); n < 3 {
		t.Errorf("%d polygons, want at least 3 (Timor, Oecussi, Atauro)", n)
	}
}
