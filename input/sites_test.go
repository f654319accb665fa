package input_test

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/input"
)

// TestReadSites reads capacities, areas and units from a small GeoJSON, and refuses
// what would make a plan wrong.
func TestReadSites(t *testing.T) {
	units := []analysis.AdminUnit{{Code: "TL999901", ParentCode: "TL9999",
		Geometry: orb.MultiPolygon{{{{125, -9}, {125.1, -9}, {125.1, -8.9}, {125, -8.9}, {125, -9}}}}}}
	write := func(features string) string {
		path := filepath.Join(t.TempDir(), "sites.geojson")
		if err := os.WriteFile(path, []byte(`{"type":"FeatureCollection","features":[`+features+`]}`), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	pt := func(props string, lon float64) string {
		return `{"type":"Feature","properties":{` + props + `},"geometry":{"type":"Point","coordinates":[` +
			strconv.FormatFloat(lon, 'f', -1, 64) + `,-8.95]}}`
	}
	poly := `{"type":"Feature","properties":{"id":"field","name":"Field"},"geometry":{"type":"Polygon","coordinates":[[[125.01,-8.96],[125.02,-8.96],[125.02,-8.95],[125.01,-8.95],[125.01,-8.96]]]}}`
	sites, notes, err := input.ReadSites(context.Background(), write(pt(`"id":"school","capacity":"120"`, 125.05)+","+poly+","+pt(`"id":"sea","area_m2":900`, 126)), units, input.SiteFields{}, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(sites) != 2 || len(notes) != 1 || !strings.Contains(notes[0].Message, `"sea"`) {
		t.Fatalf("%d sites, notes %v", len(sites), notes)
	}
	s, f := sites[0], sites[1]
	if s.Code != "school" || s.Name != "school" || s.Capacity != 120 || !math.IsNaN(s.Area) || s.UnitCode != "TL999901" || s.ParentCode != "TL9999" {
		t.Errorf("school: %+v", s)
	}
	if f.Code != "field" || !math.IsNaN(f.Capacity) || !math.IsNaN(f.Area) {
		t.Errorf("field: %+v", f)
	}
	for _, tt := range []struct{ features, want string }{
		{pt(`"name":"x","capacity":1`, 125.05), "has no id field"},
		{pt(`"id":"a","capacity":1`, 125.05) + "," + pt(`"id":"a","capacity":1`, 125.06), `id "a" is also feature 0's`},
		{pt(`"id":"a","capacity":-5`, 125.05), "not a positive number"},
		{pt(`"id":"a","name":"x"`, 125.05), "a point without capacity or area"},
		{pt(`"id":"a","capacity":1`, 126), "no site lies in an admin unit"},
	} {
		if _, _, err := input.ReadSites(context.Background(), write(tt.features), units, input.SiteFields{}, ""); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want %q", tt.features, err, tt.want)
		}
	}
}
