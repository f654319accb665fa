// Package polyindex answers point-in-polygon questions over many polygons quickly: which
// admin unit holds a point, and whether a point is on land. Coordinates are planar (metres
// in a projected CRS).
//
// Casting transects asks the land mask about a hundred points per transect, some two
// million questions for the coast of Timor-Leste against 442 suco polygons of 214,000
// vertices; a test over whole polygons takes a minute, this index a fraction of a second.
package polyindex

import (
	"math"
	"sort"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// Index answers point-in-polygon queries over many polygons. The polygons' edges are
// kept in horizontal strips, grouped by polygon, so that a query looks only at the edges
// near its y of the few polygons whose bounds hold it. A point is in a polygon by the
// even–odd rule over all its rings, so holes are outside. Polygons may overlap or share
// edges. An Index is immutable and safe for concurrent use.
type Index struct {
	polys  []orb.MultiPolygon
	bounds []orb.Bound
	minY   float64
	height float64   // of a strip
	strips [][]group // per strip, groups in polygon order
}

// group is the run of one polygon's edges in one strip.
type group struct {
	poly  int
	edges []edge
}

type edge struct{ x0, y0, x1, y1 float64 }

// New indexes polys.
func New(polys []orb.MultiPolygon) *Index {
	ix := &Index{polys: polys, bounds: make([]orb.Bound, len(polys))}
	var all orb.Bound
	nEdges, first := 0, true
	for i, p := range polys {
		if len(p) == 0 {
			continue
		}
		ix.bounds[i] = p.Bound()
		if first {
			all, first = ix.bounds[i], false
		} else {
			all = all.Union(ix.bounds[i])
		}
		for _, poly := range p {
			for _, r := range poly {
				nEdges += len(r)
			}
		}
	}
	span := all.Max[1] - all.Min[1]
	if nEdges == 0 || !(span > 0) {
		return ix
	}
	// About 32 edges a strip keeps each edge in a few strips and each query short.
	n := min(max(1, nEdges/32), 1<<18)
	ix.minY, ix.height = all.Min[1], span/float64(n)
	ix.strips = make([][]group, n)
	for i, p := range polys {
		for _, poly := range p {
			for _, r := range poly {
				for k := range r {
					a, b := r[k], r[(k+1)%len(r)]
					if a[1] == b[1] {
						continue // a horizontal edge never crosses the ray
					}
					e := edge{a[0], a[1], b[0], b[1]}
					for s := ix.strip(math.Min(a[1], b[1])); s <= ix.strip(math.Max(a[1], b[1])); s++ {
						gs := ix.strips[s]
						if len(gs) == 0 || gs[len(gs)-1].poly != i {
							gs = append(gs, group{poly: i})
						}
						gs[len(gs)-1].edges = append(gs[len(gs)-1].edges, e)
						ix.strips[s] = gs
					}
				}
			}
		}
	}
	return ix
}

func (ix *Index) strip(y float64) int {
	return max(0, min(len(ix.strips)-1, int((y-ix.minY)/ix.height)))
}

// Len is the number of polygons indexed.
func (ix *Index) Len() int { return len(ix.polys) }

// Locate returns the index of the first polygon containing p, or -1.
func (ix *Index) Locate(p orb.Point) int {
	if ix.strips == nil {
		return -1
	}
	if p[1] < ix.minY || p[1] > ix.minY+ix.height*float64(len(ix.strips)) {
		return -1
	}
	for _, g := range ix.strips[ix.strip(p[1])] {
		if !ix.bounds[g.poly].Contains(p) {
			continue
		}
		inside := false
		for _, e := range g.edges {
			if (e.y0 > p[1]) != (e.y1 > p[1]) && p[0] < e.x0+(p[1]-e.y0)*(e.x1-e.x0)/(e.y1-e.y0) {
				inside = !inside
			}
		}
		if inside {
			return g.poly
		}
	}
	return -1
}

// Contains reports whether any polygon contains p; it makes an Index a land mask for
// transect casting.
func (ix *Index) Contains(p orb.Point) bool { return ix.Locate(p) >= 0 }

// Nearest returns the polygon that contains p, else the one whose boundary is closest to
// p within maxDist, or -1. It is meant for the few points Locate leaves over.
func (ix *Index) Nearest(p orb.Point, maxDist float64) int {
	if i := ix.Locate(p); i >= 0 {
		return i
	}
	type cand struct {
		i int
		d float64
	}
	var cs []cand
	for i, b := range ix.bounds {
		if len(ix.polys[i]) > 0 && b.Pad(maxDist).Contains(p) {
			cs = append(cs, cand{i, planar.DistanceFrom(ix.polys[i], p)})
		}
	}
	sort.SliceStable(cs, func(a, b int) bool { return cs[a].d < cs[b].d })
	if len(cs) == 0 || cs[0].d > maxDist {
		return -1
	}
	return cs[0].i
}
