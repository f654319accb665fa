package synthetic

import (
	"math"

	"github.com/paulmach/orb"
)

// tol (m) is how close two points must be to count as one in loop cutting.
const tol = 1e-6

// walker cuts the loops out of a displaced line. It walks along the line, keeping what it
// has drawn so far on a stack with a grid index of its segments; when the next segment
// would cross the drawn part, the loop between the two is cut off at the crossing, as a
// pen tracing an offset curve would. Every segment is checked against every other (through
// the grid), so the result never crosses or touches itself. Segments popped off the stack
// stay in the grid and are skipped by their generation: a segment is live while its
// position is on the stack and carries the generation it was inserted with.
type walker struct {
	v   []orb.Point // the stack: vertices drawn so far
	s   []float64   // reference arc length of each vertex
	gen []uint32    // generation of the segment from v[p] to v[p+1]

	cell   float64
	origin orb.Point
	grid   map[uint64]int32 // cell → first entry
	next   []int32          // entry → next entry in its cell, −1 at the end
	epos   []int32          // entry → segment position
	egen   []uint32         // entry → segment generation
	count  uint32
}

// run cuts the loops out of the line through pts (reference arc lengths s, increasing),
// indexing segments in cells of the given size (or larger, for long segments). For a
// ring, pts ends with its first point again. The result is left in w.v and w.s.
func (w *walker) run(pts []orb.Point, s []float64, closed bool, cell float64) {
	if w.grid == nil {
		w.grid = make(map[uint64]int32)
	}
	clear(w.grid)
	w.next, w.epos, w.egen = w.next[:0], w.epos[:0], w.egen[:0]
	w.count = 0
	// No segment may span more than 16 cells a side, or indexing it costs too much.
	for i := 1; i < len(pts); i++ {
		cell = math.Max(cell, math.Max(math.Abs(pts[i][0]-pts[i-1][0]), math.Abs(pts[i][1]-pts[i-1][1]))/16)
	}
	w.cell, w.origin = cell, pts[0]
	w.v, w.s, w.gen = append(w.v[:0], pts[0]), append(w.s[:0], s[0]), w.gen[:0]

	last := len(pts) - 1
	for i := 1; i <= last; i++ {
		b, sb := pts[i], s[i]
		closing := closed && i == last
		for {
			m := len(w.v) - 1
			a, sa := w.v[m], w.s[m]
			if a == b {
				break
			}
			if m >= 1 { // turning straight back along the last segment
				if u, r := sub(a, w.v[m-1]), sub(b, a); cross(u, r) == 0 && dot(u, r) < 0 {
					w.truncate(m - 1)
					continue
				}
			}
			j, t, u := w.firstHit(a, b, closing)
			if j < 0 {
				w.push(b, sb)
				break
			}
			// Cut the loop v[j+1] … a: keep v[0..j] and go on from the crossing.
			ql := dist(w.v[j], w.v[j+1])
			switch {
			case u*ql <= tol:
				w.truncate(j)
			case (1-u)*ql <= tol:
				w.truncate(j + 1)
			default:
				g := w.gen[j]
				w.truncate(j)
				w.v = append(w.v, lerp(a, b, t))
				w.s = append(w.s, sa+t*(sb-sa))
				w.gen = append(w.gen, g) // the shortened segment j keeps its grid entries
			}
		}
	}
}

// truncate keeps the vertices 0..k.
func (w *walker) truncate(k int) {
	w.v, w.s, w.gen = w.v[:k+1], w.s[:k+1], w.gen[:k]
}

// push appends vertex b and indexes the segment ending at it.
func (w *walker) push(b orb.Point, sb float64) {
	pos := int32(len(w.v) - 1)
	a := w.v[pos]
	w.count++
	w.gen = append(w.gen, w.count)
	x0, y0, x1, y1 := w.cells(a, b)
	for cx := x0; cx <= x1; cx++ {
		for cy := y0; cy <= y1; cy++ {
			k := key(cx, cy)
			head, ok := w.grid[k]
			if !ok {
				head = -1
			}
			w.grid[k] = int32(len(w.next))
			w.next = append(w.next, head)
			w.epos = append(w.epos, pos)
			w.egen = append(w.egen, w.count)
		}
	}
	w.v = append(w.v, b)
	w.s = append(w.s, sb)
}

// firstHit finds the first point along a→b (past a) where it meets a live segment other
// than the last one (and, when closing a ring, the first one): the segment's position,
// and the parameters of the point along a→b and along the segment. j is −1 for none.
func (w *walker) firstHit(a, b orb.Point, closing bool) (j int, t, u float64) {
	j, t = -1, math.Inf(1)
	m := int32(len(w.v) - 1)
	tmin := tol / dist(a, b)
	x0, y0, x1, y1 := w.cells(a, b)
	for cx := x0; cx <= x1; cx++ {
		for cy := y0; cy <= y1; cy++ {
			e, ok := w.grid[key(cx, cy)]
			if !ok {
				continue
			}
			for ; e >= 0; e = w.next[e] {
				pos := w.epos[e]
				if pos >= m-1 || w.gen[pos] != w.egen[e] || (closing && pos == 0) {
					continue
				}
				if tt, uu, hit := intersect(a, b, w.v[pos], w.v[pos+1], tmin); hit && (tt < t || tt == t && int(pos) < j) {
					j, t, u = int(pos), tt, uu
				}
			}
		}
	}
	return j, t, u
}

// cells returns the range of grid cells the box of a and b covers.
func (w *walker) cells(a, b orb.Point) (x0, y0, x1, y1 int) {
	f := func(v, o float64) int { return int(math.Floor((v - o) / w.cell)) }
	x0, x1 = f(a[0], w.origin[0]), f(b[0], w.origin[0])
	y0, y1 = f(a[1], w.origin[1]), f(b[1], w.origin[1])
	return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)
}

func key(cx, cy int) uint64 { return uint64(uint32(int32(cx)))<<32 | uint64(uint32(int32(cy))) }

// intersect returns the first point of segment a→b at or past parameter tmin that is also
// on segment c→d, as parameters t along a→b and u along c→d.
func intersect(a, b, c, d orb.Point, tmin float64) (t, u float64, ok bool) {
	r, q, w := sub(b, a), sub(d, c), sub(c, a)
	if den := cross(r, q); den != 0 {
		t, u = cross(w, q)/den, cross(w, r)/den
		return t, u, t >= tmin && t <= 1 && u >= 0 && u <= 1
	}
	if cross(w, r) != 0 { // parallel, apart
		return 0, 0, false
	}
	// Collinear: the overlap of the two parameter ranges along a→b.
	rr := dot(r, r)
	tc, td := dot(w, r)/rr, dot(sub(d, a), r)/rr
	lo, hi := math.Max(math.Min(tc, td), tmin), math.Min(math.Max(tc, td), 1)
	if lo > hi {
		return 0, 0, false
	}
	u = dot(sub(lerp(a, b, lo), c), q) / dot(q, q)
	return lo, math.Max(0, math.Min(1, u)), true
}
