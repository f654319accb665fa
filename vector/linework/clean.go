package linework

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// ProblemKind says why Clean dropped a part.
type ProblemKind int

const (
	// EmptyPart is a part without vertices.
	EmptyPart ProblemKind = iota + 1
	// SingleVertex is a part of one vertex.
	SingleVertex
	// ZeroLength is a part of two or more vertices that are all the same point.
	ZeroLength
	// NonFinite is a part with a NaN or infinite coordinate.
	NonFinite
)

// String returns the kind as reports spell it.
func (k ProblemKind) String() string {
	switch k {
	case EmptyPart:
		return "empty part"
	case SingleVertex:
		return "single vertex"
	case ZeroLength:
		return "zero length"
	case NonFinite:
		return "non-finite coordinate"
	}
	return fmt.Sprintf("ProblemKind(%d)", int(k))
}

// Problem is a part of a line that Clean dropped, and why.
type Problem struct {
	Kind ProblemKind
	Part int // index of the part in the input
	// Vertex is the index in the part of the offending vertex (NonFinite: the first
	// non-finite one) or of the part's first vertex (SingleVertex, ZeroLength); -1 for an
	// empty part.
	Vertex int
	// At is where the problem is, when Located: the vertex at Vertex, or for NonFinite the
	// nearest finite vertex before it (else after it) in the part.
	At      orb.Point
	Located bool
}

// String describes the problem in a sentence fragment, e.g. "part 2: zero length at
// (712345.0, 8956789.0)".
func (p Problem) String() string {
	s := fmt.Sprintf("part %d: %v", p.Part, p.Kind)
	if p.Kind == NonFinite {
		s += fmt.Sprintf(" at vertex %d", p.Vertex)
	}
	if p.Located {
		s += fmt.Sprintf(" near (%g, %g)", p.At[0], p.At[1])
	}
	return s
}

// Clean returns ml without the parts that cannot be measured — empty parts, parts of a
// single vertex, parts of zero length (all vertices the same point) and parts with a
// non-finite coordinate — and a Problem for each part it dropped, in part order; problems
// is nil when nothing was dropped.
//
// Repeated consecutive vertices are kept: they make zero-length segments, which every
// function in vector ignores, and keeping them lets Clean return the kept parts without
// copying them. Clean never modifies ml; the kept parts share their vertices with it, and
// when nothing is dropped the result is ml itself.
//
// Clean looks only at coordinates, not distances, so it works on lon/lat as well as on
// planar coordinates.
func Clean(ml orb.MultiLineString) (orb.MultiLineString, []Problem) {
	var problems []Problem
	for pi, l := range ml {
		if p, bad := partProblem(pi, l); bad {
			problems = append(problems, p)
		}
	}
	if len(problems) == 0 {
		return ml, nil
	}
	out := make(orb.MultiLineString, 0, len(ml)-len(problems))
	k := 0
	for pi, l := range ml {
		if k < len(problems) && problems[k].Part == pi {
			k++
			continue
		}
		out = append(out, l)
	}
	return out, problems
}

// partProblem returns why part pi cannot be measured, if it cannot.
func partProblem(pi int, l orb.LineString) (Problem, bool) {
	if len(l) == 0 {
		return Problem{Kind: EmptyPart, Part: pi, Vertex: -1}, true
	}
	for i, p := range l {
		if finite(p) {
			continue
		}
		pr := Problem{Kind: NonFinite, Part: pi, Vertex: i}
		for j := i - 1; j >= 0; j-- { // a finite vertex before it, else after it
			if finite(l[j]) {
				pr.At, pr.Located = l[j], true
				return pr, true
			}
		}
		for j := i + 1; j < len(l); j++ {
			if finite(l[j]) {
				pr.At, pr.Located = l[j], true
				break
			}
		}
		return pr, true
	}
	if len(l) == 1 {
		return Problem{Kind: SingleVertex, Part: pi, At: l[0], Located: true}, true
	}
	for _, p := range l[1:] {
		if p != l[0] {
			return Problem{}, false
		}
	}
	return Problem{Kind: ZeroLength, Part: pi, At: l[0], Located: true}, true
}

// SelfCrossings returns where ml crosses itself — one part crossing or touching itself,
// or two parts crossing or touching — as the locations of at most limit crossings, and how
// many there are in all. Consecutive segments meeting at their shared vertex, a ring
// meeting itself at its closing vertex, and two parts meeting only at end points of both
// (a line split by a cloud gap, or cut in pieces at admin boundaries) are not crossings;
// repeated vertices are ignored, and so are segments with a non-finite coordinate (Clean
// drops them first). Segment pairs meeting at the same point (the same coordinates) count as one crossing, so a
// line crossing itself through a vertex counts once; where the line runs along itself, the
// overlapping segment pairs count at the points where they begin to overlap.
//
// Crossings are listed in the order of the line: by part, then by segment and the
// distance along it of the first of the two segments that meet there. limit 0 or less
// returns only the count.
//
// It sweeps over the segments once, so a whole-coast shoreline of 80,000 segments takes
// milliseconds (see BenchmarkSelfCrossings). It depends only on whether segments meet, so
// it works on lon/lat as well as on planar coordinates (a crossing within a few
// centimetres of a vertex may come and go with the projection).
func SelfCrossings(ml orb.MultiLineString, limit int) (points []orb.Point, total int) {
	type crossing struct {
		p         orb.Point
		part, idx int
		along     float64 // squared distance from the start of the first segment
	}
	var cs []crossing
	sweep(segmentsOf(ml), func(a, _ segment, p orb.Point) bool {
		cs = append(cs, crossing{p, a.part, a.idx, planar.DistanceSquared(a.a, p)})
		return true
	})
	if len(cs) == 0 {
		return nil, 0
	}
	byLine := func(x, y crossing) int {
		return cmp.Or(cmp.Compare(x.part, y.part), cmp.Compare(x.idx, y.idx), cmp.Compare(x.along, y.along),
			cmp.Compare(x.p[0], y.p[0]), cmp.Compare(x.p[1], y.p[1]))
	}
	// One crossing per point: the first along the line.
	slices.SortFunc(cs, func(x, y crossing) int {
		return cmp.Or(cmp.Compare(x.p[0], y.p[0]), cmp.Compare(x.p[1], y.p[1]), byLine(x, y))
	})
	cs = slices.CompactFunc(cs, func(x, y crossing) bool { return x.p == y.p })
	slices.SortFunc(cs, byLine)
	if limit > 0 {
		points = make([]orb.Point, min(limit, len(cs)))
		for i := range points {
			points[i] = cs[i].p
		}
	}
	return points, len(cs)
}

// SplitAtGaps splits every part of ml at its segments longer than maxGap, which it
// removes, and returns the pieces in order and how many segments it removed. CoastSat and
// CoastSeg join the separate contour pieces of one shoreline into one line with straight
// jumps between them; a jump is not shoreline, and measured it would put a crossing where
// there is none. A piece left with a single vertex is dropped. In a closed ring with jumps,
// the pieces either side of its closing vertex are joined into one.
//
// dist gives the length of a segment in the units of maxGap: planar.Distance for metres in
// a projected CRS, geo.Distance (orb/geo) for metres on lon/lat; nil means
// planar.Distance. maxGap 0 or less, or NaN, splits nothing. Segments whose length is NaN
// (a non-finite coordinate; run Clean first) are kept.
//
// SplitAtGaps never modifies ml; when nothing is split the result is ml itself, and pieces
// share their vertices with ml (capped, so that appending to one copies it).
func SplitAtGaps(ml orb.MultiLineString, maxGap float64, dist func(a, b orb.Point) float64) (orb.MultiLineString, int) {
	if !(maxGap > 0) {
		return ml, 0
	}
	if dist == nil {
		dist = planar.Distance
	}
	var out orb.MultiLineString
	jumps := 0
	var cut []int // segments of the current part to remove
	for pi, l := range ml {
		cut = cut[:0]
		for i := 0; i+1 < len(l); i++ {
			if dist(l[i], l[i+1]) > maxGap {
				cut = append(cut, i)
			}
		}
		if len(cut) == 0 {
			if out != nil {
				out = append(out, l)
			}
			continue
		}
		if out == nil {
			out = append(make(orb.MultiLineString, 0, len(ml)+len(cut)), ml[:pi]...)
		}
		jumps += len(cut)
		out = appendPieces(out, l, cut)
	}
	if out == nil {
		return ml, 0
	}
	return out, jumps
}

// appendPieces appends the pieces of l left when segments cut (increasing) are removed.
func appendPieces(out orb.MultiLineString, l orb.LineString, cut []int) orb.MultiLineString {
	n := len(l) - 1
	if n >= 3 && l[0] == l[n] && cut[0] > 0 && cut[len(cut)-1] < n-1 {
		// A ring: the piece after the last jump runs on across the closing vertex into the
		// piece before the first.
		first := l[:cut[0]+1]
		last := l[cut[len(cut)-1]+1:]
		joined := make(orb.LineString, 0, len(last)+len(first)-1)
		joined = append(append(joined, last...), first[1:]...)
		out = append(out, joined)
		for k := 0; k+1 < len(cut); k++ {
			out = appendPiece(out, l, cut[k]+1, cut[k+1])
		}
		return out
	}
	from := 0
	for _, c := range cut {
		out = appendPiece(out, l, from, c)
		from = c + 1
	}
	return appendPiece(out, l, from, n)
}

// appendPiece appends l[from..to] (vertices) when it has at least two vertices.
func appendPiece(out orb.MultiLineString, l orb.LineString, from, to int) orb.MultiLineString {
	if to <= from {
		return out
	}
	return append(out, l[from:to+1:to+1])
}
