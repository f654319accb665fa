package tiles

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
)

// This file turns EPSG:3857 geometry into tile coordinates the way PostGIS's ST_AsMVTGeom
// does (postgis/mvt.c, mvt_geom), so that the in-memory source cuts the same tiles:
//
//  1. transform to tile coordinates with the same affine arithmetic;
//  2. snap to the integer grid, rounding half to even (rint), dropping repeated points;
//  3. drop points on straight lines (simplify0), then lines of fewer than 2 distinct
//     points and rings of fewer than 4;
//  4. clip to the tile grown by Buffer, unless the geometry lies inside it, and snap the
//     new vertices;
//  5. orient polygon rings as MVT 2.1 requires (exterior rings with positive area in tile
//     coordinates, y down; holes negative).
//
// Lines are clipped with orb's clip.LineString, polygons with clipPolygon (rectclip.go),
// which, like the wagyu clipper PostGIS uses, gives valid polygons: a polygon leaving the
// tile and coming back becomes two polygons, not one joined by slivers along the edge.
// Unlike wagyu, it does not repair self-intersections that snapping may create. Tiles from
// both sources have the same features, properties and rings and nearly the same vertices
// (see TestSourcesAgree).

// affine maps EPSG:3857 to the tile coordinates of one tile, as mvt_geom computes it.
type affine struct {
	fx, fy, xoff, yoff float64
}

func newAffine(b orb.Bound) affine {
	fx := Extent / (b.Max[0] - b.Min[0])
	fy := -(Extent / (b.Max[1] - b.Min[1]))
	return affine{fx: fx, fy: fy, xoff: -b.Min[0] * fx, yoff: -b.Max[1] * fy}
}

// snap returns p in tile coordinates, on the integer grid.
func (a affine) snap(p orb.Point) orb.Point {
	return orb.Point{math.RoundToEven(a.fx*p[0] + a.xoff), math.RoundToEven(a.fy*p[1] + a.yoff)}
}

// clipBox is the tile grown by Buffer, in tile coordinates; halfBox is half a unit larger,
// so that no vertex on the integer grid lies on its edges (see clipPolygon).
var (
	clipBox = orb.Bound{Min: orb.Point{-Buffer, -Buffer}, Max: orb.Point{Extent + Buffer, Extent + Buffer}}
	halfBox = orb.Bound{Min: orb.Point{-Buffer - 0.5, -Buffer - 0.5}, Max: orb.Point{Extent + Buffer + 0.5, Extent + Buffer + 0.5}}
)

// inside reports whether b lies within the clip box.
func inside(b orb.Bound) bool {
	return b.Min[0] >= clipBox.Min[0] && b.Min[1] >= clipBox.Min[1] && b.Max[0] <= clipBox.Max[0] && b.Max[1] <= clipBox.Max[1]
}

// overlaps reports whether b touches the clip box.
func overlaps(b orb.Bound) bool {
	return b.Min[0] <= clipBox.Max[0] && b.Max[0] >= clipBox.Min[0] && b.Min[1] <= clipBox.Max[1] && b.Max[1] >= clipBox.Min[1]
}

// simplify0 drops, in place, each point lying on the segment from the last kept point to
// the next point, as PostGIS's tolerance-zero simplification (ptarray_simplify_in_place)
// does: straight runs lose their middle points and a spike that doubles back on itself
// loses its tip. Then it drops repeated points, which PostGIS leaves for its clipping to
// remove.
func simplify0(pts []orb.Point) []orb.Point {
	if len(pts) < 3 {
		return pts
	}
	kept, last := 0, len(pts)-1
	for i := 1; i < last; i++ {
		k, c, n := pts[kept], pts[i], pts[i+1]
		bax, bay := n[0]-k[0], n[1]-k[1]
		cax, cay := c[0]-k[0], c[1]-k[1]
		dot := cax*bax + cay*bay
		if dot < 0 || dot > bax*bax+bay*bay || cax*bay-cay*bax != 0 {
			kept++
			pts[kept] = c
		}
	}
	kept++
	pts[kept] = pts[last]
	// Dropping the tip of a spike leaves its two ends, equal, side by side.
	out := pts[:1]
	for _, p := range pts[1 : kept+1] {
		if p != out[len(out)-1] {
			out = append(out, p)
		}
	}
	return out
}

// collapsed reports whether a line is no line: fewer than 2 points, or 2 equal ones.
func collapsed(l orb.LineString) bool {
	return len(l) < 2 || len(l) == 2 && l[0] == l[1]
}

// snapPath transforms and snaps pts into dst, dropping repeated points.
func snapPath(dst []orb.Point, pts []orb.Point, a affine) []orb.Point {
	for _, p := range pts {
		q := a.snap(p)
		if n := len(dst); n > 0 && dst[n-1] == q {
			continue
		}
		dst = append(dst, q)
	}
	return dst
}

// regrid snaps points made by clipping and drops repeated points, in place.
func regrid(pts []orb.Point) []orb.Point {
	out := pts[:0]
	for _, p := range pts {
		q := orb.Point{math.RoundToEven(p[0]), math.RoundToEven(p[1])}
		if n := len(out); n > 0 && out[n-1] == q {
			continue
		}
		out = append(out, q)
	}
	return out
}

// tilePoint returns p in tile coordinates, or false when it lies outside the clip box.
func tilePoint(p orb.Point, a affine) (orb.Point, bool) {
	q := a.snap(p)
	return q, q[0] >= clipBox.Min[0] && q[0] <= clipBox.Max[0] && q[1] >= clipBox.Min[1] && q[1] <= clipBox.Max[1]
}

// tileLine appends the parts of ls inside the clip box, in tile coordinates, to out.
func tileLine(out orb.MultiLineString, ls orb.LineString, a affine) orb.MultiLineString {
	l := orb.LineString(simplify0(snapPath(make([]orb.Point, 0, len(ls)), ls, a)))
	if collapsed(l) {
		return out
	}
	b := l.Bound()
	if !overlaps(b) {
		return out
	}
	if inside(b) {
		return append(out, l)
	}
	for _, part := range clip.LineString(clipBox, l) {
		if part = orb.LineString(regrid(part)); len(part) >= 2 {
			out = append(out, part)
		}
	}
	return out
}

// tilePolygon appends p in tile coordinates, clipped, to out; nothing when it collapses.
// Clipping can split a polygon into several.
func tilePolygon(out orb.MultiPolygon, p orb.Polygon, a affine) orb.MultiPolygon {
	var q orb.Polygon
	for i, r := range p {
		t := tileRing(r, a)
		if t == nil {
			if i == 0 {
				return out
			}
			continue
		}
		// Exterior positive, holes negative: the polygon lies left of every ring.
		if ar := ringArea(t); (i == 0) != (ar > 0) {
			t.Reverse()
		}
		q = append(q, t)
	}
	b := q[0].Bound()
	if !overlaps(b) {
		return out
	}
	if inside(b) {
		return append(out, q)
	}
	return append(out, clipPolygon(q)...)
}

// tileRing returns r in tile coordinates, closed, or nil when it collapses.
func tileRing(r orb.Ring, a affine) orb.Ring {
	t := snapPath(make([]orb.Point, 0, len(r)+1), r, a)
	if len(t) > 0 && t[0] != t[len(t)-1] {
		t = append(t, t[0])
	}
	t = simplify0(t)
	if len(t) < 4 || ringArea(t) == 0 {
		return nil
	}
	return t
}

// ringArea returns twice the signed area of r by the surveyor's formula in tile
// coordinates (y down), which MVT 2.1 wants positive for exterior rings.
func ringArea(r orb.Ring) float64 {
	var s float64
	for i := 0; i+1 < len(r); i++ {
		s += r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
	}
	return s
}

// mergeLines joins lines where one ends where the next starts, as ST_LineMerge joins the
// pieces of a line cut into parts.
func mergeLines(ls orb.MultiLineString) orb.MultiLineString {
	if len(ls) < 2 {
		return ls
	}
	out := ls[:1]
	for _, l := range ls[1:] {
		last := &out[len(out)-1]
		if (*last)[len(*last)-1] == l[0] {
			*last = append(*last, l[1:]...)
			continue
		}
		out = append(out, l)
	}
	return out
}
