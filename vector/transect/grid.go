package transect

import (
	"math"

	"github.com/paulmach/orb"
)

// grid is a sparse uniform grid over segments: each segment is listed in every cell that
// it meets once grown by its padding (see cover), and only cells holding something are
// stored. Queries ask for the cells a segment meets unpadded, so two segments within the
// padding of each other always share a cell.
type grid struct {
	inv   float64 // 1 / cell size
	cells map[uint64]span
	items []int32
}

type span struct{ lo, hi int32 }

// newGrid indexes segments a[i]–b[i] padded by pad, with cells of about an eighth of the
// mean segment length (at least pad). Segments with disabled[i] set are left out.
func newGrid(a, b []orb.Point, pad float64, disabled []bool) *grid {
	sum, n := 0.0, 0
	for i := range a {
		if disabled == nil || !disabled[i] {
			sum += norm(sub(b[i], a[i]))
			n++
		}
	}
	cell := 1.0
	if n > 0 {
		cell = math.Max(sum/float64(n)/8, pad)
	}
	if !(cell > 0) || math.IsInf(cell, 0) {
		cell = 1
	}
	g := &grid{inv: 1 / cell, cells: make(map[uint64]span, 4*n)}
	// Count, then fill, so that each cell's items sit together in index order.
	for i := range a {
		if disabled == nil || !disabled[i] {
			g.cover(a[i], b[i], pad, func(k uint64) {
				s := g.cells[k]
				s.hi++
				g.cells[k] = s
			})
		}
	}
	total := int32(0)
	for k, s := range g.cells {
		g.cells[k] = span{total, total}
		total += s.hi
	}
	g.items = make([]int32, total)
	for i := range a {
		if disabled == nil || !disabled[i] {
			g.cover(a[i], b[i], pad, func(k uint64) {
				s := g.cells[k]
				g.items[s.hi] = int32(i)
				s.hi++
				g.cells[k] = s
			})
		}
	}
	return g
}

// cover calls fn with the key of every cell that meets segment ab grown by pad in x and
// in y (a superset of the cells within pad of it): column by column, the rows spanned by
// the part of the segment within pad of the column, widened by pad.
func (g *grid) cover(a, b orb.Point, pad float64, fn func(uint64)) {
	if a[0] > b[0] {
		a, b = b, a
	}
	x0, x1 := math.Floor((a[0]-pad)*g.inv), math.Floor((b[0]+pad)*g.inv)
	if x0 == x1 {
		y0 := math.Floor((math.Min(a[1], b[1]) - pad) * g.inv)
		y1 := math.Floor((math.Max(a[1], b[1]) + pad) * g.inv)
		for y := y0; y <= y1; y++ {
			fn(key(x0, y))
		}
		return
	}
	cell := 1 / g.inv
	dx := b[0] - a[0]
	for x := x0; x <= x1; x++ {
		// The segment's y over x in [column left - pad, column right + pad].
		lo, hi := math.Max(x*cell-pad, a[0]), math.Min((x+1)*cell+pad, b[0])
		ya, yb := a[1], b[1]
		if dx > 0 {
			ya = a[1] + (b[1]-a[1])*math.Max(0, (lo-a[0])/dx)
			yb = a[1] + (b[1]-a[1])*math.Min(1, (hi-a[0])/dx)
		}
		y0 := math.Floor((math.Min(ya, yb) - pad) * g.inv)
		y1 := math.Floor((math.Max(ya, yb) + pad) * g.inv)
		for y := y0; y <= y1; y++ {
			fn(key(x, y))
		}
	}
}

// cell returns the items listed under key k.
func (g *grid) cell(k uint64) []int32 {
	s, ok := g.cells[k]
	if !ok {
		return nil
	}
	return g.items[s.lo:s.hi]
}

func key(x, y float64) uint64 {
	return uint64(uint32(int32(x)))<<32 | uint64(uint32(int32(y)))
}
