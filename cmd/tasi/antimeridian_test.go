package main

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

// TestAnalyzeAntimeridian runs a coast along 17°S from 177°E to 177°W, across ±180°, from
// GeoJSON files as a researcher in Fiji would have them: the run is stored in zone 60S
// (not zone 31, the other side of the world), each side is measured in its own zone, no
// shoreline is taken for self-crossing where it crosses the antimeridian, and the rates
// come back in true metres.
func TestAnalyzeAntimeridian(t *testing.T) {
	const lat0 = -17.0
	mlon := 111320 * math.Cos(lat0*math.Pi/180)
	ll := func(x, y float64) orb.Point {
		lon := 177 + x/mlon
		if lon > 180 {
			lon -= 360
		}
		return orb.Point{lon, lat0 + y/110574}
	}
	length := 6 * mlon
	line := func(y float64) orb.LineString {
		var l orb.LineString
		for x := 0.0; x <= length; x += 100 {
			l = append(l, ll(x, y))
		}
		return l
	}
	box := func(x0, x1 float64) orb.Polygon {
		return orb.Polygon{{ll(x0, -5000), ll(x1, -5000), ll(x1, 0.5), ll(x0, 0.5), ll(x0, -5000)}}
	}
	dir := t.TempDir()
	var shores []feature
	for y := 0; y <= 10; y++ {
		shores = append(shores, feature{map[string]any{"date": fmt.Sprintf("%d-01-01", 2000+y)}, line(float64(y))})
	}
	writeGeoJSON(t, filepath.Join(dir, "shorelines.geojson"), shores)
	writeGeoJSON(t, filepath.Join(dir, "coast.geojson"), []feature{{map[string]any{}, line(0)}})
	// Land in two polygons, one each side of ±180°, as GIS files split it.
	writeGeoJSON(t, filepath.Join(dir, "land.geojson"), []feature{{map[string]any{}, box(-1000, length/2-1)}, {map[string]any{}, box(length/2+1, length+1000)}})
	out := filepath.Join(dir, "out")
	log, err := runCLI(t, "analyze", "--shorelines", filepath.Join(dir, "shorelines.geojson"), "--coast", filepath.Join(dir, "coast.geojson"),
		"--land", filepath.Join(dir, "land.geojson"), "--admin", "none", "--csv-dir", out)
	if err != nil {
		t.Fatalf("analyze: %v\n%s", err, log)
	}
	if !strings.Contains(log, `utm="WGS 84 / UTM zone 60S"`) || !strings.Contains(log, "zone 1S") {
		t.Errorf("run not in zone 60S measured in 60S and 1S:\n%s", log)
	}
	if strings.Contains(log, "self-crossing") {
		t.Errorf("a shoreline across ±180° was taken for self-crossing:\n%s", log)
	}
	_, rows := readCSV(t, filepath.Join(out, "transects.csv"))
	if len(rows) < 12000 {
		t.Fatalf("%d transects over 6° of coast", len(rows))
	}
	for _, r := range rows {
		// Within 3° of a zone's meridian UTM's scale is within 0.14 % of true.
		if lrr := num(t, r["LRR"]); math.Abs(lrr-1) > 0.0025 {
			t.Fatalf("transect %s at %s,%s: LRR %v, want 1 m/yr", r["transect_id"], r["lon"], r["lat"], lrr)
		}
		if az := num(t, r["azimuth"]); math.Min(az, 360-az) > 1.5 {
			t.Fatalf("transect %s: azimuth %v, want north", r["transect_id"], az)
		}
	}
}
