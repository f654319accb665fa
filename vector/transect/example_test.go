package transect_test

import (
	"fmt"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/vector/transect"
)

// A straight coast running east along y = 0 with land to the south: transects every
// 100 m reach 50 m inland and 100 m out to sea, and two dated shorelines are measured on
// them. Distances are positive seaward, so the later shoreline shows 8–12 m of accretion.
func Example() {
	coast := orb.MultiLineString{{{0, 0}, {200, 0}}}
	land := transect.LandFunc(func(p orb.Point) bool { return p[1] < 0 })
	ts, err := transect.Cast(coast, land, transect.CastOptions{Spacing: 100, Landward: 50, Seaward: 100, Smoothing: 2500})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, t := range ts {
		fmt.Printf("transect %d: %v → %v, azimuth %g°, baseline %g m from origin\n", t.ID, t.Origin, t.End, t.Azimuth, t.Base)
	}
	shorelines := []orb.MultiLineString{
		{{{-10, -5}, {210, -5}}}, // 2000: 5 m landward of the baseline
		{{{-10, 3}, {210, 7}}},   // 2020: 3–7 m seaward
	}
	for _, h := range transect.Intersect(ts, shorelines, transect.Seaward, 0) {
		fmt.Printf("transect %d, shoreline %d: %+.1f m\n", ts[h.Transect].ID, h.Shoreline, h.Distance)
	}
	// Output:
	// transect 1: [0 -50] → [0 100], azimuth 0°, baseline 50 m from origin
	// transect 2: [100 -50] → [100 100], azimuth 0°, baseline 50 m from origin
	// transect 3: [200 -50] → [200 100], azimuth 0°, baseline 50 m from origin
	// transect 1, shoreline 0: -5.0 m
	// transect 1, shoreline 1: +3.2 m
	// transect 2, shoreline 0: -5.0 m
	// transect 2, shoreline 1: +5.0 m
	// transect 3, shoreline 0: -5.0 m
	// transect 3, shoreline 1: +6.8 m
}
