package synthetic_test

import (
	"fmt"
	"time"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/vector/polyindex"
	"github.com/tasi-gis/tasi/vector/synthetic"
)

// Example makes 38 years of shorelines on a straight 5 km coast in UTM metres, with an
// erosion hotspot in the middle, and compares how far the last one moved there with the
// true rate.
func Example() {
	var coast orb.LineString
	for x := 500000.0; x <= 505000; x += 250 {
		coast = append(coast, orb.Point{x, 9000000})
	}
	// Land is south of the coast.
	land := polyindex.New([]orb.MultiPolygon{{{{
		{500000, 9000000}, {505000, 9000000}, {505000, 8990000}, {500000, 8990000}, {500000, 9000000},
	}}}})
	town := orb.Point{502500, 9000000}
	rate := synthetic.DefaultRateField(coast.Bound(), 7, town)
	opt := synthetic.Options{
		Seed:        7,
		Start:       time.Date(1987, 1, 1, 0, 0, 0, 0, time.UTC),
		End:         time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC),
		PerYear:     1,
		Uncertainty: [2]float64{5, 15},
	}
	shorelines, err := synthetic.Generate(orb.MultiLineString{coast}, land, rate, opt)
	if err != nil {
		fmt.Println(err)
		return
	}
	first, last := shorelines[0], shorelines[len(shorelines)-1]
	fmt.Printf("%d shorelines, %s to %s\n", len(shorelines), first.Date.Format(time.DateOnly), last.Date.Format(time.DateOnly))

	years := last.Date.Sub(opt.Start).Hours() / 24 / synthetic.DaysPerYear
	moved := last.Geometry[0][10][1] - town[1] // vertex 10 is the town's
	fmt.Printf("at the town: true rate %.2f m/yr, moved %.1f m in %.1f years: %.2f m/yr\n",
		synthetic.Truth(rate, town), moved, years, moved/years)
	// Output:
	// 38 shorelines, 1987-08-14 to 2024-12-01
	// at the town: true rate -2.79 m/yr, moved -105.7 m in 37.9 years: -2.79 m/yr
}
