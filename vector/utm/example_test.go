package utm_test

import (
	"fmt"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/project"
	"github.com/tasi-gis/tasi/vector/utm"
)

func Example() {
	// Pick the metric CRS from the data's extent, then project with it.
	coast := orb.LineString{{125.55, -8.55}, {125.60, -8.54}}
	zone, err := utm.ZoneOf(coast.Bound())
	if err != nil {
		panic(err)
	}
	fmt.Println(zone, zone.EPSG())

	m := project.LineString(coast.Clone(), zone.Forward)
	fmt.Printf("%.3f %.3f\n", m[0][0], m[0][1])
	back := zone.Inverse(m[0])
	fmt.Printf("%.9f %.9f\n", back[0], back[1])
	// Output:
	// WGS 84 / UTM zone 51S 32751
	// 780707.632 9053968.818
	// 125.550000000 -8.550000000
}
