package gdal_test

import (
	"context"
	"fmt"

	"github.com/tasi-gis/tasi/data"
	"github.com/tasi-gis/tasi/raster/gdal"
)

// Read the population grid bundled with tasi and count its people.
func ExampleReadBytes() {
	g, err := gdal.ReadBytes(context.Background(), "population.tif", data.PopulationGrid(), gdal.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	cells, people := 0, 0.0
	for _, v := range g.Cells(g.Bound()) {
		cells++
		people += float64(v)
	}
	fmt.Printf("%d × %d cells of %.6f°, %d settled, %.0f people\n", g.Width, g.Height, g.CellWidth, cells, people)
	// Output:
	// 3958 × 1654 cells of 0.000833°, 25486 settled, 1247886 people
}
