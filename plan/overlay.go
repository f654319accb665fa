package plan

import (
	"fmt"

	"github.com/paulmach/orb"
	"github.com/peterstace/simplefeatures/geom"
)

// The few zones that the ladder of today's and forecast positions cannot draw as one
// simple polygon (a transect turned along the coast at a headland, where its neighbours
// lie ahead of it rather than beside it) are drawn as the union of their triangles with
// simplefeatures' overlay, a maintained pure-Go implementation of the OGC set operations.

// union returns the union of polygons as valid, non-overlapping polygons.
func union(polys []orb.Polygon) (orb.MultiPolygon, error) {
	gs := make([]geom.Geometry, 0, len(polys))
	for _, p := range polys {
		rings := make([]geom.LineString, len(p))
		for i, r := range p {
			flat := make([]float64, 0, 2*len(r))
			for _, v := range r {
				flat = append(flat, v[0], v[1])
			}
			rings[i] = geom.NewLineString(geom.NewSequence(flat, geom.DimXY))
		}
		sp := geom.NewPolygon(rings)
		if err := sp.Validate(); err != nil {
			continue // a degenerate piece (no area): nothing to add
		}
		gs = append(gs, sp.AsGeometry())
	}
	if len(gs) == 0 {
		return nil, nil
	}
	u, err := geom.UnionMany(gs)
	if err != nil {
		return nil, fmt.Errorf("union of %d zone pieces: %w", len(gs), err)
	}
	return toOrb(u), nil
}

// toOrb converts a polygonal simplefeatures geometry to an orb MultiPolygon with
// counter-clockwise outer rings.
func toOrb(g geom.Geometry) orb.MultiPolygon {
	var polys []geom.Polygon
	switch g.Type() {
	case geom.TypePolygon:
		p, _ := g.AsPolygon()
		polys = append(polys, p)
	case geom.TypeMultiPolygon:
		m, _ := g.AsMultiPolygon()
		for i := range m.NumPolygons() {
			polys = append(polys, m.PolygonN(i))
		}
	}
	ring := func(l geom.LineString, outer bool) orb.Ring {
		s := l.Coordinates()
		r := make(orb.Ring, s.Length())
		for i := range r {
			xy := s.GetXY(i)
			r[i] = orb.Point{xy.X, xy.Y}
		}
		if (r.Orientation() == orb.CCW) != outer {
			r.Reverse()
		}
		return r
	}
	out := make(orb.MultiPolygon, 0, len(polys))
	for _, p := range polys {
		if p.IsEmpty() {
			continue
		}
		op := orb.Polygon{ring(p.ExteriorRing(), true)}
		for i := range p.NumInteriorRings() {
			op = append(op, ring(p.InteriorRingN(i), false))
		}
		out = append(out, op)
	}
	return out
}
