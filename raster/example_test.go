package raster_test

import (
	"fmt"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/raster"
)

func Example() {
	// Three by two cells of 0.001° (about 110 m) north-west of Dili harbour.
	g, err := raster.New(orb.Point{125.570, -8.550}, 0.001, 0.001, 3, 2)
	if err != nil {
		fmt.Println(err)
		return
	}
	g.Set(0, 0, 12.5) // people in the north-west cell
	g.Set(2, 1, 40)

	col, row, ok := g.Cell(orb.Point{125.5725, -8.5512})
	fmt.Println(col, row, ok, g.At(col, row))

	total := 0.0
	for c, v := range g.Cells(g.Bound()) {
		fmt.Printf("cell %d,%d centre %.4f people %.1f\n", c.Col, c.Row, g.Centre(c.Col, c.Row), v)
		total += float64(v)
	}
	fmt.Println("total", total)
	// Output:
	// 2 1 true 40
	// cell 0,0 centre [125.5705 -8.5505] people 12.5
	// cell 2,1 centre [125.5725 -8.5515] people 40.0
	// total 52.5
}
