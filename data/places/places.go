// Package places lists the named places of Timor-Leste that the map labels and the search
// finds: the municipalities, postos and sucos of the bundled OCHA COD-AB units, each with
// a label point inside it, and the settlements of the gazetteer. Coordinates are WGS84
// lon/lat (orb.Point{lon, lat}).
//
// Postos and municipalities are not in the bundle as polygons: they are dissolved from
// their sucos (internal/overlay's union, pure Go) to find their label points, and their
// population is the sum of their sucos'. Dissolving and labelling take most of a second,
// which tasi serve would spend before it listens, so the label points of the bundled
// reference are made once by go generate into labels.csv (embedded); FromReference takes a
// unit's point from there when the hash of the unit's suco geometry matches the table's,
// and computes it otherwise.
package places

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/simplify"
	"github.com/tasi-gis/tasi/data"
	"github.com/tasi-gis/tasi/internal/overlay"
	"github.com/tasi-gis/tasi/vector/polylabel"
)

// Level is the kind of a place.
type Level string

// The levels of places, from the largest.
const (
	Municipality Level = "municipality" // COD-AB admin level 1
	Posto        Level = "posto"        // posto administrativo, admin level 2
	Suco         Level = "suco"         // admin level 3
	Locality     Level = "locality"     // a settlement of the 1:50,000 gazetteer
)

// Rank orders levels from the largest (0, municipality) to the smallest (3, locality).
func (l Level) Rank() int {
	switch l {
	case Municipality:
		return 0
	case Posto:
		return 1
	case Suco:
		return 2
	}
	return 3
}

// Parent names a unit a place lies in.
type Parent struct {
	Level Level  `json:"level"`
	Code  string `json:"code"`
	Name  string `json:"name"`
}

// Place is a named place.
type Place struct {
	Name  string
	Level Level
	// Code is the P-code of a unit; empty for a locality.
	Code string
	// Kind is a locality's gazetteer kind (data.KindDistrictCapital…); 0 for a unit.
	Kind int
	// Parents are the units the place lies in, the nearest first: a suco's posto and
	// municipality, a locality's suco, posto and municipality.
	Parents []Parent
	// Population and Households are the 2015 Census counts of a unit (summed over its
	// sucos for a posto or municipality); -1 when unknown, and for localities.
	Population, Households int
	// Point is where the place's label goes: a unit's pole of inaccessibility (the
	// point inside it farthest from its edges), a locality's own point.
	Point orb.Point
	// Bound is the unit's bounding box, or the locality's point.
	Bound orb.Bound
}

// simplifyDegrees is the Douglas-Peucker tolerance, in degrees (about 20 m), of the outlines
// that label points are found in: a label point is hundreds of metres from the edges of
// any unit, and the full outlines would take seconds to dissolve instead of a fraction.
const simplifyDegrees = 0.0002

// labelPrecision is how close to the true pole of inaccessibility a label point is, in
// metres: much finer than a label is wide at any zoom that shows it.
const labelPrecision = 50.0

// FromReference returns the places of ref: municipalities, postos and sucos by P-code,
// then the localities in gazetteer order. A unit's label point comes from the embedded
// label table when the table was made from the same geometry (the bundled reference's
// units, unedited), and is computed otherwise; either way it is the same point.
func FromReference(ref *data.Reference) ([]Place, error) {
	table, err := parseLabels(labelsCSV)
	if err != nil {
		return nil, err
	}
	out, _, err := fromReference(ref, table)
	return out, err
}

// fromReference returns the places of ref, taking label points from table where it has
// them for the same geometry, and the label row of every unit in the order of the places.
func fromReference(ref *data.Reference, table labelTable) ([]Place, []labelRow, error) {
	type group struct {
		code, name      string
		parents         []Parent
		pop, households int
		bound           orb.Bound
		members         []int // indexes in ref.Units of its sucos, in the order dissolved
	}
	groups := map[string]*group{}
	hashes := make([]uint64, len(ref.Units))
	simple := make([]orb.MultiPolygon, len(ref.Units))
	dp := simplify.DouglasPeucker(simplifyDegrees)
	// simplified returns the outline of suco i that label points are found in; only the
	// units the table does not cover need it.
	simplified := func(i int) orb.MultiPolygon {
		if simple[i] == nil {
			simple[i] = dp.MultiPolygon(ref.Units[i].Geometry.Clone())
		}
		return simple[i]
	}
	add := func(code, name string, parents []Parent, i int, bound orb.Bound) {
		u := &ref.Units[i]
		g := groups[code]
		if g == nil {
			g = &group{code: code, name: name, parents: parents, bound: bound}
			groups[code] = g
		}
		g.pop = addCount(g.pop, u.Population)
		g.households = addCount(g.households, u.Households)
		g.bound = g.bound.Union(bound)
		g.members = append(g.members, i)
	}
	var out []Place
	var rows []labelRow
	var municipalities, postos []string
	for i := range ref.Units {
		u := &ref.Units[i]
		bound := u.Geometry.Bound()
		hashes[i] = geometryHash(u.Geometry)
		region := Parent{Municipality, u.RegionCode, u.RegionName}
		posto := Parent{Posto, u.ParentCode, u.ParentName}
		if u.RegionCode != "" {
			if groups[u.RegionCode] == nil {
				municipalities = append(municipalities, u.RegionCode)
			}
			add(u.RegionCode, u.RegionName, nil, i, bound)
		}
		if u.ParentCode != "" {
			if groups[u.ParentCode] == nil {
				postos = append(postos, u.ParentCode)
			}
			var parents []Parent
			if u.RegionCode != "" {
				parents = []Parent{region}
			}
			add(u.ParentCode, u.ParentName, parents, i, bound)
		}
		var parents []Parent
		for _, p := range []Parent{posto, region} {
			if p.Code != "" {
				parents = append(parents, p)
			}
		}
		pt, ok := table.lookup(Suco, u.Code, hashes[i])
		if !ok {
			var err error
			if pt, err = label(simplified(i)); err != nil {
				return nil, nil, fmt.Errorf("suco %s: %w", u.Code, err)
			}
		}
		out = append(out, Place{Name: u.Name, Level: Suco, Code: u.Code, Parents: parents,
			Population: u.Population, Households: u.Households, Point: pt, Bound: bound})
		rows = append(rows, labelRow{labelKey{Suco, u.Code}, hashes[i], pt})
	}
	var units []Place
	var unitRows []labelRow
	for _, level := range []struct {
		level Level
		codes []string
	}{{Municipality, municipalities}, {Posto, postos}} {
		slices.Sort(level.codes)
		for _, code := range level.codes {
			g := groups[code]
			members := make([]uint64, len(g.members))
			for j, i := range g.members {
				members[j] = hashes[i]
			}
			hash := groupHash(members)
			pt, ok := table.lookup(level.level, code, hash)
			if !ok {
				var polys []orb.Polygon
				for _, i := range g.members {
					polys = append(polys, simplified(i)...)
				}
				dissolved, err := overlay.Union(polys)
				if err != nil {
					return nil, nil, fmt.Errorf("%s %s: dissolve %d sucos: %w", level.level, code, len(g.members), err)
				}
				if pt, err = label(dissolved); err != nil {
					return nil, nil, fmt.Errorf("%s %s: %w", level.level, code, err)
				}
			}
			units = append(units, Place{Name: g.name, Level: level.level, Code: code, Parents: g.parents,
				Population: g.pop, Households: g.households, Point: pt, Bound: g.bound})
			unitRows = append(unitRows, labelRow{labelKey{level.level, code}, hash, pt})
		}
	}
	order := func(a, b int) int { return cmp.Compare(out[a].Code, out[b].Code) }
	perm := make([]int, len(out))
	for i := range perm {
		perm[i] = i
	}
	slices.SortStableFunc(perm, order)
	sorted := make([]Place, 0, len(units)+len(out)+len(ref.Localities))
	sorted = append(sorted, units...)
	for _, i := range perm {
		sorted = append(sorted, out[i])
		unitRows = append(unitRows, rows[i])
	}
	out = sorted
	byCode := make(map[string]int, len(out))
	for i, p := range out {
		byCode[p.Code] = i
	}
	for _, l := range ref.Localities {
		var parents []Parent
		if i, ok := byCode[l.UnitCode]; ok && l.UnitCode != "" {
			s := out[i]
			parents = append([]Parent{{Suco, s.Code, s.Name}}, s.Parents...)
		}
		out = append(out, Place{Name: l.Name, Level: Locality, Kind: l.Kind, Parents: parents,
			Population: -1, Households: -1, Point: l.Point, Bound: orb.Bound{Min: l.Point, Max: l.Point}})
	}
	return out, unitRows, nil
}

// addCount adds census count n to sum; either unknown (negative) makes it unknown.
func addCount(sum, n int) int {
	if sum < 0 || n < 0 {
		return -1
	}
	return sum + n
}

// label returns the pole of inaccessibility of mp, found in a local equirectangular
// projection in metres so that east-west and north-south distances weigh alike.
func label(mp orb.MultiPolygon) (orb.Point, error) {
	if len(mp) == 0 {
		return orb.Point{}, fmt.Errorf("no polygon to label")
	}
	c := mp.Bound().Center()
	kx := 111320 * math.Cos(c[1]*math.Pi/180)
	const ky = 110574.0
	local := make(orb.MultiPolygon, len(mp))
	for i, p := range mp {
		local[i] = make(orb.Polygon, len(p))
		for j, r := range p {
			lr := make(orb.Ring, len(r))
			for k, v := range r {
				lr[k] = orb.Point{(v[0] - c[0]) * kx, (v[1] - c[1]) * ky}
			}
			local[i][j] = lr
		}
	}
	pt, _ := polylabel.MultiPolygon(local, labelPrecision)
	return orb.Point{c[0] + pt[0]/kx, c[1] + pt[1]/ky}, nil
}
