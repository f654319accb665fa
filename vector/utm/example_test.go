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

func ExampleCentre() {
	// A coast of Fiji's Vanua Levu written as data usually is, with longitudes that jump
	// from 179.9 to -179.9: its bound is -180..180, whose centre is 0°, zone 31.
	coast := orb.LineString{{179.6, -16.6}, {179.9, -16.5}, {-179.9, -16.4}, {-179.7, -16.2}}
	b, _ := utm.ZoneOf(coast.Bound())
	var c utm.Centre
	c.AddGeometry(coast)
	p, _ := c.Point()
	z, _ := c.Zone()
	fmt.Printf("bound: %v; centre %.2f %.2f: %v\n", b, p[0], p[1], z)
	// Output:
	// bound: WGS 84 / UTM zone 31S; centre 179.98 -16.40: WGS 84 / UTM zone 60S
}
