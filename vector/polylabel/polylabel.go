// Package polylabel finds the pole of inaccessibility of a polygon: the point inside it
// farthest from its edges, where a label sits best (Garcia-Castellanos & Lombardo 2007,
// as Mapbox's polylabel computes it). It is planar: coordinates are in any planar CRS,
// metres in a projected one, and the precision is in the same units.
package polylabel

import (
	"container/heap"
	"math"

	"github.com/paulmach/orb"
)

// Polygon returns the point of p farthest from its edges (holes included), to within
// precision, and that distance. The centroid of a polygon shaped like a C lies outside
// it; this point never does. A polygon without area gives its first vertex and 0.
func Polygon(p orb.Polygon, precision float64) (orb.Point, float64) {
	if len(p) == 0 || len(p[0]) == 0 {
		return orb.Point{}, 0
	}
	b := p[0].Bound()
	w, h := b.Max[0]-b.Min[0], b.Max[1]-b.Min[1]
	size := math.Min(w, h)
	if size == 0 || precision <= 0 {
		return p[0][0], 0
	}
	q := &queue{}
	half := size / 2
	for x := b.Min[0]; x < b.Max[0]; x += size {
		for y := b.Min[1]; y < b.Max[1]; y += size {
			heap.Push(q, newCell(orb.Point{x + half, y + half}, half, p))
		}
	}
	// The centroid of the outer ring, and the centre of the box, as first guesses.
	best := newCell(centroid(p[0]), 0, p)
	if c := newCell(b.Center(), 0, p); c.d > best.d {
		best = c
	}
	for q.Len() > 0 {
		c := heap.Pop(q).(cell)
		if c.d > best.d {
			best = c
		}
		if c.max-best.d <= precision {
			continue
		}
		h := c.h / 2
		for _, o := range [4][2]float64{{-h, -h}, {h, -h}, {-h, h}, {h, h}} {
			heap.Push(q, newCell(orb.Point{c.p[0] + o[0], c.p[1] + o[1]}, h, p))
		}
	}
	return best.p, best.d
}

// MultiPolygon returns the pole of inaccessibility of the part of mp that holds the point
// farthest from its edges, and that distance.
func MultiPolygon(mp orb.MultiPolygon, precision float64) (orb.Point, float64) {
	var best orb.Point
	bestD := math.Inf(-1)
	for _, p := range mp {
		if pt, d := Polygon(p, precision); d > bestD {
			best, bestD = pt, d
		}
	}
	if math.IsInf(bestD, -1) {
		return orb.Point{}, 0
	}
	return best, bestD
}

// cell is a square of half-width h centred on p; d is the signed distance from p to the
// polygon's edges (negative outside), max the most any point of the cell can have.
type cell struct {
	p    orb.Point
	h, d float64
	max  float64
}

func newCell(p orb.Point, h float64, poly orb.Polygon) cell {
	d := signedDistance(p, poly)
	return cell{p: p, h: h, d: d, max: d + h*math.Sqrt2}
}

// signedDistance returns the distance from p to the nearest edge of poly, negative when p
// is outside it (even-odd over all rings, so a point in a hole is outside).
func signedDistance(p orb.Point, poly orb.Polygon) float64 {
	inside := false
	best := math.Inf(1)
	for _, r := range poly {
		for i, j := 0, len(r)-1; i < len(r); j, i = i, i+1 {
			a, b := r[i], r[j]
			if (a[1] > p[1]) != (b[1] > p[1]) && p[0] < (b[0]-a[0])*(p[1]-a[1])/(b[1]-a[1])+a[0] {
				inside = !inside
			}
			best = math.Min(best, segmentDistance2(p, a, b))
		}
	}
	d := math.Sqrt(best)
	if !inside {
		d = -d
	}
	return d
}

// segmentDistance2 returns the squared distance from p to the segment ab.
func segmentDistance2(p, a, b orb.Point) float64 {
	x, y := a[0], a[1]
	dx, dy := b[0]-x, b[1]-y
	if dx != 0 || dy != 0 {
		t := ((p[0]-x)*dx + (p[1]-y)*dy) / (dx*dx + dy*dy)
		switch {
		case t > 1:
			x, y = b[0], b[1]
		case t > 0:
			x += dx * t
			y += dy * t
		}
	}
	dx, dy = p[0]-x, p[1]-y
	return dx*dx + dy*dy
}

// centroid returns the area centroid of ring r, or its first vertex when it has no area.
func centroid(r orb.Ring) orb.Point {
	var area, x, y float64
	for i, j := 0, len(r)-1; i < len(r); j, i = i, i+1 {
		a, b := r[i], r[j]
		f := a[0]*b[1] - b[0]*a[1]
		x += (a[0] + b[0]) * f
		y += (a[1] + b[1]) * f
		area += f * 3
	}
	if area == 0 {
		return r[0]
	}
	return orb.Point{x / area, y / area}
}

// queue is a max-heap of cells by the most distance they may hold.
type queue []cell

func (q queue) Len() int           { return len(q) }
func (q queue) Less(i, j int) bool { return q[i].max > q[j].max }
func (q queue) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *queue) Push(x any)        { *q = append(*q, x.(cell)) }
func (q *queue) Pop() any {
	old := *q
	c := old[len(old)-1]
	*q = old[:len(old)-1]
	return c
}
