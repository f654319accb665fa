package network_test

import (
	"context"
	"fmt"

	"github.com/paulmach/orb"

	"github.com/tasi-gis/tasi/vector/network"
)

func Example() {
	// Roads on both banks of a river 100 m wide, and one bridge halfway along, in metres
	// of a projected CRS. The bridge ends on the banks' roads, which Build splits there.
	roads := []orb.LineString{
		{{0, 0}, {10000, 0}},
		{{0, 100}, {10000, 100}},
		{{5000, 0}, {5000, 100}},
	}
	g, err := network.Build(roads, network.Options{})
	if err != nil {
		panic(err)
	}
	st := g.Stats()
	fmt.Printf("%d nodes, %d edges, %d component, %.0f m of road\n", st.Nodes, st.Edges, st.Components, st.Length)

	// Two villages facing each other across the river, and a depot 30 km away.
	villages := []orb.Point{{1000, -10}, {1000, 110}}
	depot := []orb.Point{{1000, 30000}}
	m, err := g.Distances(context.Background(), villages, villages, network.JoinOptions{})
	if err != nil {
		panic(err)
	}
	fmt.Printf("across the river: %.0f m by road, %.0f m straight\n", m.At(0, 1), network.Straight(villages, villages).At(0, 1))

	a, err := g.Attach(depot, network.JoinOptions{})
	if err != nil {
		panic(err)
	}
	fmt.Printf("depot: %.1f km from the nearest road, joined: %v\n", a[0].Leg/1000, a[0].Joined)
	// Output:
	// 6 nodes, 5 edges, 1 component, 20100 m of road
	// across the river: 8126 m by road, 120 m straight
	// depot: 29.9 km from the nearest road, joined: false
}
