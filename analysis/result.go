package analysis

import (
	"slices"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/vector/change"
	"github.com/tasi-gis/tasi/vector/transect"
	"github.com/tasi-gis/tasi/vector/utm"
)

// Result is one analysis. Every geometry in it (shorelines, baseline, transect ends,
// intersection points, unit polygons) is in Zone's UTM coordinates, so that a store can
// write it in one CRS; every measured number is in metres of the zone its transect was
// measured in (Result.TransectZone), true to within that zone's scale error: under 0.27 %,
// under 0.1 % on a coast cut by zone.
//
// Zone is the zone of the centre of the shorelines (or given transects). A coast that
// reaches more than 4.5° of longitude from its central meridian is measured piece by
// piece, each in its own zone (see Run); its geometry is then converted to Zone through
// lon/lat, and the numbers measured in the pieces' zones are kept: Intersection.Distance,
// Transect.Stats (SCE, NSM, rates), Chainage, Width, and the units' CoastKm and areas.
// Transect.Base (and so Length and At) follows the converted geometry, so that At(0) is
// still where the transect crosses the baseline; At(Distance) is then off by the scale
// difference between the zones (up to a few parts in a hundred), so the position of an
// intersection is Intersection.Point, converted from where it was measured.
type Result struct {
	Zone          utm.Zone
	Params        Params
	Shorelines    []Shoreline // projected; empty for a Series run
	Baseline      orb.MultiLineString
	Transects     []Transect // in order along the baseline parts (cast) or as given
	Intersections []Intersection
	Units         []UnitChange // units with at least one transect, in input order; Summary.Transects counts the measured ones
	Missed        []int        // indexes of transects that met no shoreline
}

// Transect is one transect with its statistics. The embedded geometry is in
// Result.Zone's coordinates, with Base rescaled to it; Azimuth is the grid bearing in the
// zone the transect was measured in (Result.TransectZone), which turns from true north by
// the meridian convergence there, within a degree or so in the tropics; Chainage is true
// metres along its baseline part.
type Transect struct {
	transect.Transect
	// Zone is where the transect was cast and measured when that is not Result.Zone (a
	// coast spanning zones); the zero Zone means Result.Zone, so that single-zone results,
	// and stores that keep one zone per run, carry nothing more.
	Zone  utm.Zone
	Label string       // the given transect id, or the 1-based sequence number
	Unit  int          // index into Result.Units, -1 when the transect lies in no unit
	Width float64      // metres of coast the transect stands for, for lengths and areas
	Stats change.Stats // NaN where a statistic is undefined
}

// Intersection is one shoreline position on one transect.
type Intersection struct {
	Transect  int // index into Result.Transects
	Shoreline int // index into Result.Shorelines, or the date index of a Series
	Date      time.Time
	Distance  float64   // true metres from the baseline, positive seaward
	Point     orb.Point // where it lies, in Result.Zone's coordinates
}

// UnitChange is the change summary of one admin unit.
type UnitChange struct {
	Unit AdminUnit // geometry projected to the run's zone
	change.Summary
	CoastKm    float64 // length of coast its transects stand for, measured or not
	AreaLost   float64 // m² of land lost between the oldest and youngest shorelines; NaN when no transect was measured
	AreaGained float64 // m² of land gained; NaN when no transect was measured
}

// BaselinePoint is where the transect crosses its baseline: the zero of its distances.
func (t Transect) BaselinePoint() orb.Point { return t.At(0) }

// TransectZone returns the zone transect i was cast and measured in.
func (res *Result) TransectZone(i int) utm.Zone {
	if z := res.Transects[i].Zone; z.Valid() {
		return z
	}
	return res.Zone
}

// Zones returns the zones the transects were measured in, in order of first use: just
// Zone unless the coast spans several.
func (res *Result) Zones() []utm.Zone {
	var zs []utm.Zone
	for i := range res.Transects {
		if z := res.TransectZone(i); !slices.Contains(zs, z) {
			zs = append(zs, z)
		}
	}
	return zs
}

// Period is the time a run's shorelines span: the dates of its first and last shoreline,
// UTC. Both are zero when the run has none.
type Period struct {
	First, Last time.Time
}

// Period returns the dates of the run's first and last shorelines, or, for a series run
// (which keeps no shorelines), of the first and last positions on any transect: the
// period its rates describe, which a reader must see before trusting a forecast.
func (res *Result) Period() Period {
	var p Period
	add := func(t time.Time) {
		if t.IsZero() {
			return
		}
		t = t.UTC()
		if p.First.IsZero() || t.Before(p.First) {
			p.First = t
		}
		if p.Last.IsZero() || t.After(p.Last) {
			p.Last = t
		}
	}
	for _, s := range res.Shorelines {
		add(s.Date)
	}
	if len(res.Shorelines) == 0 {
		for _, t := range res.Transects {
			add(t.Stats.First)
			add(t.Stats.Last)
		}
	}
	return p
}

// Satellites returns the distinct sensors the run's shorelines name (Shoreline.Satellite,
// split where the features of one date came from several, "L8+S2"), in byte order; nil
// when none names one (shorelines digitised by hand, synthetic ones, a series run).
func (res *Result) Satellites() []string {
	var out []string
	for _, s := range res.Shorelines {
		for _, name := range strings.Split(s.Satellite, "+") {
			if name = strings.TrimSpace(name); name != "" && !slices.Contains(out, name) {
				out = append(out, name)
			}
		}
	}
	slices.Sort(out)
	return out
}
