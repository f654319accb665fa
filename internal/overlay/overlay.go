// Package overlay is tasi's one way to do polygon set operations on orb geometries:
// union, difference and the intersection test, through simplefeatures' overlay (a
// maintained pure-Go implementation of the OGC set operations), so that the conversion
// between orb and simplefeatures and the rules for bad input are written once.
//
// It works in the plane, in whatever units the coordinates are (metres in UTM for the
// planning layer, degrees for the places' outlines): the overlay is the same in both.
//
// Results are MultiPolygons whose outer rings are counter-clockwise and whose holes are
// clockwise, the orientation orb's planar.Area reads as positive area.
//
// Input is treated in two ways, deliberately:
//   - Union's pieces are parts the caller cut (hazard-zone triangles, a posto's sucos); a
//     piece that is not a valid polygon (no area, a crossing ring) is skipped, as it adds
//     nothing the overlay could draw and could make the whole union fail.
//   - Difference's and Intersects' operands are whole shapes such as admin units read from
//     files; they are not validated, as the overlay copes with what those layers hold
//     (self-touching rings) and rejecting a unit would lose all of it.
//
// In both, a ring of fewer than four points is no ring and is dropped, and a polygon
// whose outer ring is dropped is dropped with its holes.
package overlay

import (
	"fmt"

	"github.com/paulmach/orb"
	"github.com/peterstace/simplefeatures/geom"
)

// Union returns the union of polys as non-overlapping polygons, skipping pieces that are
// not valid polygons; it returns nil when no piece has area.
func Union(polys []orb.Polygon) (orb.MultiPolygon, error) {
	gs := make([]geom.Geometry, 0, len(polys))
	for _, p := range polys {
		sp, ok := polygon(p)
		if !ok || sp.Validate() != nil {
			continue
		}
		gs = append(gs, sp.AsGeometry())
	}
	if len(gs) == 0 {
		return nil, nil
	}
	u, err := geom.UnionMany(gs)
	if err != nil {
		return nil, fmt.Errorf("union of %d polygons: %w", len(gs), err)
	}
	return toOrb(u), nil
}

// Difference returns a minus the union of b; with no b it returns a made valid by the
// overlay.
func Difference(a orb.MultiPolygon, b ...orb.MultiPolygon) (orb.MultiPolygon, error) {
	cut := make([]geom.Geometry, len(b))
	for i, mp := range b {
		cut[i] = multiPolygon(mp)
	}
	u, err := geom.UnionMany(cut)
	if err != nil {
		return nil, fmt.Errorf("union of %d multipolygons to subtract: %w", len(cut), err)
	}
	d, err := geom.Difference(multiPolygon(a), u)
	if err != nil {
		return nil, fmt.Errorf("difference: %w", err)
	}
	return toOrb(d), nil
}

// Intersects reports whether a shares any point, a boundary point included, with any of
// b.
func Intersects(a orb.MultiPolygon, b ...orb.MultiPolygon) bool {
	if len(b) == 0 {
		return false
	}
	ga := multiPolygon(a)
	for _, mp := range b {
		if geom.Intersects(ga, multiPolygon(mp)) {
			return true
		}
	}
	return false
}

// polygon converts p to simplefeatures without validating it, dropping rings of fewer
// than four points; ok is false when the outer ring is dropped.
func polygon(p orb.Polygon) (sp geom.Polygon, ok bool) {
	if len(p) == 0 || len(p[0]) < 4 {
		return geom.Polygon{}, false
	}
	rings := make([]geom.LineString, 0, len(p))
	for _, r := range p {
		if len(r) < 4 {
			continue
		}
		flat := make([]float64, 0, 2*len(r))
		for _, v := range r {
			flat = append(flat, v[0], v[1])
		}
		rings = append(rings, geom.NewLineString(geom.NewSequence(flat, geom.DimXY)))
	}
	return geom.NewPolygon(rings), true
}

// multiPolygon converts mp to simplefeatures without validating it (see polygon).
func multiPolygon(mp orb.MultiPolygon) geom.Geometry {
	polys := make([]geom.Polygon, 0, len(mp))
	for _, p := range mp {
		if sp, ok := polygon(p); ok {
			polys = append(polys, sp)
		}
	}
	return geom.NewMultiPolygon(polys).AsGeometry()
}

// toOrb converts a polygonal simplefeatures geometry to an orb MultiPolygon with
// counter-clockwise outer rings and clockwise holes; other geometry types give nil.
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
