package analysis

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/paulmach/orb/project"
	"github.com/tasi-gis/tasi/vector/change"
	"github.com/tasi-gis/tasi/vector/linework"
	"github.com/tasi-gis/tasi/vector/polyindex"
	"github.com/tasi-gis/tasi/vector/transect"
	"github.com/tasi-gis/tasi/vector/utm"
)

const (
	// maxOffset is how far (degrees of longitude) from its zone's central meridian a coast
	// may run and still be measured in that zone: the scale error there is under 0.27 %
	// (at the equator, less elsewhere), a tenth of what a coast 13° out suffers, and the
	// east end of Timor-Leste, 4.35° from the meridian of 51S, stays in the zone the whole
	// country uses.
	maxOffset = 4.5
	// zoneEdge is half the width of a standard zone: where a coast running across zones
	// is cut, so that it is measured within 3° of a central meridian (under 0.1 %).
	zoneEdge = 3.0
)

// zonePlan is how a run is split between UTM zones.
type zonePlan struct {
	zone   utm.Zone // the result's zone: of the centre of the shorelines or given transects
	centre float64  // the longitude of that centre, around which longitudes are unwrapped
	multi  bool     // the coast or the given transects reach beyond maxOffset of zone's meridian
}

// planZones picks the result's zone from the centre of the data (as utm.Centre does, so
// that data across the antimeridian gets zone 60 or 1) and tells whether the coast, or the
// given transects, fit in it.
func planZones(in Input) (zonePlan, error) {
	c := in.Centre()
	if c.Len() == 0 {
		// No finite coordinate: the checks of the shorelines and transects say what is
		// wrong; until they do, any zone will do.
		c.Add(orb.Point{0, 0})
	}
	zone, err := c.Zone()
	if err != nil {
		return zonePlan{}, fmt.Errorf("choose UTM zone: %w", err)
	}
	centre, _ := c.Point()
	pl := zonePlan{zone: zone, centre: centre[0]}
	cm := zone.CentralMeridian()
	fits := func(l orb.LineString) bool {
		for _, p := range l {
			if math.Abs(utm.WrapLongitude(p[0]-cm)) > maxOffset {
				return false
			}
		}
		return true
	}
	if len(in.Transects) > 0 {
		for _, t := range in.Transects {
			if !fits(t.Line) {
				pl.multi = true
				break
			}
		}
		return pl, nil
	}
	coast := in.Coast
	if len(coast) == 0 {
		coast = oldestShoreline(in.Shorelines)
	}
	for _, l := range coast {
		if !fits(l) {
			pl.multi = true
			break
		}
	}
	return pl, nil
}

// Zone indexes count the standard 6° zones eastward from 180°W without wrapping, so that
// a coast across the antimeridian runs from index 59 (zone 60) to index 60 (zone 1).
func zoneIndex(lon float64) int  { return int(math.Floor((lon + 180) / 6)) }
func meridian(index int) float64 { return float64(6*index - 177) }
func zoneNumber(index int) int   { return (index%60+60)%60 + 1 }
func fitsZone(l orb.LineString, index int) bool {
	cm := meridian(index)
	for _, p := range l {
		if math.Abs(p[0]-cm) > maxOffset {
			return false
		}
	}
	return true
}

// givenZone is the zone index of a given transect: of the midpoint of its ends.
func givenZone(t GivenTransect, centre float64) int {
	if len(t.Line) == 0 {
		return zoneIndex(centre)
	}
	a := utm.Unwrap(t.Line[0][0], centre)
	return zoneIndex(a + utm.WrapLongitude(t.Line[len(t.Line)-1][0]-a)/2)
}

// piece is a stretch of a baseline part measured in one zone.
type piece struct {
	line  orb.LineString // lon/lat, with continuous longitudes within 180° of the plan's centre
	index int            // zone index (see zoneIndex)
}

// cutPart splits one part of the coast, in lon/lat, into pieces each measured in one zone
// (see Run): the whole part in the zone of its centre when it fits within maxOffset of
// its meridian; otherwise cut where it last left a zone, across the zone's edge, before
// running on beyond maxOffset. A leading piece that fits the next one's zone joins it, and
// a ring's first and last pieces join when they are in one zone.
func cutPart(ll orb.LineString, centre float64) []piece {
	if len(ll) == 0 {
		return nil
	}
	u := make(orb.LineString, len(ll))
	u[0] = orb.Point{utm.Unwrap(ll[0][0], centre), ll[0][1]}
	mean := u[0][0]
	for k := 1; k < len(ll); k++ {
		u[k] = orb.Point{u[k-1][0] + utm.WrapLongitude(ll[k][0]-ll[k-1][0]), ll[k][1]}
		mean += u[k][0]
	}
	if i := zoneIndex(mean / float64(len(u))); fitsZone(u, i) {
		return []piece{{u, i}}
	}
	var out []piece
	i := zoneIndex(u[0][0])
	cur := orb.LineString{u[0]}
	for k := 1; k < len(u); k++ {
		cur = append(cur, u[k])
		for {
			cm := meridian(i)
			if math.Abs(u[k][0]-cm) <= maxOffset {
				break
			}
			// Every vertex before k is within maxOffset of cm, and cur starts inside the
			// zone or on its edge: some segment of cur leaves the zone across the edge on
			// u[k]'s side, and after the last one the line stays beyond that edge.
			east := u[k][0] > cm
			edge, step := cm-zoneEdge, -1
			if east {
				edge, step = cm+zoneEdge, 1
			}
			m := len(cur) - 1
			for ; m > 1; m-- {
				a, b := cur[m-1][0], cur[m][0]
				if east && a <= edge && b > edge || !east && a >= edge && b < edge {
					break
				}
			}
			a, b := cur[m-1], cur[m]
			if f := (edge - a[0]) / (b[0] - a[0]); f > 0 && f < 1 {
				cut := orb.Point{edge, a[1] + f*(b[1]-a[1])}
				out = append(out, piece{append(append(orb.LineString(nil), cur[:m]...), cut), i})
				cur = append(orb.LineString{cut}, cur[m:]...)
			} else { // on the vertex a (or, in a case the argument above rules out, beside it)
				out = append(out, piece{append(orb.LineString(nil), cur[:m]...), i})
				cur = append(orb.LineString(nil), cur[m-1:]...)
			}
			i += step
		}
	}
	out = append(out, piece{cur, i})
	if n := len(out); n > 1 && ll[0] == ll[len(ll)-1] && out[0].index == out[n-1].index && u[0] == u[len(u)-1] {
		// A ring: its seam is no cut.
		out[0].line = append(out[n-1].line, out[0].line[1:]...)
		out = out[:n-1]
	}
	if len(out) > 1 && fitsZone(out[0].line, out[1].index) {
		out[1].line = append(out[0].line, out[1].line[1:]...)
		out = out[1:]
	}
	// A line starting on a zone's edge and leaving across it leaves a single point behind.
	return slices.DeleteFunc(out, func(pc piece) bool { return len(pc.line) < 2 })
}

// zoneGroup is what one zone measures.
type zoneGroup struct {
	zone    utm.Zone
	pieces  []int     // indexes into the run's pieces (cast transects)
	members []int     // indexes into Result.Transects, ascending
	bound   orb.Bound // of the pieces, lon/lat unwrapped around the plan's centre
}

// zoneSet holds the groups of a run, one per zone number, in order of first use. Every
// zone takes the result's hemisphere, which only shifts northings: a coast crossing the
// equator is measured in one zone per 6° of longitude, not two.
type zoneSet struct {
	south    bool
	groups   []*zoneGroup
	byNumber map[int]int
}

// of returns the group of zone index i, made when first asked for.
func (zs *zoneSet) of(i int) int {
	n := zoneNumber(i)
	g, ok := zs.byNumber[n]
	if !ok {
		g = len(zs.groups)
		zs.byNumber[n] = g
		zs.groups = append(zs.groups, &zoneGroup{zone: utm.Zone{Number: n, South: zs.south}})
	}
	return g
}

// runZones casts (or takes) and measures the transects of each zone in that zone, and
// merges them into res: transects, baseline and intersections in res.Zone's coordinates,
// the measured numbers in the local metres. It returns what makeTransects and observe
// return, and the true distance between the baseline crossings of two given transects.
func (res *Result) runZones(ctx context.Context, in Input, p Params, plan zonePlan, seriesCols []int) ([]string, [][]change.Observation, func(a, b int) float64, error) {
	var (
		local  []transect.Transect // in their own zones, in the order of res.Transects
		group  []int               // the zone group of each
		labels []string
		err    error
	)
	zs := &zoneSet{south: plan.zone.South, byNumber: make(map[int]int)}
	if len(in.Transects) > 0 {
		lines := make([]orb.LineString, len(in.Transects))
		labels = make([]string, len(in.Transects))
		group = make([]int, len(in.Transects))
		for i, t := range in.Transects {
			group[i] = zs.of(givenZone(t, plan.centre))
			lines[i] = project.LineString(t.Line.Clone(), zs.groups[group[i]].zone.Forward)
			labels[i] = t.ID
		}
		if local, err = transect.Given(lines, in.OriginSeaward); err != nil {
			return nil, nil, nil, fmt.Errorf("given transects: %w", err)
		}
	} else {
		if local, group, err = res.castZones(ctx, in, p, plan, zs); err != nil {
			return nil, nil, nil, err
		}
		labels = make([]string, len(local))
		for i := range local {
			local[i].ID = i + 1
			labels[i] = fmt.Sprint(i + 1)
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, nil, err
	}
	groups := zs.groups
	res.Transects = make([]Transect, len(local))
	for i, t := range local {
		g := groups[group[i]]
		g.members = append(g.members, i)
		res.Transects[i] = Transect{Transect: convert(t, g.zone, res.Zone), Unit: -1}
		if g.zone != res.Zone {
			res.Transects[i].Zone = g.zone
		}
	}
	obs, err := res.observeZones(ctx, in, p, plan, seriesCols, local, group, groups)
	if err != nil {
		return nil, nil, nil, err
	}
	gap := func(a, b int) float64 {
		za, zb := groups[group[a]].zone, groups[group[b]].zone
		pa, pb := local[a].At(0), local[b].At(0)
		if za != zb {
			pb = za.Forward(zb.Inverse(pb))
		}
		return planar.Distance(pa, pb)
	}
	return labels, obs, gap, nil
}

// castZones cuts the coast into pieces by zone, casts the transects of each zone's pieces
// in that zone, resolves the crossings between zones and returns the transects in their
// zones, in order along the pieces, with the group of each. It sets res.Baseline to the
// pieces, in res.Zone's coordinates; a transect's Part indexes it.
func (res *Result) castZones(ctx context.Context, in Input, p Params, plan zonePlan, zs *zoneSet) ([]transect.Transect, []int, error) {
	landLL := in.Land
	if len(landLL) == 0 {
		for _, u := range in.Units {
			landLL = append(landLL, u.Geometry)
		}
	}
	if len(landLL) == 0 {
		return nil, nil, ErrNoSeaSide
	}
	// Chain the coast's pieces as a single-zone run does, in the result's zone (continuous
	// across the antimeridian), then cut the chains by zone in lon/lat.
	coast := project.MultiLineString(in.Coast.Clone(), res.Zone.Forward)
	if len(coast) == 0 {
		coast = oldestShoreline(res.Shorelines)
	}
	coast = linework.Merge(coast, 1)
	var pieces []piece
	for _, l := range coast {
		for _, pc := range cutPart(project.LineString(l.Clone(), res.Zone.Inverse), plan.centre) {
			if planar.Length(pc.line) > 0 {
				pieces = append(pieces, pc)
			}
		}
	}
	pieceGroup := make([]int, len(pieces))
	res.Baseline = make(orb.MultiLineString, len(pieces))
	for k, pc := range pieces {
		pieceGroup[k] = zs.of(pc.index)
		g := zs.groups[pieceGroup[k]]
		g.pieces = append(g.pieces, k)
		g.bound = extend(g.bound, len(g.pieces) == 1, pc.line.Bound())
		res.Baseline[k] = project.LineString(pc.line.Clone(), res.Zone.Forward)
	}
	landBounds := make([]orb.Bound, len(landLL))
	for i, l := range landLL {
		landBounds[i] = unwrappedBound(l, plan.centre)
	}

	// Each zone's pieces in its metres; and for progress, the positions cast so far out of
	// those of the zones done and about as many as the other zones' lengths make.
	bases := make([]orb.MultiLineString, len(zs.groups))
	estimate := make([]int, len(zs.groups))
	for gi, g := range zs.groups {
		for _, k := range g.pieces {
			l := project.LineString(pieces[k].line.Clone(), g.zone.Forward)
			bases[gi] = append(bases[gi], l)
			estimate[gi] += int(planar.Length(l)/p.Spacing) + 1
		}
	}
	castDone := 0
	crossings := maxCrossings(in, p)
	perPiece := make([][]transect.Transect, len(pieces))
	for gi, g := range zs.groups {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		fwd := orb.Projection(g.zone.Forward)
		// Land near the zone's pieces, with room for the transects' reach.
		near := pad(g.bound, 2*p.Length)
		var polys []orb.MultiPolygon
		for i, l := range landLL {
			if landBounds[i].Intersects(near) {
				polys = append(polys, project.MultiPolygon(l.Clone(), fwd))
			}
		}
		later := 0
		for _, e := range estimate[gi+1:] {
			later += e
		}
		ts, err := transect.Cast(bases[gi], polyindex.New(polys), transect.CastOptions{
			Spacing:   p.Spacing,
			Landward:  p.Length / 2,
			Seaward:   p.Length / 2,
			Smoothing: p.Smoothing,
			Progress: func(done, total int) {
				p.report("transects", castDone+done, castDone+total+later)
				if done == total {
					castDone += total
				}
			},
			MaxCrossings: crossings,
		})
		if errors.Is(err, transect.ErrTooDense) {
			return nil, nil, fmt.Errorf("%w: resolving them would take more than the %s of memory available; use a larger spacing", err, humanBytes(p.MemoryLimit))
		}
		if err != nil {
			// Its part numbers count the pieces of coast in this zone.
			return nil, nil, fmt.Errorf("coast in %v: %w", g.zone, err)
		}
		for _, t := range ts {
			t.Part = g.pieces[t.Part]
			perPiece[t.Part] = append(perPiece[t.Part], t)
		}
	}
	var local []transect.Transect
	var group []int
	for k, ts := range perPiece {
		local = append(local, ts...)
		for range ts {
			group = append(group, pieceGroup[k])
		}
	}
	zones := make([]utm.Zone, len(local))
	for i, g := range group {
		zones[i] = zs.groups[g].zone
	}
	dropped := resolveSeams(local, zones, group, res.Zone, p.Length/2, math.Min(1, p.Spacing/20))
	kept := local[:0]
	keptGroup := group[:0]
	for i, t := range local {
		if !dropped[i] {
			kept = append(kept, t)
			keptGroup = append(keptGroup, group[i])
		}
	}
	return kept, keptGroup, nil
}

// observeZones measures every shoreline (or series date) on the transects of each zone in
// that zone, records the intersections in res, converted to res.Zone, and returns the
// observations of each transect.
func (res *Result) observeZones(ctx context.Context, in Input, p Params, plan zonePlan, seriesCols []int, local []transect.Transect, group []int, groups []*zoneGroup) ([][]change.Observation, error) {
	obs := make([][]change.Observation, len(local))
	if s := in.Series; s != nil {
		for ti, t := range local {
			z := groups[group[ti]].zone
			res.observeSeries(obs, ti, t, s, seriesCols[ti], in.OriginSeaward, p, func(q orb.Point) orb.Point { return convertPoint(q, z, res.Zone) })
		}
		return obs, nil
	}

	// Each zone measures the shorelines that come near its transects, projected into it;
	// one zone's copies are let go before the next zone's are made.
	lineBounds := make([]orb.Bound, len(in.Shorelines))
	for i, s := range in.Shorelines {
		if len(s.Points) > 0 {
			lineBounds[i] = unwrappedBound(s.Points, plan.centre)
		} else {
			lineBounds[i] = unwrappedBound(s.Geometry, plan.centre)
		}
	}
	nearby := make([][]int, len(groups))
	total := 0
	for gi, g := range groups {
		if len(g.members) == 0 {
			continue
		}
		var b orb.Bound
		for k, ti := range g.members {
			for end, q := range []orb.Point{local[ti].Origin, local[ti].End} {
				ll := g.zone.Inverse(q)
				b = extend(b, k == 0 && end == 0, orb.Point{utm.Unwrap(ll[0], plan.centre), ll[1]}.Bound())
			}
		}
		near := pad(b, 2*p.Band+1)
		for i := range in.Shorelines {
			if lineBounds[i].Intersects(near) {
				nearby[gi] = append(nearby[gi], i)
			}
		}
		total += len(nearby[gi])
	}
	perTransect := make([][]Intersection, len(local))
	done := 0
	p.report("intersections", 0, total)
	for gi, g := range groups {
		if len(nearby[gi]) == 0 {
			continue
		}
		ss := make([]Shoreline, len(nearby[gi]))
		if g.zone == res.Zone {
			for j, i := range nearby[gi] {
				ss[j] = res.Shorelines[i]
			}
		} else {
			fwd := orb.Projection(g.zone.Forward)
			_ = forEach(ctx, len(ss), func(j int) error {
				s := in.Shorelines[nearby[gi][j]]
				s.Geometry = project.MultiLineString(s.Geometry.Clone(), fwd)
				s.Points = project.MultiPoint(s.Points.Clone(), fwd)
				ss[j] = s
				return nil
			})
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		ts := make([]transect.Transect, len(g.members))
		for k, ti := range g.members {
			ts[k] = local[ti]
		}
		hits, err := measure(ctx, ts, ss, p, func(d int) { p.report("intersections", done+d, total) })
		if err != nil {
			return nil, fmt.Errorf("%v: %w", g.zone, err)
		}
		done += len(ss)
		for _, h := range hits {
			ti, si := g.members[h.Transect], nearby[gi][h.Shoreline]
			perTransect[ti] = append(perTransect[ti], Intersection{
				Transect: ti, Shoreline: si, Date: in.Shorelines[si].Date, Distance: h.Distance,
				Point: convertPoint(h.Point, g.zone, res.Zone),
			})
		}
	}
	p.report("intersections", total, total)
	n := 0
	for _, xs := range perTransect {
		n += len(xs)
	}
	res.Intersections = make([]Intersection, 0, n)
	for ti, xs := range perTransect {
		for _, x := range xs { // sorted by shoreline: each transect is in one zone
			s := in.Shorelines[x.Shoreline]
			obs[ti] = append(obs[ti], change.Observation{Time: s.Date, Distance: x.Distance, Uncertainty: s.Uncertainty})
		}
		res.Intersections = append(res.Intersections, xs...)
	}
	return obs, nil
}

// convert returns t, given in zone from, in zone to's coordinates: its ends through
// lon/lat, and Base rescaled with its length so that At(0) is still where it crosses its
// baseline. Azimuth, Chainage and Part keep their values.
func convert(t transect.Transect, from, to utm.Zone) transect.Transect {
	if from == to {
		return t
	}
	l := t.Length()
	t.Origin, t.End = convertPoint(t.Origin, from, to), convertPoint(t.End, from, to)
	if l > 0 {
		t.Base *= t.Length() / l
	}
	return t
}

func convertPoint(p orb.Point, from, to utm.Zone) orb.Point {
	if from == to {
		return p
	}
	return to.Forward(from.Inverse(p))
}

// resolveSeams cuts or drops transects cast in different zones (group) that cross, which
// Cast could not see, by the rule Cast uses within a zone: farthest crossings first, the
// crossing belongs to the transect whose baseline crossing is nearer, so the other is cut
// there less margin (both, when they are within 10 % as far); a cut must leave a quarter
// of reach (or half of what is left) on that side, else the other transect is cut, else
// the later one is dropped. ts are in their own zones (zones) and are cut in place; the
// crossings are found in zone z0. It returns which transects were dropped.
func resolveSeams(ts []transect.Transect, zones []utm.Zone, group []int, z0 utm.Zone, reach, margin float64) []bool {
	dropped := make([]bool, len(ts))
	conv := make([]transect.Transect, len(ts))
	cell := 1.0
	for i, t := range ts {
		conv[i] = convert(t, zones[i], z0)
		cell = math.Max(cell, math.Max(math.Abs(conv[i].End[0]-conv[i].Origin[0]), math.Abs(conv[i].End[1]-conv[i].Origin[1])))
	}
	key := func(p orb.Point) [2]int64 {
		return [2]int64{int64(math.Floor(p[0] / cell)), int64(math.Floor(p[1] / cell))}
	}
	grid := make(map[[2]int64][]int)
	for i, t := range conv {
		b := t.LineString().Bound()
		lo, hi := key(b.Min), key(b.Max)
		for x := lo[0]; x <= hi[0]; x++ {
			for y := lo[1]; y <= hi[1]; y++ {
				grid[[2]int64{x, y}] = append(grid[[2]int64{x, y}], i)
			}
		}
	}
	type crossing struct {
		i, j int
		far  float64
	}
	var found []crossing
	for c, idx := range grid {
		for a := 0; a < len(idx); a++ {
			for b := a + 1; b < len(idx); b++ {
				i, j := idx[a], idx[b]
				if group[i] == group[j] {
					continue
				}
				bi, bj := conv[i].LineString().Bound(), conv[j].LineString().Bound()
				if !bi.Intersects(bj) || key(orb.Point{math.Max(bi.Min[0], bj.Min[0]), math.Max(bi.Min[1], bj.Min[1])}) != c {
					continue // not there, or counted in another cell
				}
				if x, ok := segmentsMeet(conv[i], conv[j]); ok {
					far := math.Max(planar.Distance(x, conv[i].At(0)), planar.Distance(x, conv[j].At(0)))
					found = append(found, crossing{min(i, j), max(i, j), far})
				}
			}
		}
	}
	slices.SortFunc(found, func(a, b crossing) int {
		if a.far != b.far {
			if a.far > b.far {
				return -1
			}
			return 1
		}
		if a.i != b.i {
			return a.i - b.i
		}
		return a.j - b.j
	})
	// cut shortens transect k to end margin short of x, on x's side of its baseline
	// crossing, if that leaves enough; it reports whether it did.
	cut := func(k int, x orb.Point, apply bool) bool {
		c := conv[k]
		l := c.Length()
		if !(l > 0) {
			return false
		}
		s := l / ts[k].Length() // zone z0's metres per local metre
		dir := orb.Point{(c.End[0] - c.Origin[0]) / l, (c.End[1] - c.Origin[1]) / l}
		along := (x[0]-c.Origin[0])*dir[0] + (x[1]-c.Origin[1])*dir[1]
		var keep, side float64
		if along > c.Base { // seaward
			side, keep = l-c.Base, along-margin*s-c.Base
		} else {
			side, keep = c.Base, c.Base-along-margin*s
		}
		if !(keep > 0) || keep < math.Min(reach*s/4, side/2) {
			return false
		}
		if apply {
			t := &ts[k]
			if along > c.Base {
				t.End = lerp(t.Origin, t.End, (along-margin*s)/l)
			} else {
				f := (along + margin*s) / l
				t.Base -= f * t.Length()
				t.Origin = lerp(t.Origin, t.End, f)
			}
			conv[k] = convert(*t, zones[k], z0)
		}
		return true
	}
	for _, c := range found {
		i, j := c.i, c.j
		if dropped[i] || dropped[j] {
			continue
		}
		x, ok := segmentsMeet(conv[i], conv[j])
		if !ok {
			continue // an earlier cut parted them
		}
		di, dj := planar.Distance(x, conv[i].At(0)), planar.Distance(x, conv[j].At(0))
		if math.Abs(di-dj) <= 0.1*math.Max(di, dj) && cut(i, x, false) && cut(j, x, false) {
			cut(i, x, true)
			cut(j, x, true)
			continue
		}
		first, second := i, j
		if dj > di {
			first, second = j, i
		}
		if !cut(first, x, true) && !cut(second, x, true) {
			dropped[j] = true
		}
	}
	return dropped
}

func lerp(a, b orb.Point, f float64) orb.Point {
	return orb.Point{a[0] + f*(b[0]-a[0]), a[1] + f*(b[1]-a[1])}
}

// touching is how close (m) two transects of different zones may come before they count
// as meeting: more than the millimetres a conversion between zones bends a transect, so
// that two transects laid on one spot from the pieces either side of a cut meet.
const touching = 0.01

// segmentsMeet returns where transects a and b cross, or come within touching of each
// other: the crossing, or the middle of the closest approach; for two transects running
// alongside each other (laid on one spot), the middle of the stretch they share.
func segmentsMeet(a, b transect.Transect) (orb.Point, bool) {
	// The closest approach of two segments that do not cross is at an end of one of them.
	var sum, near orb.Point
	n := 0
	for _, c := range [][3]orb.Point{{a.Origin, b.Origin, b.End}, {a.End, b.Origin, b.End}, {b.Origin, a.Origin, a.End}, {b.End, a.Origin, a.End}} {
		q := closest(c[0], c[1], c[2])
		if planar.Distance(c[0], q) <= touching {
			near = lerp(c[0], q, 0.5)
			sum[0], sum[1], n = sum[0]+near[0], sum[1]+near[1], n+1
		}
	}
	if n >= 2 {
		return orb.Point{sum[0] / float64(n), sum[1] / float64(n)}, true
	}
	p, r := a.Origin, orb.Point{a.End[0] - a.Origin[0], a.End[1] - a.Origin[1]}
	q, s := b.Origin, orb.Point{b.End[0] - b.Origin[0], b.End[1] - b.Origin[1]}
	qp := orb.Point{q[0] - p[0], q[1] - p[1]}
	if rxs := r[0]*s[1] - r[1]*s[0]; rxs != 0 {
		t := (qp[0]*s[1] - qp[1]*s[0]) / rxs
		u := (qp[0]*r[1] - qp[1]*r[0]) / rxs
		if t >= 0 && t <= 1 && u >= 0 && u <= 1 {
			return lerp(a.Origin, a.End, t), true
		}
	}
	return near, n == 1
}

// closest is the point of segment ab nearest p.
func closest(p, a, b orb.Point) orb.Point {
	d := orb.Point{b[0] - a[0], b[1] - a[1]}
	l := d[0]*d[0] + d[1]*d[1]
	if l == 0 {
		return a
	}
	f := ((p[0]-a[0])*d[0] + (p[1]-a[1])*d[1]) / l
	return lerp(a, b, math.Min(math.Max(f, 0), 1))
}

// extend returns b grown to hold c, or c when first.
func extend(b orb.Bound, first bool, c orb.Bound) orb.Bound {
	if first {
		return c
	}
	return b.Union(c)
}

// unwrappedBound is the lon/lat bound of g's vertices with each longitude taken within
// 180° of centre, so that a polygon across the antimeridian is not 360° wide.
func unwrappedBound(g orb.Geometry, centre float64) orb.Bound {
	b := g.Bound()
	if b.Min[0] >= centre-180 && b.Max[0] <= centre+180 {
		return b // nothing to unwrap: the usual case, without visiting the vertices
	}
	first := true
	add := func(p orb.Point) {
		q := orb.Point{utm.Unwrap(p[0], centre), p[1]}
		if first {
			b, first = q.Bound(), false
		} else {
			b = b.Extend(q)
		}
	}
	switch g := g.(type) {
	case orb.MultiLineString:
		for _, l := range g {
			for _, p := range l {
				add(p)
			}
		}
	case orb.MultiPoint:
		for _, p := range g {
			add(p)
		}
	case orb.MultiPolygon:
		for _, poly := range g {
			for _, r := range poly {
				for _, p := range r {
					add(p)
				}
			}
		}
	}
	return b
}

// pad grows a lon/lat bound by d metres on every side.
func pad(b orb.Bound, d float64) orb.Bound {
	const metresPerDegree = 110574 // of latitude, at its shortest
	lat := math.Min(89, math.Max(math.Abs(b.Min[1]), math.Abs(b.Max[1])))
	dy := d / metresPerDegree
	dx := d / (metresPerDegree * math.Cos(lat*math.Pi/180))
	return orb.Bound{Min: orb.Point{b.Min[0] - dx, b.Min[1] - dy}, Max: orb.Point{b.Max[0] + dx, b.Max[1] + dy}}
}
