package plan_test

import (
	"context"
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/plan"
	"github.com/tasi-gis/tasi/raster"
	"github.com/tasi-gis/tasi/vector/utm"
)

func ExampleAllocate() {
	// A suco of 0.02° × 0.01° on the coast, 300 people and 60 households in the census,
	// over a grid of 0.01° cells: 20 people in the western cell, 40 in the eastern one
	// (the grid's figures are only weights: the census sets the totals).
	grid, _ := raster.New(orb.Point{125.50, -8.55}, 0.01, 0.01, 2, 1)
	grid.Set(0, 0, 20)
	grid.Set(1, 0, 40)
	suco := analysis.AdminUnit{
		Code: "TL000001", Population: 300, Households: 60,
		Geometry: orb.MultiPolygon{{{{125.50, -8.56}, {125.52, -8.56}, {125.52, -8.55}, {125.50, -8.55}, {125.50, -8.56}}}},
	}
	comms := []plan.Community{
		{Name: "Aldeia West", UnitCode: "TL000001", Point: orb.Point{125.503, -8.555}, Population: math.NaN(), Households: math.NaN()},
		{Name: "Aldeia East", UnitCode: "TL000001", Point: orb.Point{125.518, -8.555}, Population: math.NaN(), Households: math.NaN()},
	}
	pop, err := plan.Allocate(context.Background(), []analysis.AdminUnit{suco}, grid, comms)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range comms {
		fmt.Printf("%s: %.0f people, %.0f households (%s)\n", c.Name, c.Population, c.Households, c.Rule)
	}

	// A hazard zone in the run's UTM zone: everything east of easting 776,300 m (125.51° E here).
	zone := utm.Zone{Number: 51, South: true}
	ex := pop.PeopleIn(func(lonlat orb.Point) bool { return zone.Forward(lonlat)[0] > 776300 })
	for i, c := range comms {
		fmt.Printf("in the zone, %s: %.0f people\n", c.Name, ex.Communities[i].People)
	}
	// Output:
	// Aldeia West: 100 people, 20 households (census spread over the population grid)
	// Aldeia East: 200 people, 40 households (census spread over the population grid)
	// in the zone, Aldeia West: 0 people
	// in the zone, Aldeia East: 200 people
}
