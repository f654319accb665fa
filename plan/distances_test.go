package plan_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/plan"
	"github.com/tasi-gis/tasi/vector/network"
	"github.com/tasi-gis/tasi/vector/utm"
)

// at is the lon/lat of the point x, y metres east and north of a place on the south coast
// of Timor (UTM 51S), so that hand-computed distances hold in the plan's UTM zone.
func at(t *testing.T, x, y float64) orb.Point {
	t.Helper()
	z, err := utm.ZoneFor(125.5, -9.0)
	if err != nil {
		t.Fatal(err)
	}
	o := z.Forward(orb.Point{125.5, -9.0})
	return z.Inverse(orb.Point{o[0] + x, o[1] + y})
}

// TestDepotDistances: a river along y = 50 with a road on each bank and one bridge at
// x = 5 km. A depot on the south bank reaches a community across the river by the bridge;
// a community 30 km from any road is reported and has no route; straight lines ignore the
// river.
func TestDepotDistances(t *testing.T) {
	south := orb.LineString{at(t, 0, 0), at(t, 10000, 0)}
	north := orb.LineString{at(t, 0, 100), at(t, 10000, 100)}
	bridge := orb.LineString{at(t, 5000, 0), at(t, 5000, 100)}
	roads, err := plan.NewRoads("test roads", []orb.LineString{south, north, bridge}, network.Options{}, network.JoinOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cands := []plan.Candidate{{Code: "D1", Point: at(t, 1000, -10)}}
	demand := []plan.Demand{
		{Community: plan.Community{Code: "C1", Name: "Across", Point: at(t, 1000, 110)}, Households: 10},
		{Community: plan.Community{Code: "C2", Name: "Far", Point: at(t, 1000, 30100)}, Households: 5},
	}
	d, err := plan.DepotDistances(context.Background(), roads, cands, demand)
	if err != nil {
		t.Fatal(err)
	}
	// 1.3 × (10 + 10) m of legs + 4 km to the bridge, 100 m across, 4 km back.
	if want := 1.3*20 + 8100; math.Abs(d.D[0]-want) > 0.5 {
		t.Errorf("across the river: %.1f m, want %.1f", d.D[0], want)
	}
	if !math.IsInf(d.D[1], 1) {
		t.Errorf("30 km from a road: %g m, want +Inf", d.D[1])
	}
	if len(d.Unreached) != 1 || !strings.Contains(d.Unreached[0], `C2 "Far"`) || !strings.Contains(d.Unreached[0], "30.0 km from the nearest road") {
		t.Errorf("unreached %q", d.Unreached)
	}
	if d.Detour != 1.3 || !strings.Contains(d.Method, "road network: test roads") || !strings.Contains(d.Method, "× 1.30") {
		t.Errorf("method %q, detour %g", d.Method, d.Detour)
	}

	s, err := plan.DepotDistances(context.Background(), nil, cands, demand)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(s.D[0]-120) > 0.5 || s.Method != plan.StraightLine || len(s.Unreached) != 0 {
		t.Errorf("straight: %v, %q, %q", s.D, s.Method, s.Unreached)
	}

	// A road layer no community can join is refused.
	_, err = plan.DepotDistances(context.Background(), roads, cands, demand[1:])
	if !errors.Is(err, plan.ErrNoRoadReach) || !strings.Contains(err.Error(), "30.0 km") {
		t.Errorf("no community joined: %v", err)
	}
}

// TestDepotDistancesIsland: a community on a road no candidate's road links to (an island
// with roads of its own) is reported, its distances +Inf.
func TestDepotDistancesIsland(t *testing.T) {
	mainland := orb.LineString{at(t, 0, 0), at(t, 10000, 0)}
	island := orb.LineString{at(t, 0, 40000), at(t, 5000, 40000)}
	roads, err := plan.NewRoads("test roads", []orb.LineString{mainland, island}, network.Options{}, network.JoinOptions{})
	if err != nil {
		t.Fatal(err)
	}
	d, err := plan.DepotDistances(context.Background(), roads,
		[]plan.Candidate{{Code: "D1", Point: at(t, 0, 10)}},
		[]plan.Demand{{Community: plan.Community{Code: "I1", Name: "Island", Point: at(t, 1000, 40010)}, Households: 3}})
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsInf(d.D[0], 1) || len(d.Unreached) != 1 || !strings.Contains(d.Unreached[0], "links it to any candidate depot") {
		t.Errorf("island: %v, %q", d.D, d.Unreached)
	}
}
