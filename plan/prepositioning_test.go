package plan_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/plan"
)

// line is demand on a straight road: communities at x (km) with households, and candidate
// depots at x (km); distances are |Δx| in metres, straight.
func line(t *testing.T, demand map[float64]float64, depots []float64) ([]plan.Demand, []plan.Candidate, plan.Distances) {
	t.Helper()
	var xs []float64
	for x := range demand {
		xs = append(xs, x)
	}
	// Deterministic order: ascending x.
	for i := range xs {
		for j := i + 1; j < len(xs); j++ {
			if xs[j] < xs[i] {
				xs[i], xs[j] = xs[j], xs[i]
			}
		}
	}
	var ds []plan.Demand
	for i, x := range xs {
		region := "R1"
		if x >= 50 {
			region = "R2"
		}
		c := plan.Community{Code: "C" + string(rune('A'+i)), Name: "Community", Point: orb.Point{x / 100, 0}, RegionCode: region, RegionName: region}
		ds = append(ds, plan.NewDemand(c, demand[x], math.NaN()))
	}
	var cs []plan.Candidate
	for j, x := range depots {
		cs = append(cs, plan.Candidate{Code: "D" + string(rune('1'+j)), Name: "Depot", Point: orb.Point{x / 100, 0}, Capacity: math.Inf(1)})
	}
	d := plan.Distances{D: make([]float64, len(cs)*len(ds)), Method: "straight line"}
	for j, dx := range depots {
		for i, x := range xs {
			d.D[j*len(ds)+i] = math.Abs(dx-x) * 1000
		}
	}
	return ds, cs, d
}

var kit = plan.Profile{Name: "test-kit", Items: []plan.Item{
	{Name: "tarpaulin", Unit: "piece", PerHousehold: 2},
	{Name: "blanket", Unit: "piece", PerPerson: 1},
}}

// TestPlanNFIMedian: two clusters of households at 0–2 km and 100–104 km; with two depots
// the p-median opens the ones in the clusters' weighted medians.
func TestPlanNFIMedian(t *testing.T) {
	ds, cs, d := line(t, map[float64]float64{0: 10, 1: 30, 2: 10, 100: 5, 103: 20, 104: 5}, []float64{0, 1, 2, 50, 100, 103, 104})
	pl, err := plan.PlanNFI(context.Background(), ds, cs, d, plan.NFIOptions{Objective: plan.Median, Depots: 2, Profile: kit, MaxDistance: 1500})
	if err != nil {
		t.Fatal(err)
	}
	if len(pl.Depots) != 2 || pl.Depots[0].Code != "D2" || pl.Depots[1].Code != "D6" {
		t.Fatalf("depots %v, want D2 (1 km) and D6 (103 km)", codes(pl))
	}
	// Σ w·d = 10·1000 + 10·1000 + 5·3000 + 5·1000 = 40,000 m over 80 households.
	if want := 40000.0 / 80; math.Abs(pl.Value-want) > 1e-9 || math.Abs(pl.MeanDistance-want) > 1e-9 {
		t.Errorf("value %g, mean %g, want %g", pl.Value, pl.MeanDistance, want)
	}
	if pl.WorstDistance != 3000 || pl.Households != 80 || pl.People != 400 {
		t.Errorf("worst %g, households %g, people %g", pl.WorstDistance, pl.Households, pl.People)
	}
	// Within 1.5 km: all but the 5 households at 100 km.
	if pl.CoveredHouseholds != 75 || math.Abs(pl.Coverage-75.0/80) > 1e-12 {
		t.Errorf("covered %g (%g), want 75", pl.CoveredHouseholds, pl.Coverage)
	}
	d0 := pl.Depots[0]
	if d0.Households != 50 || d0.People != 250 || d0.Communities != 3 || d0.Kits != 50 || d0.MaxDistance != 1000 ||
		math.Abs(d0.MeanDistance-400) > 1e-9 || d0.Items[0] != 100 || d0.Items[1] != 250 {
		t.Errorf("depot D2: %+v", d0)
	}
	if a := pl.Assignments[3]; a.Depot != 1 || a.Distance != 3000 || a.Covered || a.Reason != "beyond max distance" {
		t.Errorf("community at 100 km: %+v", a)
	}
	if len(pl.Shortfalls) != 0 {
		t.Errorf("shortfalls without stock: %+v", pl.Shortfalls)
	}
}

// TestPlanNFIEvaluate: an existing depot at 0 km with 40 kits serves both regions; its
// stock is shared by households served, and each region's shortfall follows.
func TestPlanNFIEvaluate(t *testing.T) {
	ds, cs, d := line(t, map[float64]float64{0: 30, 60: 10}, []float64{0, 200})
	cs[0].Fixed, cs[0].Stock, cs[0].Kind = true, 40, plan.ExistingDepot
	d.D[1*2+1] = math.Inf(1) // the far depot cannot reach the community at 60 km
	pl, err := plan.PlanNFI(context.Background(), ds, cs, d, plan.NFIOptions{Objective: plan.Evaluate, Profile: kit, MaxDistance: 30000})
	if err != nil {
		t.Fatal(err)
	}
	if len(pl.Depots) != 1 || pl.K != 1 || pl.Coverage != 0.75 || pl.WorstDistance != 60000 {
		t.Fatalf("depots %v, k %d, coverage %g, worst %g", codes(pl), pl.K, pl.Coverage, pl.WorstDistance)
	}
	if len(pl.Shortfalls) != 2 {
		t.Fatalf("shortfalls %+v", pl.Shortfalls)
	}
	// Stock 40 shared 30:10; needs 30 and 10: no shortfall in R1 or R2.
	r1, r2 := pl.Shortfalls[0], pl.Shortfalls[1]
	if r1.RegionCode != "R1" || r1.Needed != 30 || r1.Stocked != 30 || r1.Short != 0 || r1.Covered != 30 {
		t.Errorf("R1 %+v", r1)
	}
	if r2.Needed != 10 || r2.Stocked != 10 || r2.Short != 0 || r2.Covered != 0 {
		t.Errorf("R2 %+v", r2)
	}
	cs[0].Stock = 20 // half the need: 15 and 5 kits short, with their items
	pl, err = plan.PlanNFI(context.Background(), ds, cs, d, plan.NFIOptions{Objective: plan.Evaluate, Profile: kit})
	if err != nil {
		t.Fatal(err)
	}
	r1 = pl.Shortfalls[0]
	if r1.Short != 15 || r1.ItemsShort[0] != 30 || r1.ItemsShort[1] != 75 || r1.ItemsNeeded[1] != 150 {
		t.Errorf("R1 with 20 kits: %+v", r1)
	}
}

// TestPlanNFIUnassigned: a community no open depot reaches is listed unreachable, and one
// that every depot in reach is too full for, over capacity.
func TestPlanNFIUnassigned(t *testing.T) {
	ds, cs, d := line(t, map[float64]float64{0: 10, 1: 10, 2: 5}, []float64{0})
	d.D[2] = math.Inf(1)
	cs[0].Capacity = 15
	pl, err := plan.PlanNFI(context.Background(), ds, cs, d, plan.NFIOptions{Objective: plan.Median, Depots: 1, Capacitated: true, Profile: kit})
	if err != nil {
		t.Fatal(err)
	}
	got := []string{pl.Assignments[0].Reason, pl.Assignments[1].Reason, pl.Assignments[2].Reason}
	if got[0] != "" || got[1] != "over capacity" || got[2] != "unreachable" || !math.IsInf(pl.Assignments[2].Distance, 1) {
		t.Errorf("reasons %q", got)
	}
	if pl.Depots[0].Households != 10 || pl.CoveredHouseholds != 10 {
		t.Errorf("depot %+v, covered %g", pl.Depots[0], pl.CoveredHouseholds)
	}
}

func TestPlanNFIBadInput(t *testing.T) {
	ds, cs, d := line(t, map[float64]float64{0: 10, 1: 10}, []float64{0, 1})
	for _, tc := range []struct {
		name string
		opt  plan.NFIOptions
		want string
		is   error
	}{
		{"zero depots", plan.NFIOptions{Depots: 0}, "0 depots from 2 candidates", plan.ErrDepots},
		{"more depots than candidates", plan.NFIOptions{Depots: 3}, "3 depots from 2 candidates", plan.ErrDepots},
		{"cover without a distance", plan.NFIOptions{Objective: plan.Cover, Depots: 1}, "maximum distance", nil},
		{"evaluate without depots", plan.NFIOptions{Objective: plan.Evaluate}, "existing depots", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := plan.PlanNFI(context.Background(), ds, cs, d, tc.opt)
			if err == nil || !strings.Contains(err.Error(), tc.want) || (tc.is != nil && !errors.Is(err, tc.is)) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
}

func codes(pl *plan.NFIPlan) []string {
	var out []string
	for _, d := range pl.Depots {
		out = append(out, d.Code)
	}
	return out
}

// TestPlanNFINoHouseholds: a community with no household is not planned for, and a depot
// asked for beyond what the demand has use for is left out of the plan.
func TestPlanNFINoHouseholds(t *testing.T) {
	ds, cs, d := line(t, map[float64]float64{0: 10, 50: 0}, []float64{0, 50, 100})
	pl, err := plan.PlanNFI(context.Background(), ds, cs, d, plan.NFIOptions{Objective: plan.Median, Depots: 3, Profile: kit})
	if err != nil {
		t.Fatal(err)
	}
	if len(pl.Depots) != 1 || pl.Depots[0].Code != "D1" || pl.K != 3 {
		t.Errorf("depots %v (k %d), want only D1", codes(pl), pl.K)
	}
	if a := pl.Assignments[1]; a.Depot != -1 || a.Reason != "no households" || pl.Households != 10 {
		t.Errorf("empty community: %+v; households %g", a, pl.Households)
	}
	ds[0].Households = 0
	if _, err := plan.PlanNFI(context.Background(), ds, cs, d, plan.NFIOptions{Objective: plan.Median, Depots: 1, Profile: kit}); err == nil ||
		!strings.Contains(err.Error(), "no community has a household") {
		t.Errorf("nothing to serve: %v", err)
	}
}
