package tiles

import (
	"math"
	"sort"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// clipPolygon clips p, in tile coordinates on the integer grid with its exterior ring of
// positive area and its holes negative, to the clip box, and returns the pieces as valid
// polygons, snapped to the grid.
//
// It is the rectangle clipping of GEOS (RectangleIntersection) in small: each ring is cut
// into chains, the runs of it inside the box, each from the point it enters to the point
// it leaves. The polygon lies left of every ring, so the boundary of its part inside the
// box goes on from where a chain leaves counter-clockwise along the box to the next point
// where a chain enters. Rings wholly inside the box are kept whole, holes going to the
// piece that holds them. Crossings are found on the half-unit larger halfBox, which no
// vertex or edge of the grid touches, so that every crossing is a proper one; the new
// vertices are then put where the edge crosses the clip box itself, as GEOS and wagyu
// put them, and rounded to the grid.
func clipPolygon(p orb.Polygon) []orb.Polygon {
	b := halfBox
	w, h := b.Max[0]-b.Min[0], b.Max[1]-b.Min[1]
	perimeter := 2 * (w + h)
	var chains []*chain
	var wholeExteriors, wholeHoles []orb.Ring
	boxCovered := false
	for i, r := range p {
		cs, whole := cutRing(r)
		switch {
		case whole:
			if i == 0 {
				wholeExteriors = append(wholeExteriors, r)
			} else {
				wholeHoles = append(wholeHoles, r)
			}
		case len(cs) == 0:
			// The ring lies outside the box: the box is inside it or outside it.
			centre := orb.Point{(b.Min[0] + b.Max[0]) / 2, (b.Min[1] + b.Max[1]) / 2}
			in := planar.RingContains(r, centre)
			if i == 0 && !in {
				return nil // the polygon is elsewhere
			}
			if i > 0 && in {
				return nil // the box is in a hole
			}
			if i == 0 {
				boxCovered = true
			}
		default:
			chains = append(chains, cs...)
		}
	}

	var out []orb.Polygon
	if len(chains) > 0 {
		entries := append([]*chain(nil), chains...)
		sort.Slice(entries, func(i, j int) bool { return entries[i].in < entries[j].in })
		// next returns the chain entering first after perimeter position s.
		next := func(s float64) *chain {
			k := sort.Search(len(entries), func(i int) bool { return entries[i].in > s })
			if k == len(entries) {
				k = 0
			}
			return entries[k]
		}
		for _, start := range chains {
			if start.used {
				continue
			}
			var ring orb.Ring
			c := start
			for {
				c.used = true
				ring = append(ring, c.pts...)
				n := next(c.out)
				ring = appendCorners(ring, c.out, n.in, w, h, perimeter)
				if n == start || n.used {
					break
				}
				c = n
			}
			ring = append(ring, ring[0])
			out = append(out, orb.Polygon{ring})
		}
	} else if boxCovered {
		c := clipBox
		out = append(out, orb.Polygon{orb.Ring{c.Min, {c.Max[0], c.Min[1]}, c.Max, {c.Min[0], c.Max[1]}, c.Min}})
	}
	for _, r := range wholeExteriors {
		out = append(out, orb.Polygon{r})
	}
	for _, hole := range wholeHoles {
		for i := range out {
			if planar.RingContains(out[i][0], hole[0]) {
				out[i] = append(out[i], hole)
				break
			}
		}
	}

	// Snap the new vertices to the grid and drop what collapses.
	kept := out[:0]
	for _, poly := range out {
		var q orb.Polygon
		for i, r := range poly {
			r = orb.Ring(regrid(r))
			if len(r) > 1 && r[0] == r[len(r)-1] && len(r) >= 4 {
				if a := ringArea(r); a != 0 && (i == 0) == (a > 0) {
					q = append(q, r)
					continue
				}
			}
			if i == 0 {
				break
			}
		}
		if len(q) > 0 {
			kept = append(kept, q)
		}
	}
	return kept
}

// chain is a run of a ring inside the box, from where it enters to where it leaves, with
// the perimeter positions of both ends.
type chain struct {
	pts     []orb.Point
	in, out float64
	used    bool
}

// cutRing returns the chains of closed ring r inside halfBox, or whole when all of r is
// inside it.
func cutRing(r orb.Ring) (chains []*chain, whole bool) {
	n := len(r) - 1 // distinct vertices
	start := -1
	for i := 0; i < n; i++ {
		if !strictlyInside(r[i]) {
			start = i
			break
		}
	}
	if start < 0 {
		return nil, true
	}
	var cur *chain
	for k := 0; k < n; k++ {
		a, b := r[(start+k)%n], r[(start+k+1)%n]
		ain, bin := strictlyInside(a), strictlyInside(b)
		switch {
		case ain && bin:
			cur.pts = append(cur.pts, b)
		case ain:
			_, t1, _ := crossing(a, b)
			e, edge := onEdge(lerp(a, b, t1))
			cur.pts = append(cur.pts, onClipEdge(a, b, edge))
			cur.out = perimeterPos(e)
			chains = append(chains, cur)
			cur = nil
		case bin:
			t0, _, _ := crossing(a, b)
			e, edge := onEdge(lerp(a, b, t0))
			cur = &chain{pts: []orb.Point{onClipEdge(a, b, edge), b}, in: perimeterPos(e)}
		default:
			if t0, t1, ok := crossing(a, b); ok && t0 < t1 {
				e0, edge0 := onEdge(lerp(a, b, t0))
				e1, edge1 := onEdge(lerp(a, b, t1))
				chains = append(chains, &chain{pts: []orb.Point{onClipEdge(a, b, edge0), onClipEdge(a, b, edge1)},
					in: perimeterPos(e0), out: perimeterPos(e1)})
			}
		}
	}
	return chains, false
}

func strictlyInside(p orb.Point) bool {
	b := halfBox
	return p[0] > b.Min[0] && p[0] < b.Max[0] && p[1] > b.Min[1] && p[1] < b.Max[1]
}

// crossing returns the parameters where segment a-b enters and leaves halfBox
// (Liang-Barsky), and false when it misses the box.
func crossing(a, b orb.Point) (t0, t1 float64, ok bool) {
	box := halfBox
	dx, dy := b[0]-a[0], b[1]-a[1]
	t0, t1 = 0, 1
	for _, pq := range [4][2]float64{
		{-dx, a[0] - box.Min[0]}, {dx, box.Max[0] - a[0]},
		{-dy, a[1] - box.Min[1]}, {dy, box.Max[1] - a[1]},
	} {
		p, q := pq[0], pq[1]
		if p == 0 {
			if q < 0 {
				return 0, 0, false
			}
			continue
		}
		r := q / p
		if p < 0 {
			t0 = math.Max(t0, r)
		} else {
			t1 = math.Min(t1, r)
		}
	}
	return t0, t1, t0 <= t1
}

func lerp(a, b orb.Point, t float64) orb.Point {
	return orb.Point{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])}
}

// onEdge puts a crossing point exactly on the halfBox edge it is nearest to, and returns
// that edge: 0 min y, 1 max x, 2 max y, 3 min x.
func onEdge(p orb.Point) (orb.Point, int) {
	b := halfBox
	d := [4]float64{math.Abs(p[1] - b.Min[1]), math.Abs(p[0] - b.Max[0]), math.Abs(p[1] - b.Max[1]), math.Abs(p[0] - b.Min[0])}
	k := 0
	for i := 1; i < 4; i++ {
		if d[i] < d[k] {
			k = i
		}
	}
	switch k {
	case 0:
		p[1] = b.Min[1]
	case 1:
		p[0] = b.Max[0]
	case 2:
		p[1] = b.Max[1]
	default:
		p[0] = b.Min[0]
	}
	p[0] = math.Max(b.Min[0], math.Min(b.Max[0], p[0]))
	p[1] = math.Max(b.Min[1], math.Min(b.Max[1], p[1]))
	return p, k
}

// onClipEdge returns where the line through a and b meets edge of the clip box itself
// (half a unit inside halfBox's), where GEOS and wagyu put the new vertex, kept on the box.
func onClipEdge(a, b orb.Point, edge int) orb.Point {
	c := clipBox
	var p orb.Point
	switch edge {
	case 0, 2:
		y := c.Min[1]
		if edge == 2 {
			y = c.Max[1]
		}
		p = orb.Point{a[0] + (y-a[1])/(b[1]-a[1])*(b[0]-a[0]), y}
	default:
		x := c.Max[0]
		if edge == 3 {
			x = c.Min[0]
		}
		p = orb.Point{x, a[1] + (x-a[0])/(b[0]-a[0])*(b[1]-a[1])}
	}
	p[0] = math.Max(c.Min[0], math.Min(c.Max[0], p[0]))
	p[1] = math.Max(c.Min[1], math.Min(c.Max[1], p[1]))
	return p
}

// perimeterPos returns where boundary point p lies on the perimeter of halfBox, going
// counter-clockwise (in the coordinates' own orientation, as positive areas go) from its
// minimum corner: along the min-y edge, the max-x edge, the max-y edge, the min-x edge.
func perimeterPos(p orb.Point) float64 {
	b := halfBox
	w, h := b.Max[0]-b.Min[0], b.Max[1]-b.Min[1]
	switch {
	case p[1] == b.Min[1] && p[0] < b.Max[0]:
		return p[0] - b.Min[0]
	case p[0] == b.Max[0] && p[1] < b.Max[1]:
		return w + p[1] - b.Min[1]
	case p[1] == b.Max[1] && p[0] > b.Min[0]:
		return w + h + b.Max[0] - p[0]
	}
	return 2*w + h + b.Max[1] - p[1]
}

// appendCorners appends the box corners passed going counter-clockwise along the
// perimeter from position from to position to.
func appendCorners(ring orb.Ring, from, to, w, h, perimeter float64) orb.Ring {
	b := clipBox // the corners themselves are on the clip box
	corners := [4]struct {
		s float64
		p orb.Point
	}{
		{0, b.Min}, {w, orb.Point{b.Max[0], b.Min[1]}}, {w + h, b.Max}, {2*w + h, orb.Point{b.Min[0], b.Max[1]}},
	}
	dist := to - from
	if dist <= 0 {
		dist += perimeter
	}
	// Corners in the order met from from.
	type met struct {
		d float64
		p orb.Point
	}
	var ms []met
	for _, c := range corners {
		d := c.s - from
		if d <= 0 {
			d += perimeter
		}
		if d < dist {
			ms = append(ms, met{d, c.p})
		}
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].d < ms[j].d })
	for _, m := range ms {
		ring = append(ring, m.p)
	}
	return ring
}
