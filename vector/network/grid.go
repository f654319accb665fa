package network

import (
	"math"

	"github.com/paulmach/orb"
)

// grid is a dense uniform grid over the bounds of items (segments): each item is listed in
// every cell its bound meets, in compressed rows (start, items), so that a cell far from
// every road costs one lookup. A grid is immutable once built.
type grid struct {
	minX, minY float64
	cell       float64
	nx, ny     int
	start      []int32 // cell c holds items[start[c]:start[c+1]]
	items      []int32
}

// maxCellsPerItem caps the grid at this many cells per item, so that a few items spread
// over a large extent do not allocate a huge empty grid.
const maxCellsPerItem = 4

// newGrid indexes items by bounds, with cells of about size metres (grown when the grid
// would hold more than maxCellsPerItem cells per item).
func newGrid(bounds []orb.Bound, size float64) *grid {
	g := &grid{cell: 1, nx: 1, ny: 1}
	if len(bounds) == 0 {
		g.start = make([]int32, 2)
		return g
	}
	all := bounds[0]
	for _, b := range bounds[1:] {
		all = all.Union(b)
	}
	w, h := all.Max[0]-all.Min[0], all.Max[1]-all.Min[1]
	if !(size > 0) || math.IsInf(size, 0) {
		size = math.Max(math.Max(w, h), 1)
	}
	if limit := float64(maxCellsPerItem * len(bounds)); (w/size+1)*(h/size+1) > limit {
		// Solve (w/s+1)(h/s+1) ≈ limit for s, roughly: s² ≈ w·h/limit, or a line's length.
		size = math.Max(math.Sqrt(w*h/limit), math.Max(w, h)/limit)
	}
	g.minX, g.minY, g.cell = all.Min[0], all.Min[1], size
	g.nx = int(w/size) + 1
	g.ny = int(h/size) + 1
	g.start = make([]int32, g.nx*g.ny+1)
	// Count, then fill, so that each cell's items sit together in index order.
	for _, b := range bounds {
		x0, y0, x1, y1 := g.span(b)
		for y := y0; y <= y1; y++ {
			for x := x0; x <= x1; x++ {
				g.start[y*g.nx+x+1]++
			}
		}
	}
	for c := 1; c < len(g.start); c++ {
		g.start[c] += g.start[c-1]
	}
	g.items = make([]int32, g.start[len(g.start)-1])
	fill := make([]int32, g.nx*g.ny)
	copy(fill, g.start)
	for i, b := range bounds {
		x0, y0, x1, y1 := g.span(b)
		for y := y0; y <= y1; y++ {
			for x := x0; x <= x1; x++ {
				c := y*g.nx + x
				g.items[fill[c]] = int32(i)
				fill[c]++
			}
		}
	}
	return g
}

// span returns the cells b meets, clamped to the grid.
func (g *grid) span(b orb.Bound) (x0, y0, x1, y1 int) {
	x0, y0 = g.clampX(g.col(b.Min[0])), g.clampY(g.row(b.Min[1]))
	x1, y1 = g.clampX(g.col(b.Max[0])), g.clampY(g.row(b.Max[1]))
	return
}

func (g *grid) col(x float64) int { return int(math.Floor((x - g.minX) / g.cell)) }
func (g *grid) row(y float64) int { return int(math.Floor((y - g.minY) / g.cell)) }

func (g *grid) clampX(x int) int { return max(0, min(g.nx-1, x)) }
func (g *grid) clampY(y int) int { return max(0, min(g.ny-1, y)) }

// cellItems returns the items of cell x, y, or nil outside the grid.
func (g *grid) cellItems(x, y int) []int32 {
	if x < 0 || y < 0 || x >= g.nx || y >= g.ny {
		return nil
	}
	c := y*g.nx + x
	return g.items[g.start[c]:g.start[c+1]]
}

// nearest returns the item closest to p by dist (the distance from p to an item, at least
// the distance to any cell holding it) and that distance, or -1 and +Inf when there is
// none. It searches rings of cells outward from p's cell and stops once no closer item can
// be in the next ring. An item may be measured more than once.
func (g *grid) nearest(p orb.Point, dist func(item int32) float64) (int32, float64) {
	best, bestD := int32(-1), math.Inf(1)
	cx, cy := g.col(p[0]), g.row(p[1])
	// The farthest ring that still meets the grid.
	last := max(abs(cx), abs(cx-(g.nx-1)), abs(cy), abs(cy-(g.ny-1)))
	for r := 0; r <= last; r++ {
		// Every point of a cell in ring r is at least (r-1) cells from p.
		if float64(r-1)*g.cell > bestD {
			break
		}
		visit := func(x, y int) {
			for _, it := range g.cellItems(x, y) {
				if d := dist(it); d < bestD || (d == bestD && it < best) {
					best, bestD = it, d
				}
			}
		}
		if r == 0 {
			visit(cx, cy)
			continue
		}
		// The ring's sides, clipped to the grid: a point far outside it costs nothing per
		// empty cell.
		for x := max(cx-r, 0); x <= min(cx+r, g.nx-1); x++ {
			visit(x, cy-r)
			visit(x, cy+r)
		}
		for y := max(cy-r+1, 0); y <= min(cy+r-1, g.ny-1); y++ {
			visit(cx-r, y)
			visit(cx+r, y)
		}
	}
	return best, bestD
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
