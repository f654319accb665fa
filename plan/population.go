package plan

import (
	"context"
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/raster"
	"github.com/tasi-gis/tasi/vector/polyindex"
	"github.com/tasi-gis/tasi/vector/utm"
)

// Count is a number of people and of households, NaN where unknown. Spread over grid
// cells, counts are fractional.
type Count struct {
	People, Households float64
}

// UnitPopulation says how one admin unit's census counts were spread.
type UnitPopulation struct {
	Code string // the unit's P-code
	// Population and Households are the unit's census counts, NaN when unknown.
	Population, Households float64
	// Cells is the number of settled cells (value > 0) of the grid whose centre lies in the
	// unit, and GridPeople the people the grid itself puts in them, before scaling.
	Cells      int
	GridPeople float64
	// Rule is FromGrid when the unit has a census count and settled cells, EqualShare when
	// it has a census count but no settled cell, Unknown when it has no census count.
	Rule CountRule
	// Communities is the number of communities of the unit, and Empty how many of them
	// hold no settled cell under FromGrid (every cell lies nearer another community), so
	// that their count is 0.
	Communities, Empty int
	// Unassigned is what of the unit's census counts no community holds: all of them when
	// the unit has no community, else zero.
	Unassigned Count
}

// Population is the census population of admin units spread over the settled cells of a
// population grid (dasymetric mapping) and shared among communities. Allocate makes it;
// PeopleIn sums it inside a zone. It is immutable and safe for concurrent use.
type Population struct {
	// Units says, for each unit given to Allocate and in its order, how its counts were
	// spread.
	Units []UnitPopulation
	// EdgeCells is the number of settled cells whose centre lies in no unit but that a unit
	// covers in part, and EdgeGridPeople the people the grid puts in them: along the coast,
	// where the grid's cells and the units' coastline disagree by tens of metres. Each
	// counts in the unit that covers most of it.
	EdgeCells      int
	EdgeGridPeople float64
	// OutsideCells is the number of settled cells that no unit covers at all, and
	// OutsideGridPeople the people the grid puts in them (off the units' coastline, or
	// beyond the units given). They count nowhere: the census counts are the totals.
	OutsideCells      int
	OutsideGridPeople float64
	// Unmatched is the number of communities whose UnitCode names none of the units.
	Unmatched int

	cells  []cell
	shares []share // per community, in Allocate's order
}

// cell is a settled cell of the grid inside a unit.
type cell struct {
	p    orb.Point // centre, lon/lat, in the units' longitude range
	w    float64   // the grid's value: the cell's weight
	unit int32     // index in Population.Units
	comm int32     // index of the community holding it, -1 for none
}

// share is what PeopleIn needs of a community.
type share struct {
	point orb.Point
	unit  int32 // -1 when the community's UnitCode matches no unit
	// count is the community's people and households (NaN where unknown). A community
	// holding cells of weight w has count·(weight in the zone)/w in a zone; one holding no
	// cell (w == 0) has all of count in a zone that holds its point, and none otherwise.
	count Count
	w     float64
}

// Allocate spreads the census counts of units over the settled cells of grid and shares
// them among communities, setting each community's Population, Households and Rule in
// place. It is dasymetric mapping: people live where the settled cells are, not spread
// evenly over a suco.
//
// Units are sucos with their census Population and Households (−1 when unknown) and their
// geometry in lon/lat. Grid holds people per cell in lon/lat (raster/gdal reads one); a
// cell is settled when its value is greater than zero. Communities carry UnitCode, the
// P-code of their unit, and Population and Households NaN unless a community layer gave
// them.
//
// The rules, each named in the Rule of the rows it produces:
//
//   - A settled cell belongs to the unit that contains its centre, to one unit only (the
//     first in units' order where units overlap). A cell whose centre lies in no unit
//     but that units cover in part belongs to the one covering most of it
//     (Population.EdgeCells): along the coast the grid and the unit boundaries disagree
//     by tens of metres, and these are the people nearest the sea. A cell that no unit
//     covers counts nowhere (Population.OutsideCells).
//   - A unit's settled cells are scaled so that they sum to its census population:
//     cell people = census people × cell value / sum of the unit's cell values, and cell
//     households likewise with the census households.
//   - Each cell of a unit goes to the community of that unit nearest to its centre, in
//     metres (ties to the first community). A community's counts are the sum of its
//     cells (FromGrid); one that ends up with no cell counts 0 (UnitPopulation.Empty).
//   - A unit with a census count but no settled cell shares its counts equally among its
//     communities (EqualShare).
//   - A unit without census count leaves its communities' counts NaN (Unknown).
//   - Counts given by the community layer win (FromLayer): the community still takes its
//     cells, so that its neighbours do not, and its layer counts are spread over them in
//     zones. Where the layer gave only one of the two counts, the other follows from the
//     unit's census households per person (NaN without census). Layer counts are not
//     reconciled with the census: a unit's communities may then add up to more or less
//     than its census.
//   - A unit without community keeps its counts (UnitPopulation.Unassigned), and a
//     community whose UnitCode matches no unit holds no cell (Population.Unmatched):
//     nothing is lost silently.
//
// Containment is tested in lon/lat: the unit polygons' edges are straight lines in lon/lat
// (as GeoJSON and the bundled COD-AB layer define them), so that the test is exact for
// them; projecting the vertices to UTM and testing there would move the edges between
// vertices by well under a millimetre at the bundled data's vertex spacing. Units must not
// cross the antimeridian. Distances to communities are in metres on the WGS 84 ellipsoid,
// with the meridian and parallel scales at the centre of each unit: across a suco (tens of
// kilometres at most) they vary by less than 0.1 %, far below the grid's cell of about
// 92 m, so the nearest community is the geodesic nearest but for near-ties.
//
// Allocate returns an error for a unit with an empty or duplicate code, a community with a
// point that is not finite, or an invalid grid; ctx cancels it.
func Allocate(ctx context.Context, units []analysis.AdminUnit, grid *raster.Grid, communities []Community) (*Population, error) {
	if err := grid.Validate(); err != nil {
		return nil, fmt.Errorf("allocate population: %w", err)
	}
	pop := &Population{Units: make([]UnitPopulation, len(units))}
	byCode := make(map[string]int, len(units))
	geoms := make([]orb.MultiPolygon, len(units))
	var all orb.Bound
	for i, u := range units {
		if u.Code == "" {
			return nil, fmt.Errorf("allocate population: unit %d (%s): empty code", i, u.Name)
		}
		if _, dup := byCode[u.Code]; dup {
			return nil, fmt.Errorf("allocate population: unit %d: duplicate code %s", i, u.Code)
		}
		byCode[u.Code] = i
		geoms[i] = u.Geometry
		if len(u.Geometry) > 0 {
			if all.IsZero() {
				all = u.Geometry.Bound()
			} else {
				all = all.Union(u.Geometry.Bound())
			}
		}
		pop.Units[i] = UnitPopulation{
			Code:       u.Code,
			Population: census(u.Population), Households: census(u.Households),
		}
	}

	// Settled cells inside units. Every settled cell of the grid is looked at, so that
	// those outside all units are counted too.
	ix := polyindex.New(geoms)
	bounds := make([]orb.Bound, len(geoms))
	for i, g := range geoms {
		bounds[i] = g.Bound()
	}
	var scratch orb.Ring
	ref := all.Center()[0]
	n := 0
	for c, v := range grid.Cells(grid.Bound()) {
		if n++; n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("allocate population: %w", err)
			}
		}
		if !(v > 0) {
			continue
		}
		p := grid.Centre(c.Col, c.Row)
		p[0] = utm.Unwrap(p[0], ref)
		u := -1
		if all.Contains(p) {
			u = ix.Locate(p)
		}
		if u < 0 {
			b := grid.CellBound(c.Col, c.Row)
			dx := p[0] - b.Center()[0] // the unwrapping of the centre
			b.Min[0], b.Max[0] = b.Min[0]+dx, b.Max[0]+dx
			if !all.Intersects(b) {
				u = -1
			} else {
				u = mostCovering(geoms, bounds, b, &scratch)
			}
			if u < 0 {
				pop.OutsideCells++
				pop.OutsideGridPeople += float64(v)
				continue
			}
			pop.EdgeCells++
			pop.EdgeGridPeople += float64(v)
		}
		pop.cells = append(pop.cells, cell{p: p, w: float64(v), unit: int32(u), comm: -1})
		pop.Units[u].Cells++
		pop.Units[u].GridPeople += float64(v)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("allocate population: %w", err)
	}

	// Communities by unit.
	members := make([][]int, len(units))
	pop.shares = make([]share, len(communities))
	for i, c := range communities {
		if math.IsNaN(c.Point[0]) || math.IsNaN(c.Point[1]) || math.IsInf(c.Point[0], 0) || math.IsInf(c.Point[1], 0) {
			return nil, fmt.Errorf("allocate population: community %d (%s %s): point %v is not finite", i, c.Code, c.Name, c.Point)
		}
		u, ok := byCode[c.UnitCode]
		pop.shares[i] = share{point: c.Point, unit: -1}
		if !ok {
			pop.Unmatched++
			continue
		}
		pop.shares[i].unit = int32(u)
		members[u] = append(members[u], i)
		pop.Units[u].Communities++
	}

	// Each cell to the nearest community of its unit, in metres.
	scales := make([][2]float64, len(units))
	for u := range units {
		scales[u] = metresPerDegree(geoms[u].Bound().Center()[1])
	}
	for k := range pop.cells {
		c := &pop.cells[k]
		ms := members[c.unit]
		if len(ms) == 0 {
			continue
		}
		s := scales[c.unit]
		best, bestD := -1, math.Inf(1)
		for _, i := range ms {
			q := communities[i].Point
			dx := utm.WrapLongitude(q[0]-c.p[0]) * s[0]
			dy := (q[1] - c.p[1]) * s[1]
			if d := dx*dx + dy*dy; d < bestD {
				best, bestD = i, d
			}
		}
		c.comm = int32(best)
		pop.shares[best].w += c.w
	}

	// Counts and rules.
	for u := range pop.Units {
		up := &pop.Units[u]
		switch {
		case math.IsNaN(up.Population):
			up.Rule = Unknown
		case up.Cells == 0:
			up.Rule = EqualShare
		default:
			up.Rule = FromGrid
		}
		if up.Communities == 0 {
			up.Unassigned = Count{up.Population, up.Households}
		}
	}
	for i := range communities {
		c, sh := &communities[i], &pop.shares[i]
		var up *UnitPopulation
		if sh.unit >= 0 {
			up = &pop.Units[sh.unit]
		}
		if !math.IsNaN(c.Population) || !math.IsNaN(c.Households) {
			c.Rule = FromLayer
			if up != nil {
				perPerson := up.Households / up.Population // NaN without census or with none
				if math.IsNaN(c.Households) {
					c.Households = c.Population * perPerson
				} else if math.IsNaN(c.Population) {
					c.Population = c.Households / perPerson
				}
			}
			sh.count = Count{c.Population, c.Households}
			continue
		}
		if up == nil {
			c.Rule, c.Population, c.Households = Unknown, math.NaN(), math.NaN()
			sh.count = Count{math.NaN(), math.NaN()}
			continue
		}
		c.Rule = up.Rule
		switch up.Rule {
		case FromGrid:
			f := sh.w / up.GridPeople
			c.Population, c.Households = up.Population*f, up.Households*f
			if sh.w == 0 {
				up.Empty++
			}
		case EqualShare:
			n := float64(up.Communities)
			c.Population, c.Households = up.Population/n, up.Households/n
		default:
			c.Population, c.Households = math.NaN(), math.NaN()
		}
		sh.count = Count{c.Population, c.Households}
	}
	return pop, nil
}

// mostCovering returns the index of the polygon that covers most of the cell b, or -1
// when none covers any of it. bounds are the polygons' bounds; scratch is reused.
func mostCovering(polys []orb.MultiPolygon, bounds []orb.Bound, b orb.Bound, scratch *orb.Ring) int {
	best, bestArea := -1, 0.0
	for i, mp := range polys {
		if !bounds[i].Intersects(b) {
			continue
		}
		var a float64
		for _, poly := range mp {
			for k, r := range poly {
				if !r.Bound().Intersects(b) {
					continue
				}
				// clip.Ring works in place: clip a copy.
				*scratch = append((*scratch)[:0], r...)
				ar := math.Abs(ringArea(clip.Ring(b, *scratch)))
				if k == 0 {
					a += ar
				} else {
					a -= ar // a hole
				}
			}
		}
		if a > bestArea {
			best, bestArea = i, a
		}
	}
	return best
}

// ringArea returns the signed area of r (shoelace formula), in the square of its units.
func ringArea(r orb.Ring) float64 {
	var s float64
	for i := 1; i < len(r); i++ {
		s += r[i-1][0]*r[i][1] - r[i][0]*r[i-1][1]
	}
	if n := len(r); n > 2 && r[0] != r[n-1] {
		s += r[n-1][0]*r[0][1] - r[0][0]*r[n-1][1]
	}
	return s / 2
}

// census turns a census count, −1 when unknown, into a float64, NaN when unknown.
func census(n int) float64 {
	if n < 0 {
		return math.NaN()
	}
	return float64(n)
}

// metresPerDegree returns the length in metres of a degree of longitude and of latitude
// at latitude lat on the WGS 84 ellipsoid.
func metresPerDegree(lat float64) [2]float64 {
	const a, f = 6378137.0, 1 / 298.257223563
	e2 := f * (2 - f)
	phi := lat * math.Pi / 180
	w := 1 - e2*math.Sin(phi)*math.Sin(phi)
	n := a / math.Sqrt(w)                  // prime vertical radius of curvature
	m := a * (1 - e2) / (w * math.Sqrt(w)) // meridional radius of curvature
	return [2]float64{n * math.Cos(phi) * math.Pi / 180, m * math.Pi / 180}
}

// Exposed is what lives inside a zone, as PeopleIn counts it.
type Exposed struct {
	// Communities holds, for each community given to Allocate and in its order, its people
	// and households inside the zone.
	Communities []Count
	// Units holds, for each unit given to Allocate and in its order, its census people and
	// households inside the zone, whether a community holds them or not.
	Units []Count
	// Unassigned is the part of Units that no community holds: people in the zone in units
	// without community.
	Unassigned Count
}

// PeopleIn counts the people and households inside a zone, which in tells by answering
// for a point in lon/lat (a cell's centre or a community's point) whether it lies inside.
// Hazard zones are polygons in the run's UTM zone: project the point in the predicate
// (utm.Zone.Forward) and test it with a polyindex.Index of the zone's polygons, which
// answers the few tens of thousands of questions in milliseconds.
//
// A zone holds the scaled cells whose centre it contains. For a community:
//
//   - FromGrid: the sum of its cells inside the zone;
//   - FromLayer: its layer counts times the share of its cells' people inside the zone,
//     or, when it holds no cell, all of its counts if the zone contains its point;
//   - EqualShare: all of its counts if the zone contains its point, none otherwise;
//   - Unknown: NaN if the zone contains any of its cells or, holding none, its point;
//     zero otherwise.
//
// A unit's count is the sum of its scaled cells in the zone (FromGrid), the equal shares
// of its communities whose point lies in the zone (EqualShare), or NaN when the zone
// contains any of its cells or communities and its census count is unknown.
func (p *Population) PeopleIn(in func(lonlat orb.Point) bool) Exposed {
	ex := Exposed{Communities: make([]Count, len(p.shares)), Units: make([]Count, len(p.Units))}
	wComm := make([]float64, len(p.shares))
	wUnit := make([]float64, len(p.Units))
	touched := make([]bool, len(p.Units))
	for _, c := range p.cells {
		if !in(c.p) {
			continue
		}
		wUnit[c.unit] += c.w
		touched[c.unit] = true
		if c.comm >= 0 {
			wComm[c.comm] += c.w
		}
	}
	for i, sh := range p.shares {
		var inside bool
		if sh.w == 0 {
			inside = in(sh.point)
			if inside && sh.unit >= 0 {
				touched[sh.unit] = true
			}
		}
		switch {
		case sh.w > 0 && wComm[i] > 0:
			f := wComm[i] / sh.w
			ex.Communities[i] = Count{sh.count.People * f, sh.count.Households * f}
		case sh.w == 0 && inside:
			ex.Communities[i] = sh.count
		}
		if inside && sh.unit >= 0 && p.Units[sh.unit].Rule == EqualShare {
			up := p.Units[sh.unit]
			n := float64(up.Communities)
			ex.Units[sh.unit].People += up.Population / n
			ex.Units[sh.unit].Households += up.Households / n
		}
	}
	for u, up := range p.Units {
		switch up.Rule {
		case FromGrid:
			f := wUnit[u] / up.GridPeople
			ex.Units[u] = Count{up.Population * f, up.Households * f}
		case Unknown:
			if touched[u] {
				ex.Units[u] = Count{math.NaN(), math.NaN()}
			}
		}
		if up.Communities == 0 {
			ex.Unassigned.People += ex.Units[u].People
			ex.Unassigned.Households += ex.Units[u].Households
		}
	}
	return ex
}
