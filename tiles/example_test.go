package tiles_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/tasi-gis/tasi/tiles"
)

// A layer is one declarative entry. This one serves hazard zones held in memory; for
// PostGIS it would name its table and columns in Layer.PostGIS.
func Example() {
	zones := tiles.Layer{
		Name: "hazard_zones", Description: "Flood-prone zones", Geometry: tiles.Polygon,
		MinZoom: 8, MaxZoom: 14,
		Fields: []tiles.Field{{Name: "pcode", Type: tiles.String}, {Name: "depth_m", Type: tiles.Number}},
		Memory: func(*tiles.Dataset) ([]tiles.Feature, error) {
			// A 2 km square on Dili's waterfront, in EPSG:3857 metres.
			x, y := 13979000.0, -955500.0
			sq := orb.Ring{{x, y}, {x + 2000, y}, {x + 2000, y + 2000}, {x, y + 2000}, {x, y}}
			return []tiles.Feature{{ID: 1, Props: []any{"TL050701", 1.5}, Geometry: orb.Polygon{sq}}}, nil
		},
	}
	src, err := tiles.NewMemory(tiles.Dataset{Run: tiles.Run{ID: 42}}, []tiles.Layer{zones})
	if err != nil {
		fmt.Println(err)
		return
	}
	h := tiles.NewHandler(src, tiles.Options{CacheBytes: tiles.DefaultCacheBytes})

	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/tiles/hazard_zones/12/3476/2145.mvt?run=42", nil))
	fmt.Println(rec.Code, rec.Header().Get("Cache-Control"))
	layers, err := mvt.Unmarshal(rec.Body.Bytes())
	if err != nil {
		fmt.Println(err)
		return
	}
	f := layers[0].Features[0]
	fmt.Println(layers[0].Name, f.ID, f.Properties["pcode"], f.Properties["depth_m"], f.Geometry.GeoJSONType())
	// Output:
	// 200 public, max-age=31536000, immutable
	// hazard_zones 1 TL050701 1.5 Polygon
}
