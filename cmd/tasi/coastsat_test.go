package main

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

// coastSatRates runs analyze on shorelines of the straight coast and returns, for the
// transects away from its ends, |LRR − truth| by the x of the transect.
func coastSatRates(t *testing.T, c straightCoast, dir string, shores []feature, args ...string) map[float64]float64 {
	t.Helper()
	writeGeoJSON(t, filepath.Join(dir, "shorelines.geojson"), shores)
	out := filepath.Join(dir, "out")
	args = append([]string{"analyze", "--shorelines", filepath.Join(dir, "shorelines.geojson"),
		"--coast", filepath.Join(dir, "coast.geojson"), "--land", filepath.Join(dir, "land.geojson"), "--csv-dir", out}, args...)
	log, err := runCLI(t, args...)
	if err != nil {
		t.Fatalf("analyze: %v\n%s", err, log)
	}
	_, rows := readCSV(t, filepath.Join(out, "transects.csv"))
	errs := map[float64]float64{}
	for _, r := range rows {
		x := c.zone.Forward(orb.Point{num(t, r["lon"]), num(t, r["lat"])})[0] - c.e0
		if x < 100 || x > c.length-100 || r["LRR"] == "" {
			continue
		}
		errs[x] = math.Abs(num(t, r["LRR"]) - c.rate(x))
	}
	return errs
}

// TestAnalyzeCoastSatJumps: CoastSat joins separate contour pieces into one line with a
// straight jump. Measured as shoreline, the jump moves the rates of the transects it
// crosses; tasi splits files with CoastSat fields at jumps longer than --max-gap.
func TestAnalyzeCoastSatJumps(t *testing.T) {
	c := newStraightCoast()
	var shores []feature
	for y := 2000; y <= 2010; y++ {
		years := float64(y - 2000)
		// A wavy beach (the waves stay put, so they do not change the rates) moving at
		// rate(x). Clouds hid a different stretch each year; the contours either side were
		// joined by a straight jump across it, which misses the waves.
		shift := func(x float64) float64 { return c.rate(x)*years + 25*math.Sin(2*math.Pi*x/700) }
		g0, g1 := 1700+60*math.Mod(years, 5), 2500+50*math.Mod(years*3, 7)
		var l orb.LineString
		for x := -500.0; x <= c.length+500; x += 10 {
			if x > g0 && x < g1 {
				continue
			}
			l = append(l, c.ll(x, shift(x)))
		}
		shores = append(shores, feature{map[string]any{"date": fmt.Sprintf("%d-01-01 10:00:00+00:00", y), "satname": "L8", "geoaccuracy": 5}, l})
	}
	for _, tt := range []struct {
		name  string
		args  []string
		split bool
	}{
		{"auto", nil, true},
		{"off", []string{"--max-gap", "off"}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			c.write(t, dir)
			errs := coastSatRates(t, c, dir, shores, tt.args...)
			bad := 0
			for _, e := range errs {
				if e > 0.05 {
					bad++
				}
			}
			switch {
			case tt.split && bad > 0:
				t.Errorf("split at the jumps: %d transects off by more than 0.05 m/yr, want 0", bad)
			case !tt.split && bad < 8:
				t.Errorf("jump measured as shoreline: only %d transects off by more than 0.05 m/yr", bad)
			}
		})
	}
}

// TestAnalyzeCoastSegPoints: CoastSeg's point shorelines go through the median mode
// without options, with geoaccuracy as the uncertainty.
func TestAnalyzeCoastSegPoints(t *testing.T) {
	c := newStraightCoast()
	var shores []feature
	for y := 2000; y <= 2010; y++ {
		years := float64(y - 2000)
		var mp orb.MultiPoint
		for x := -500.0; x <= c.length+500; x += 15 {
			mp = append(mp, c.ll(x, c.rate(x)*years))
		}
		shores = append(shores, feature{map[string]any{"date": fmt.Sprintf("%d-01-01 18:22:25+00:00", y), "satname": "S2", "geoaccuracy": 4 + years}, mp})
	}
	dir := t.TempDir()
	c.write(t, dir)
	errs := coastSatRates(t, c, dir, shores)
	if len(errs) < 90 {
		t.Fatalf("only %d transects with a rate", len(errs))
	}
	// The median of the points within 25 m is a point, up to 7.5 m along shore from the
	// transect (points every 15 m), where the shoreline sits up to 0.004·t higher: a few
	// thousandths of a m/yr, as CoastSat's own method gives.
	for x, e := range errs {
		if e > 0.005 {
			t.Errorf("transect at x=%.0f: |LRR − truth| = %.4f m/yr", x, e)
		}
	}
	// WLR weights by geoaccuracy: the exact fit is the same.
	_, rows := readCSV(t, filepath.Join(dir, "out", "transects.csv"))
	if rows[len(rows)/2]["n"] != "11" || !strings.HasPrefix(rows[len(rows)/2]["date_first"], "2000-01-01") {
		t.Errorf("middle transect: n %s, first %s", rows[len(rows)/2]["n"], rows[len(rows)/2]["date_first"])
	}
}
