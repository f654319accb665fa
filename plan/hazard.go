package plan

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/internal/overlay"
	"github.com/tasi-gis/tasi/vector/linework"
	"github.com/tasi-gis/tasi/vector/polyindex"
)

// Zone is the land the sea is forecast to take by one horizon in one admin unit: between
// today's shoreline and the forecast shoreline (best estimate, or the landward edge of the
// band), widened landward by the setback.
type Zone struct {
	Horizon int  // index into Forecast.Horizons
	Band    bool // false: to the best estimate; true: to the landward edge of the band
	// Unit indexes Result.Units, -1 for coast outside every unit; UnitCode is its code.
	Unit     int
	UnitCode string
	Geometry orb.MultiPolygon // the run's UTM zone, metres
	Area     float64          // m²
}

// landStep is the spacing (m) of the land probes that cut a zone where a transect leaves
// the land (a lagoon, a river mouth behind the beach).
const landStep = 5.0

// Zones builds the hazard zones of forecast f of run res, for every horizon, best estimate
// and band edge, dissolved per admin unit. land tells whether a point (the run's UTM
// coordinates) is on land; nil means the run's admin units.
//
// Zones are built along the transects, as DSAS measures: on transect i the zone runs from
// today's shoreline landward to the forecast shoreline less the setback, cut where the
// transect leaves the land and at its landward end (so that zones of neighbouring
// transects never cross: cast transects do not). Each run of neighbouring transects of one
// baseline part and one unit that all erode makes one polygon, through today's positions
// along the coast and back through the landward ones, reaching halfway to the neighbours
// beyond either end (half a transect's width at the end of a part). Accreting and stable
// transects, and those without a trend, make none. Polygons of a unit at one horizon make
// its MultiPolygon; the area of a straight coast's zone is its length × (|rate| × years +
// setback).
func Zones(res *analysis.Result, f *Forecast, land func(orb.Point) bool) []Zone {
	if land == nil {
		land = unitLand(res)
	}
	neighbours := neighbourLinks(res)
	var out []Zone
	for h := range f.Horizons {
		for _, band := range []bool{false, true} {
			reach := make([]float64, len(res.Transects)) // landward end, m along the transect; NaN: no zone
			for i := range res.Transects {
				reach[i] = landwardReach(res.Transects[i], f, i, h, band, land)
			}
			byUnit := make(map[int]orb.MultiPolygon)
			for _, run := range runs(res, reach, neighbours) {
				u := res.Transects[run[0]].Unit
				byUnit[u] = append(byUnit[u], runPolygons(res, f, reach, neighbours, run)...)
			}
			units := make([]int, 0, len(byUnit))
			for u := range byUnit {
				units = append(units, u)
			}
			slices.Sort(units)
			for _, u := range units {
				z := Zone{Horizon: h, Band: band, Unit: u, Geometry: dissolve(byUnit[u])}
				if u >= 0 {
					z.UnitCode = res.Units[u].Unit.Code
				}
				z.Area = planar.Area(z.Geometry)
				out = append(out, z)
			}
		}
	}
	return out
}

// unitLand is the land predicate of the run's admin units.
func unitLand(res *analysis.Result) func(orb.Point) bool {
	polys := make([]orb.MultiPolygon, len(res.Units))
	for i, u := range res.Units {
		polys[i] = u.Unit.Geometry
	}
	return polyindex.New(polys).Contains
}

// landwardReach is where the zone of transect i ends landward at horizon h (m along the
// transect, positive seaward), or NaN when it has none.
func landwardReach(t analysis.Transect, f *Forecast, i, h int, band bool, land func(orb.Point) bool) float64 {
	if !f.Eroding(i) {
		return math.NaN()
	}
	to := f.Best[i][h]
	if band {
		to = f.Edge[i][h]
	}
	to -= f.Setback
	to = math.Max(to, -t.Base) // no further than the transect's landward end
	today := f.Today[i]
	if !(to < today) {
		return math.NaN()
	}
	// Walk landward from today's shoreline; stop where the transect leaves the land,
	// after it has been on land at least once (today's shoreline is on the boundary).
	onLand := false
	last := today
	for d := today - landStep/2; d > to; d -= landStep {
		if land(t.At(d)) {
			onLand, last = true, d
		} else if onLand {
			return last
		}
	}
	if !onLand && !land(t.At(to)) {
		return math.NaN()
	}
	return to
}

// neighbourLinks tells, for each transect, whether the next one (i+1) is its neighbour
// along the coast: the same baseline part and no gap, or for given transects no more than
// twice the usual spacing apart.
func neighbourLinks(res *analysis.Result) []bool {
	ts := res.Transects
	next := make([]bool, len(ts))
	var gaps []float64
	for i := 0; i+1 < len(ts); i++ {
		gaps = append(gaps, planar.Distance(ts[i].BaselinePoint(), ts[i+1].BaselinePoint()))
	}
	if len(gaps) == 0 {
		return next
	}
	sorted := slices.Clone(gaps)
	slices.Sort(sorted)
	limit := 2 * sorted[len(sorted)/2]
	for i := range gaps {
		a, b := ts[i], ts[i+1]
		same := a.Part == b.Part || a.Part < 0 && b.Part < 0
		next[i] = same && gaps[i] <= math.Max(limit, 2*res.Params.Spacing)
	}
	return next
}

// runs returns the runs of neighbouring transects of one unit that all have a zone.
func runs(res *analysis.Result, reach []float64, next []bool) [][]int {
	var out [][]int
	var cur []int
	for i := range res.Transects {
		if math.IsNaN(reach[i]) {
			if cur != nil {
				out, cur = append(out, cur), nil
			}
			continue
		}
		if cur != nil && (!next[i-1] || res.Transects[i].Unit != res.Transects[cur[0]].Unit) {
			out, cur = append(out, cur), nil
		}
		cur = append(cur, i)
	}
	if cur != nil {
		out = append(out, cur)
	}
	return out
}

// runPolygons is the polygon of one run: today's positions along the coast, then the
// landward ends back, each end reaching halfway to the neighbour beyond it. Where that
// ring would cross itself (a transect turned along the coast, its neighbours ahead of it),
// the run is drawn as the union of the triangles of its ladder instead.
func runPolygons(res *analysis.Result, f *Forecast, reach []float64, next []bool, run []int) orb.MultiPolygon {
	ts := res.Transects
	todayAt := func(i int) orb.Point {
		if math.IsNaN(f.Today[i]) {
			return ts[i].BaselinePoint()
		}
		return ts[i].At(f.Today[i])
	}
	first, last := run[0], run[len(run)-1]
	// The end beside transect i, towards neighbour j (or half a width out where there is
	// none), as a pair: on today's shoreline, and as far landward as transect i's zone.
	end := func(i, j int, hasNeighbour bool, sign float64) (orb.Point, orb.Point) {
		a, b := todayAt(i), ts[i].At(reach[i])
		var mid orb.Point
		if hasNeighbour {
			o := todayAt(j)
			mid = orb.Point{(a[0] + o[0]) / 2, (a[1] + o[1]) / 2}
		} else {
			// Along the coast: perpendicular to the transect, away from the run.
			dx, dy := ts[i].End[0]-ts[i].Origin[0], ts[i].End[1]-ts[i].Origin[1]
			l := math.Hypot(dx, dy)
			along := orb.Point{dy / l, -dx / l}
			if len(run) > 1 {
				o := todayAt(run[1])
				if i == last {
					o = todayAt(run[len(run)-2])
				}
				if (o[0]-a[0])*along[0]+(o[1]-a[1])*along[1] > 0 {
					along = orb.Point{-along[0], -along[1]}
				}
			} else {
				along = orb.Point{sign * along[0], sign * along[1]}
			}
			w := ts[i].Width / 2
			if !(w > 0) {
				w = res.Params.Spacing / 2
			}
			mid = orb.Point{a[0] + along[0]*w, a[1] + along[1]*w}
		}
		return mid, orb.Point{mid[0] + b[0] - a[0], mid[1] + b[1] - a[1]}
	}
	leftToday, leftLand := end(first, first-1, first > 0 && next[first-1], -1)
	rightToday, rightLand := end(last, last+1, last+1 < len(ts) && next[last], 1)
	ring := orb.Ring{leftToday}
	for _, i := range run {
		ring = append(ring, todayAt(i))
	}
	ring = append(ring, rightToday, rightLand)
	for k := len(run) - 1; k >= 0; k-- {
		ring = append(ring, ts[run[k]].At(reach[run[k]]))
	}
	ring = append(ring, leftLand, leftToday)
	if _, n := linework.SelfCrossings(orb.MultiLineString{orb.LineString(ring)}, 0); n == 0 {
		if ring.Orientation() != orb.CCW {
			ring.Reverse() // counter-clockwise outer rings, as GeoJSON and OGC want
		}
		return orb.MultiPolygon{{ring}}
	}
	// The few zones that the ladder cannot draw as one simple polygon (a transect turned
	// along the coast at a headland, where its neighbours lie ahead of it rather than beside
	// it) are drawn as the union of their triangles by the overlay. The ladder's rungs
	// (today → landward on each transect) never cross; the triangles between consecutive
	// rungs are simple, and their union is valid; a triangle with no area is skipped.
	n := len(run) + 2 // rungs: the left end, the run, the right end
	todays := ring[:n]
	lands := make([]orb.Point, n)
	for k := range n {
		lands[k] = ring[len(ring)-2-k]
	}
	var tris []orb.Polygon
	for k := 0; k+1 < n; k++ {
		a, b, c, d := todays[k], todays[k+1], lands[k+1], lands[k]
		tris = append(tris, orb.Polygon{{a, b, d, a}}, orb.Polygon{{b, c, d, b}})
	}
	mp, err := overlay.Union(tris)
	if err != nil || len(mp) == 0 {
		return nil // no area the overlay can draw: the zone of this run is left out
	}
	return mp
}

// dissolve makes the polygons of one unit a valid MultiPolygon: runs are apart as a rule,
// and only bounds that overlap are merged.
func dissolve(mp orb.MultiPolygon) orb.MultiPolygon {
	for i := range mp {
		for j := i + 1; j < len(mp); j++ {
			if mp[i].Bound().Intersects(mp[j].Bound()) {
				if u, err := overlay.Union(mp); err == nil {
					return u
				}
				return mp
			}
		}
	}
	return mp
}
