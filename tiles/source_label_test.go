package tiles

import (
	"context"
	"strings"
	"testing"
)

// sourceLabels are shoreline source labels as package input writes them, with the
// label tiles publish.
var sourceLabels = []struct{ label, want string }{
	{"synthetic 1", "synthetic 1"},
	{"shorelines.geojson feature 3", "shorelines.geojson feature 3"},
	{"/srv/tasi/in/shorelines.geojson feature 3", "shorelines.geojson feature 3"},
	{`/home/ana/Timor 2024/sl.gpkg layer "lines" feature 12`, `sl.gpkg layer "lines" feature 12`},
	{`C:\data\sl.shp feature 1`, `sl.shp feature 1`},
	{"/a/b/one.geojson feature 1; /c/two.geojson feature 2; rel/three.geojson feature 3; and 2 more",
		"one.geojson feature 1; two.geojson feature 2; three.geojson feature 3; and 2 more"},
	{"", ""},
}

func TestPublicSource(t *testing.T) {
	for _, tc := range sourceLabels {
		if got := publicSource(tc.label); got != tc.want {
			t.Errorf("publicSource(%q) = %q, want %q", tc.label, got, tc.want)
		}
	}
}

// TestSourceSQL checks that PostGIS publishes the labels as the memory source does.
func TestSourceSQL(t *testing.T) {
	d := demoDB(t)
	for _, tc := range sourceLabels {
		var got string
		err := d.store.Pool().QueryRow(context.Background(),
			"SELECT "+strings.ReplaceAll(sourceSQL, "t.source", "$1::text"), tc.label).Scan(&got)
		if err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("%s on %q = %q, want %q", sourceSQL, tc.label, got, tc.want)
		}
	}
}
