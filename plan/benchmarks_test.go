package plan_test

import (
	"context"
	"sync"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/peterstace/simplefeatures/geom"
	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/input/demo"
	"github.com/tasi-gis/tasi/plan"
	"github.com/tasi-gis/tasi/vector/linework"
)

var (
	demoOnce sync.Once
	demoRes  *analysis.Result
	demoErr  error
)

// demoRun is the analysis of the Timor-Leste demo series (15,670 transects, 38
// shorelines), made once per test binary.
func demoRun(tb testing.TB) *analysis.Result {
	tb.Helper()
	demoOnce.Do(func() {
		var s *demo.Series
		if s, demoErr = demo.TimorLeste(demo.DefaultConfig()); demoErr == nil {
			demoRes, demoErr = analysis.Run(context.Background(), s.Input(), analysis.DefaultParams())
		}
	})
	if demoErr != nil {
		tb.Fatal(demoErr)
	}
	return demoRes
}

// TestZonesDemo builds the zones of the whole demo coast: every ring is a simple polygon.
func TestZonesDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("the demo run takes seconds")
	}
	res := demoRun(t)
	f, err := plan.NewForecast(res, plan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	zones := plan.Zones(res, f, nil)
	rings, crossing, invalid := 0, 0, 0
	var area [3][2]float64
	for _, z := range zones {
		b := 0
		if z.Band {
			b = 1
		}
		area[z.Horizon][b] += z.Area
		if err := validMultiPolygon(z.Geometry); err != nil {
			invalid++
			t.Logf("unit %s horizon %d band %v: %v", z.UnitCode, z.Horizon, z.Band, err)
		}
		for _, p := range z.Geometry {
			rings++
			if _, n := linework.SelfCrossings(orb.MultiLineString{orb.LineString(p[0])}, 0); n > 0 {
				crossing++
			}
		}
	}
	t.Logf("%d zones, %d rings, %d crossing themselves; km² best/band: %.2f/%.2f, %.2f/%.2f, %.2f/%.2f",
		len(zones), rings, crossing, area[0][0]/1e6, area[0][1]/1e6, area[1][0]/1e6, area[1][1]/1e6, area[2][0]/1e6, area[2][1]/1e6)
	if crossing > 0 || invalid > 0 {
		t.Errorf("%d of %d zone rings cross themselves; %d of %d zones are not valid multipolygons", crossing, rings, invalid, len(zones))
	}
	for h := range area {
		if !(area[h][1] >= area[h][0]) || h > 0 && !(area[h][0] > area[h-1][0]) {
			t.Errorf("areas %v: the band zone must hold the best one, and zones grow with the horizon", area)
		}
	}
}

// BenchmarkForecastZonesDemo forecasts the whole demo run at three horizons and builds
// its zones (target: under 1 s).
func BenchmarkForecastZonesDemo(b *testing.B) {
	res := demoRun(b)
	b.ResetTimer()
	for range b.N {
		f, err := plan.NewForecast(res, plan.Options{})
		if err != nil {
			b.Fatal(err)
		}
		plan.Zones(res, f, nil)
	}
}

// validMultiPolygon checks mp against the OGC rules with simplefeatures.
func validMultiPolygon(mp orb.MultiPolygon) error {
	b, err := wkb.Marshal(mp)
	if err != nil {
		return err
	}
	_, err = geom.UnmarshalWKB(b)
	return err
}
