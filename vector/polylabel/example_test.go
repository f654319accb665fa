package polylabel_test

import (
	"fmt"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/vector/polylabel"
)

func ExamplePolygon() {
	// An L: its centroid, (3.9, 3.9), lies an eighth of a unit from the inner corner;
	// the pole is in the outer corner, as far from the outer edges as from the inner
	// corner: x = √2 (4 - x).
	l := orb.Polygon{{{0, 0}, {10, 0}, {10, 4}, {4, 4}, {4, 10}, {0, 10}, {0, 0}}}
	p, d := polylabel.Polygon(l, 0.01)
	fmt.Printf("(%.1f, %.1f), %.1f from the edges\n", p[0], p[1], d)
	// Output: (2.3, 2.3), 2.3 from the edges
}
