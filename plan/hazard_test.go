package plan_test

import (
	"context"
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/input/demo"
	"github.com/tasi-gis/tasi/plan"
	"github.com/tasi-gis/tasi/vector/linework"
)

// straightRun analyses demo.StraightCoast(rate): 61 transects every 50 m on a 3 km
// straight coast, five noise-free yearly shorelines moving at rate m/yr.
func straightRun(t testing.TB, rate float64) *analysis.Result {
	t.Helper()
	res, err := analysis.Run(context.Background(), demo.StraightCoast(rate), analysis.DefaultParams())
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestZonesStraightCoast: on a straight coast eroding at 2 m/yr, each horizon's zone is
// the coast's length times the retreat plus the setback; an accreting coast has none.
func TestZonesStraightCoast(t *testing.T) {
	res := straightRun(t, -2)
	f, err := plan.NewForecast(res, plan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := f.RefDate.Format("2006-01-02"); got != "2004-01-01" {
		t.Errorf("reference date %s, want the youngest shoreline's, 2004-01-01", got)
	}
	zones := plan.Zones(res, f, nil)
	if len(zones) != 6 {
		t.Fatalf("%d zones, want 3 horizons × best and band in one unit", len(zones))
	}
	length := float64(len(res.Transects)) * 50 // 61 transects, each standing for 50 m
	for _, z := range zones {
		years := float64(f.Horizons[z.Horizon].Years)
		want := length * (2*years + plan.DefaultSetback)
		if math.Abs(z.Area-want)/want > 0.01 {
			t.Errorf("horizon %d band %v: area %.0f m², want %.0f (±1 %%)", f.Horizons[z.Horizon].Years, z.Band, z.Area, want)
		}
		if z.UnitCode != "TL999901" || len(z.Geometry) != 1 {
			t.Errorf("zone in unit %q with %d polygons", z.UnitCode, len(z.Geometry))
		}
		if _, n := linework.SelfCrossings([]orb.LineString{orb.LineString(z.Geometry[0][0])}, 0); n > 0 {
			t.Errorf("zone ring crosses itself %d times", n)
		}
	}
	acc := straightRun(t, 1)
	fa, err := plan.NewForecast(acc, plan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if zs := plan.Zones(acc, fa, nil); len(zs) != 0 {
		t.Errorf("an accreting coast has %d zones", len(zs))
	}
}
