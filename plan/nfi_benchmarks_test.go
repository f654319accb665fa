package plan_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/plan"
	"github.com/tasi-gis/tasi/vector/network"
	"github.com/tasi-gis/tasi/vector/utm"
)

// nfiInstance is the benchmark instance: 3,000 communities of 1–100 households and
// 500 candidate depots at random in a 100 km square on Timor's south coast (UTM 51S).
func nfiInstance(tb testing.TB) ([]plan.Demand, []plan.Candidate) {
	tb.Helper()
	zone := utm.Zone{Number: 51, South: true}
	r := rand.New(rand.NewPCG(11, 1))
	at := func() orb.Point {
		return zone.Inverse(orb.Point{700000 + 100000*r.Float64(), 8950000 + 100000*r.Float64()})
	}
	demand := make([]plan.Demand, 3000)
	for i := range demand {
		c := plan.Community{Code: fmt.Sprint("C", i), Name: "community", Point: at(), RegionCode: fmt.Sprint("R", i%5)}
		demand[i] = plan.NewDemand(c, float64(1+r.IntN(100)), math.NaN())
	}
	cands := make([]plan.Candidate, 500)
	for j := range cands {
		cands[j] = plan.Candidate{Code: fmt.Sprint("D", j), Name: "depot", Point: at(), Capacity: math.Inf(1)}
	}
	return demand, cands
}

// gridRoads is a road network of 159 × 159 lines 632 m apart over the same square, each
// vertex moved up to 150 m at random: 50,244 edges once noded at the crossings.
func gridRoads(tb testing.TB) *plan.Roads {
	tb.Helper()
	zone := utm.Zone{Number: 51, South: true}
	r := rand.New(rand.NewPCG(12, 1))
	const n = 159
	step := 100000.0 / (n - 1)
	jitter := func() float64 { return 300 * (r.Float64() - 0.5) }
	var lines []orb.LineString
	for i := range n {
		var row, col orb.LineString
		for k := range n {
			row = append(row, zone.Inverse(orb.Point{700000 + float64(k)*step + jitter()/4, 8950000 + float64(i)*step + jitter()}))
			col = append(col, zone.Inverse(orb.Point{700000 + float64(i)*step + jitter(), 8950000 + float64(k)*step + jitter()/4}))
		}
		lines = append(lines, row, col)
	}
	roads, err := plan.NewRoads("grid", lines, network.Options{}, network.JoinOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	return roads
}

// BenchmarkPlanNFIStraight is the first figure: p-median, 3,000 communities, 500
// candidates, k = 10, straight-line distances (target under 2 s on 2 cores), distances
// included.
func BenchmarkPlanNFIStraight(b *testing.B) {
	demand, cands := nfiInstance(b)
	ctx := context.Background()
	for b.Loop() {
		d, err := plan.DepotDistances(ctx, nil, cands, demand)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := plan.PlanNFI(ctx, demand, cands, d, plan.NFIOptions{Objective: plan.Median, Depots: 10}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPlanNFIRoads is the second: the same over a 50,000-edge road graph (target
// under 5 s), road distances included, the graph built once (as tasi serve keeps it).
func BenchmarkPlanNFIRoads(b *testing.B) {
	demand, cands := nfiInstance(b)
	roads := gridRoads(b)
	if e := roads.Graph.Stats().Edges; e < 50000 {
		b.Fatalf("%d edges, want at least 50,000", e)
	}
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		d, err := plan.DepotDistances(ctx, roads, cands, demand)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := plan.PlanNFI(ctx, demand, cands, d, plan.NFIOptions{Objective: plan.Median, Depots: 10}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNewRoadsGrid builds that graph: noding 318 lines of 159 vertices.
func BenchmarkNewRoadsGrid(b *testing.B) {
	for b.Loop() {
		gridRoads(b)
	}
}
