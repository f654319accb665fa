package api

import (
	"maps"
	"testing"
)

func TestPublicParameters(t *testing.T) {
	in := map[string]string{
		"shorelines":  "/srv/in/a.geojson,/srv/in/b.gpkg,rel/c.shp",
		"out":         "/home/ana/Timor 2024/results.gpkg",
		"csv-dir":     "/tmp/out/",
		"admin":       `C:\data\sucos.shp`,
		"coast":       "",
		"date-format": "%d/%m/%Y", // not a path: kept
		"spacing":     "50",
		"future-file": "/var/lib/tasi/x.tif", // an absolute path under a name not known yet
	}
	want := map[string]string{
		"shorelines": "a.geojson,b.gpkg,c.shp", "out": "results.gpkg", "csv-dir": "out", "admin": "sucos.shp",
		"coast": "", "date-format": "%d/%m/%Y", "spacing": "50", "future-file": "x.tif",
	}
	before := maps.Clone(in)
	if got := publicParameters(in); !maps.Equal(got, want) {
		t.Errorf("publicParameters:\n got %v\nwant %v", got, want)
	}
	if !maps.Equal(in, before) {
		t.Error("publicParameters changed the run's own map")
	}
}
