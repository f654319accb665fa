// Package linework tidies line geometry before it is measured: it chains coastlines
// delivered in pieces into continuous lines (Merge), drops and reports the parts of a line
// that cannot be measured (Clean), finds where a line crosses itself (SelfCrossings), and
// splits lines at the straight jumps CoastSat joins contour pieces with (SplitAtGaps).
//
// Messy geometry is data, not an error: real satellite-derived shorelines loop and cross
// themselves at river mouths, rocks and surf, and a transect that meets such a line more
// than once takes the crossing its intersect mode picks, as DSAS does. So these functions
// report rather than reject; Check remains for callers that want a strict yes or no.
//
// Merge measures in the plane: its tolerance is in the units of the coordinates, metres in
// a projected CRS. Clean, SelfCrossings and Check depend only on topology (which vertices
// are equal, which segments meet) and work on lon/lat as well as on planar coordinates;
// SplitAtGaps takes the distance function to use.
package linework

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// Merge chains lines whose end points lie within tol metres of each other into longer
// lines, so that a coastline delivered as many pieces (COD-AB splits it at every suco
// boundary) is smoothed and cast as continuous parts. A chain that returns to its start is
// closed exactly. The result is deterministic: chains start from the lowest-indexed free line.
func Merge(lines orb.MultiLineString, tol float64) orb.MultiLineString {
	type end struct {
		line  int
		atEnd bool
	}
	key := func(p orb.Point) [2]int64 {
		return [2]int64{int64(math.Floor(p[0] / tol)), int64(math.Floor(p[1] / tol))}
	}
	ends := make(map[[2]int64][]end)
	for i, l := range lines {
		if len(l) < 2 {
			continue
		}
		ends[key(l[0])] = append(ends[key(l[0])], end{i, false})
		ends[key(l[len(l)-1])] = append(ends[key(l[len(l)-1])], end{i, true})
	}
	used := make([]bool, len(lines))
	// next finds an unused line with an end near p, returning it oriented to start at p.
	next := func(p orb.Point) orb.LineString {
		k := key(p)
		for dx := int64(-1); dx <= 1; dx++ {
			for dy := int64(-1); dy <= 1; dy++ {
				for _, e := range ends[[2]int64{k[0] + dx, k[1] + dy}] {
					l := lines[e.line]
					q := l[0]
					if e.atEnd {
						q = l[len(l)-1]
					}
					if used[e.line] || math.Hypot(q[0]-p[0], q[1]-p[1]) > tol {
						continue
					}
					used[e.line] = true
					out := append(orb.LineString(nil), l...)
					if e.atEnd {
						out.Reverse()
					}
					return out
				}
			}
		}
		return nil
	}
	var out orb.MultiLineString
	for i, l := range lines {
		if used[i] || len(l) < 2 {
			continue
		}
		used[i] = true
		chain := append(orb.LineString(nil), l...)
		for closed := false; !closed; {
			n := next(chain[len(chain)-1])
			if n == nil {
				break
			}
			chain = append(chain, n[1:]...)
			closed = math.Hypot(chain[0][0]-chain[len(chain)-1][0], chain[0][1]-chain[len(chain)-1][1]) <= tol
		}
		for {
			if math.Hypot(chain[0][0]-chain[len(chain)-1][0], chain[0][1]-chain[len(chain)-1][1]) <= tol {
				chain[len(chain)-1] = chain[0]
				break
			}
			n := next(chain[0])
			if n == nil {
				break
			}
			n.Reverse()
			chain = append(n[:len(n)-1], chain...)
		}
		out = append(out, chain)
	}
	return out
}

// Check rejects line geometry that cannot be measured or does not form a simple line: empty,
// a single point, a part of zero length, non-finite coordinates, or a line that crosses
// itself, returning an error naming the first such thing. It is the strict mode: callers
// that want to use what can be used and report the rest call Clean and SelfCrossings,
// which apply the same rules.
func Check(ml orb.MultiLineString) error {
	if len(ml) == 0 {
		return fmt.Errorf("empty geometry")
	}
	if _, problems := Clean(ml); len(problems) > 0 {
		return errors.New(problems[0].String())
	}
	if at, n := SelfCrossings(ml, 1); n > 0 {
		return fmt.Errorf("line crosses itself near (%.1f, %.1f)", at[0][0], at[0][1])
	}
	return nil
}

type segment struct {
	a, b       orb.Point
	part, idx  int
	closedPart bool
	partLen    int
}

// segmentsOf returns the segments of ml, numbered within each part. Repeated vertices are
// skipped, so that consecutive real segments are numbered consecutively; a segment with a
// non-finite end is skipped too, and leaves a hole in the numbering so that the segments
// either side of it do not count as neighbours.
func segmentsOf(ml orb.MultiLineString) []segment {
	n := 0
	for _, l := range ml {
		n += max(len(l)-1, 0)
	}
	segs := make([]segment, 0, n)
	for pi, l := range ml {
		closed := len(l) > 3 && l[0] == l[len(l)-1]
		first, idx := len(segs), 0
		for i := 0; i+1 < len(l); i++ {
			switch {
			case l[i] == l[i+1]:
				continue // repeated vertices are harmless; number the real segments
			case !finite(l[i]) || !finite(l[i+1]):
				if idx > 0 && segs[len(segs)-1].idx == idx-1 {
					idx++
				}
				continue
			}
			segs = append(segs, segment{a: l[i], b: l[i+1], part: pi, idx: idx, closedPart: closed})
			idx++
		}
		for k := first; k < len(segs); k++ {
			segs[k].partLen = idx
		}
	}
	return segs
}

// selfCrossing finds where two non-adjacent segments of ml meet, with a sweep, returning a
// point near it. Consecutive segments, the closing vertex of a ring, and different parts
// touching at their end points are not crossings.
func selfCrossing(ml orb.MultiLineString) (orb.Point, bool) {
	var at orb.Point
	found := false
	sweep(segmentsOf(ml), func(_, _ segment, p orb.Point) bool {
		at, found = p, true
		return false
	})
	return at, found
}

// sweep calls fn with every pair of segments that meet, other than the pairs that are not
// crossings (see selfCrossing), the earlier in segs first, and a point where they do,
// until fn returns false. It sweeps along the longer side of the segments' bounding box,
// so that the segments active at once are those a line across the shoreline meets, not
// those along it: a coast running north–south swept over x keeps most of its segments
// active and took five times as long.
func sweep(segs []segment, fn func(a, b segment, p orb.Point) bool) {
	if len(segs) < 2 {
		return
	}
	ax := 0 // sweep axis: 0 for x, 1 for y
	var bound orb.Bound
	for i, s := range segs {
		if i == 0 {
			bound = orb.Bound{Min: s.a, Max: s.a}
		}
		bound = bound.Extend(s.a).Extend(s.b)
	}
	if bound.Max[1]-bound.Min[1] > bound.Max[0]-bound.Min[0] {
		ax = 1
	}
	other := 1 - ax
	// Sorting dominates on whole-coast shorelines (80,000 segments each), so segments are
	// ordered by a packed uint64 — their minimum along the axis quantized to 32 bits above
	// the segment number — which slices.Sort orders several times faster than a comparison
	// function. Quantizing can swap segments whose minima differ by less than one quantum,
	// so the sweep keeps a segment active until it ends more than one quantum before the
	// current one.
	type key struct {
		lo, hi, minO, maxO float64 // extent along the axis and across it
		seg                int
	}
	keys := make([]key, len(segs))
	x0, x1 := math.Inf(1), math.Inf(-1)
	for i, s := range segs {
		keys[i] = key{
			lo: math.Min(s.a[ax], s.b[ax]), hi: math.Max(s.a[ax], s.b[ax]),
			minO: math.Min(s.a[other], s.b[other]), maxO: math.Max(s.a[other], s.b[other]),
			seg: i,
		}
		x0, x1 = math.Min(x0, keys[i].lo), math.Max(x1, keys[i].lo)
	}
	quantum := (x1 - x0) / (1 << 32)
	order := make([]uint64, len(keys))
	if quantum > 0 && len(keys) <= math.MaxUint32 {
		for i, k := range keys {
			q := min(uint64((k.lo-x0)/quantum), math.MaxUint32)
			order[i] = q<<32 | uint64(i)
		}
		slices.Sort(order)
		sorted := make([]key, len(keys))
		for i, o := range order {
			sorted[i] = keys[o&math.MaxUint32]
		}
		keys = sorted
	} else {
		slices.SortFunc(keys, func(a, b key) int { return cmp.Compare(a.lo, b.lo) })
		quantum = 0
	}
	var active []key
	for _, k := range keys {
		kept := active[:0]
		for _, a := range active {
			if a.hi >= k.lo-quantum {
				kept = append(kept, a)
			}
		}
		active = kept
		s := segs[k.seg]
		for _, ak := range active {
			if ak.maxO < k.minO || k.maxO < ak.minO {
				continue
			}
			// The segment first in the line goes first, so that the point computed for a
			// pair does not depend on the sweep order.
			a, b := segs[ak.seg], s
			if k.seg < ak.seg {
				a, b = b, a
			}
			if adjacent(a, b) {
				continue
			}
			if p, ok := segmentsCross(a.a, a.b, b.a, b.b); ok && !(a.part != b.part && a.isBoundary(p) && b.isBoundary(p)) {
				if !fn(a, b, p) {
					return
				}
			}
		}
		active = append(active, k)
	}
}

// isBoundary reports whether p is an end point of the open line the segment belongs to.
// Parts of a multiline may touch at such points (OGC simple features: a MultiCurve is
// simple when its elements meet only at their boundaries), as a ring split by a cloud gap does.
func (s segment) isBoundary(p orb.Point) bool {
	if s.closedPart {
		return false
	}
	return (s.idx == 0 && p == s.a) || (s.idx == s.partLen-1 && p == s.b)
}

func adjacent(a, b segment) bool {
	if a.part != b.part {
		return false
	}
	d := a.idx - b.idx
	if d == 1 || d == -1 || d == 0 {
		return true
	}
	return a.closedPart && (d == a.partLen-1 || d == -(a.partLen-1))
}

// segmentsCross reports whether segments p1p2 and q1q2 intersect (including touching and
// overlap), and where.
func segmentsCross(p1, p2, q1, q2 orb.Point) (orb.Point, bool) {
	d := func(a, b, c orb.Point) float64 { return (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0]) }
	d1, d2 := d(q1, q2, p1), d(q1, q2, p2)
	d3, d4 := d(p1, p2, q1), d(p1, p2, q2)
	if ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)) {
		t := d1 / (d1 - d2)
		return orb.Point{p1[0] + t*(p2[0]-p1[0]), p1[1] + t*(p2[1]-p1[1])}, true
	}
	on := func(a, b, c orb.Point) bool {
		return math.Min(a[0], b[0]) <= c[0] && c[0] <= math.Max(a[0], b[0]) &&
			math.Min(a[1], b[1]) <= c[1] && c[1] <= math.Max(a[1], b[1])
	}
	switch {
	case d1 == 0 && on(q1, q2, p1):
		return p1, true
	case d2 == 0 && on(q1, q2, p2):
		return p2, true
	case d3 == 0 && on(p1, p2, q1):
		return q1, true
	case d4 == 0 && on(p1, p2, q2):
		return q2, true
	}
	return orb.Point{}, false
}

func finite(p orb.Point) bool {
	return !math.IsNaN(p[0]) && !math.IsNaN(p[1]) && !math.IsInf(p[0], 0) && !math.IsInf(p[1], 0)
}
