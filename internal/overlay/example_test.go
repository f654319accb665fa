package overlay_test

import (
	"fmt"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/tasi-gis/tasi/internal/overlay"
)

func ExampleDifference() {
	unit := orb.MultiPolygon{{{{0, 0}, {3, 0}, {3, 3}, {0, 3}, {0, 0}}}}
	zone := orb.MultiPolygon{{{{1, 1}, {2, 1}, {2, 2}, {1, 2}, {1, 1}}}}
	safe, err := overlay.Difference(unit, zone)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(safe), len(safe[0]), planar.Area(safe))
	fmt.Println(safe[0][0].Orientation() == orb.CCW, safe[0][1].Orientation() == orb.CW)
	// Output:
	// 1 2 8
	// true true
}
