package input

import (
	"fmt"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/project"
	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/data"
	"github.com/tasi-gis/tasi/vector/polyindex"
	"github.com/tasi-gis/tasi/vector/utm"
)

// coastReach is how far (m) from the land polygons the bundled coast is kept when they
// cover only part of the country: coastlines and boundaries from different sources
// disagree by tens of metres, and a transect needs land on one side only.
const coastReach = 1000.0

// bundledCoast is the reference coast where the shorelines lie in Timor-Leste and no
// coast is given: the bundled national coastline, cut to the part that the land polygons
// in use (given land, or given admin units) reach. Casting the whole national coast
// against an admin layer of a few sucos would meet coast with no land on either side.
func bundledCoast(ref *data.Reference, in analysis.Input, c Config) (orb.MultiLineString, error) {
	if c.Land == "" && (c.Admin == "" || c.Admin == "none") {
		return ref.Coastline, nil // the bundled sucos, all of them, tell land from sea
	}
	land := in.Land
	if len(land) == 0 {
		for _, u := range in.Units {
			land = append(land, u.Geometry)
		}
	}
	if len(land) == 0 {
		return ref.Coastline, nil
	}
	kept, err := coastNear(ref.Coastline, land, coastReach)
	if err != nil {
		return nil, err
	}
	if len(kept) == 0 {
		what := "admin units"
		if c.Land != "" {
			what = "land polygons"
		}
		return nil, fmt.Errorf("the bundled coastline of Timor-Leste does not reach the %s given: give the coast to cast transects from", what)
	}
	return kept, nil
}

// coastNear returns the stretches of coast (lon/lat) whose vertices lie within reach
// metres of the polygons (lon/lat), split where the coast leaves them.
func coastNear(coast orb.MultiLineString, polys []orb.MultiPolygon, reach float64) (orb.MultiLineString, error) {
	var c utm.Centre
	for _, p := range polys {
		c.AddGeometry(p)
	}
	zone, err := c.Zone()
	if err != nil {
		return nil, fmt.Errorf("cut the bundled coast to the land: %w", err)
	}
	projected := make([]orb.MultiPolygon, len(polys))
	for i, p := range polys {
		projected[i] = project.MultiPolygon(p.Clone(), zone.Forward)
	}
	ix := polyindex.New(projected)
	near := func(p orb.Point) bool {
		q := zone.Forward(p)
		return ix.Locate(q) >= 0 || ix.Nearest(q, reach) >= 0
	}
	var out orb.MultiLineString
	for _, ls := range coast {
		var run orb.LineString
		flush := func() {
			if len(run) >= 2 {
				out = append(out, run)
			}
			run = nil
		}
		for _, p := range ls {
			if near(p) {
				run = append(run, p)
			} else {
				flush()
			}
		}
		flush()
	}
	return out, nil
}
