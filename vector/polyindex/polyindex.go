// Package polyindex answers point-in-polygon questions over many polygons quickly: which
// admin unit holds a point, and whether a point is on land. Coordinates are planar (metres
// in a projected CRS); the grid cell size is in the same unit.
package polyindex

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// Index answers point-in-polygon queries over many polygons through a uniform grid of
// their bounds. It serves both as the land mask that tells the seaward side of a coast and
// as the locator that puts each transect into its admin unit.
type Index struct {
	polys  []orb.MultiPolygon
	bounds []orb.Bound
	cell   float64
	origin orb.Point
	cells  map[[2]int][]int
}

// New indexes polys with grid cells of the given size; a cell near the typical polygon
// size (5 km for sucos) keeps both the grid and the candidate lists short.
func New(polys []orb.MultiPolygon, cell float64) *Index {
	ix := &Index{polys: polys, cell: cell, cells: make(map[[2]int][]int)}
	ix.bounds = make([]orb.Bound, len(polys))
	first := true
	for i, p := range polys {
		if len(p) == 0 {
			continue
		}
		ix.bounds[i] = p.Bound()
		if first {
			ix.origin = ix.bounds[i].Min
			first = false
		}
		ix.origin = orb.Point{math.Min(ix.origin[0], ix.bounds[i].Min[0]), math.Min(ix.origin[1], ix.bounds[i].Min[1])}
	}
	for i, b := range ix.bounds {
		if len(polys[i]) == 0 {
			continue
		}
		lo, hi := ix.key(b.Min), ix.key(b.Max)
		for x := lo[0]; x <= hi[0]; x++ {
			for y := lo[1]; y <= hi[1]; y++ {
				k := [2]int{x, y}
				ix.cells[k] = append(ix.cells[k], i)
			}
		}
	}
	return ix
}

func (ix *Index) key(p orb.Point) [2]int {
	return [2]int{int(math.Floor((p[0] - ix.origin[0]) / ix.cell)), int(math.Floor((p[1] - ix.origin[1]) / ix.cell))}
}

// Len is the number of polygons indexed.
func (ix *Index) Len() int { return len(ix.polys) }

// Locate returns the index of the first polygon containing p, or -1.
func (ix *Index) Locate(p orb.Point) int {
	for _, i := range ix.cells[ix.key(p)] {
		if ix.bounds[i].Contains(p) && planar.MultiPolygonContains(ix.polys[i], p) {
			return i
		}
	}
	return -1
}

// Contains reports whether any polygon contains p; it makes an Index a land mask for transect casting.
func (ix *Index) Contains(p orb.Point) bool { return ix.Locate(p) >= 0 }

// Nearest returns the polygon that contains p, else the one whose boundary is closest to p
// within maxDist, or -1.
func (ix *Index) Nearest(p orb.Point, maxDist float64) int {
	if i := ix.Locate(p); i >= 0 {
		return i
	}
	best, bestDist := -1, maxDist
	lo := ix.key(orb.Point{p[0] - maxDist, p[1] - maxDist})
	hi := ix.key(orb.Point{p[0] + maxDist, p[1] + maxDist})
	seen := make(map[int]bool)
	for x := lo[0]; x <= hi[0]; x++ {
		for y := lo[1]; y <= hi[1]; y++ {
			for _, i := range ix.cells[[2]int{x, y}] {
				if seen[i] {
					continue
				}
				seen[i] = true
				b := ix.bounds[i].Pad(bestDist)
				if !b.Contains(p) {
					continue
				}
				if d := planar.DistanceFrom(ix.polys[i], p); d < bestDist {
					best, bestDist = i, d
				}
			}
		}
	}
	return best
}
