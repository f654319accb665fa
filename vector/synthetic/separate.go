package synthetic

import (
	"math"
	"sort"

	"github.com/paulmach/orb"
)

// separate makes the lines of different coast chains stay apart. An islet a few tens of
// metres off the coast (the COD-AB coastline has two) meets the main shoreline once both
// have accreted enough; the shorter of two lines that meet loses the segments where they
// do, as if the islet had joined the coast. Lines of one chain never meet (they are
// stretches of one simple line). Lines are taken longest first, each checked against the
// ones already kept, so the result has no two lines that cross or touch.
func separate(g orb.MultiLineString, chainOf []int) orb.MultiLineString {
	if len(g) < 2 {
		return g
	}
	type line struct {
		ls          orb.LineString
		chain       int
		orig, start int // where it came from in g, for the order of the result
		bound       orb.Bound
	}
	length := make([]float64, len(g))
	order := make([]int, len(g))
	for i, ls := range g {
		order[i] = i
		for k := 1; k < len(ls); k++ {
			length[i] += dist(ls[k-1], ls[k])
		}
	}
	sort.SliceStable(order, func(a, b int) bool { return length[order[a]] > length[order[b]] })

	var kept []line
	changed := false
	for _, i := range order {
		pending := []line{{g[i], chainOf[i], i, 0, g[i].Bound()}}
		for _, k := range kept {
			if k.chain == chainOf[i] {
				continue
			}
			var next []line
			for _, p := range pending {
				var bad []int
				if p.bound.Intersects(k.bound) {
					bad = meeting(p.ls, k.ls, overlap(p.bound, k.bound))
				}
				if len(bad) == 0 {
					next = append(next, p)
					continue
				}
				changed = true
				ls := p.ls
				if n := len(ls) - 1; n > 2 && ls[0] == ls[n] {
					// A ring: open it after its first bad segment, so that what is left
					// of it runs on across its start.
					b0 := bad[0]
					ls = append(append(orb.LineString{}, ls[b0+1:n]...), ls[:b0+1]...)
					for j, s := range bad[1:] {
						bad[j] = (s - b0 - 1 + n) % n
					}
					bad = bad[:len(bad)-1]
					sort.Ints(bad)
				}
				from := 0
				for _, s := range append(bad, len(ls)-1) { // drop segment s: ls[s]–ls[s+1]
					if s > from {
						piece := ls[from : s+1]
						next = append(next, line{piece, p.chain, p.orig, p.start + from, piece.Bound()})
					}
					from = s + 1
				}
			}
			pending = next
		}
		kept = append(kept, pending...)
	}
	if !changed {
		return g
	}
	sort.SliceStable(kept, func(a, b int) bool {
		ka, kb := kept[a], kept[b]
		return ka.orig < kb.orig || ka.orig == kb.orig && ka.start < kb.start
	})
	out := make(orb.MultiLineString, len(kept))
	for i, k := range kept {
		out[i] = k.ls
	}
	return out
}

// meeting returns, sorted, the segments of a that meet a segment of b, looking only at
// segments whose boxes overlap box: a sweep along x over both lines' segments there.
func meeting(a, b orb.LineString, box orb.Bound) []int {
	type seg struct {
		minX, maxX float64
		i          int
		fromA      bool
	}
	var segs []seg
	add := func(ls orb.LineString, fromA bool) {
		for i := 0; i+1 < len(ls); i++ {
			p, q := ls[i], ls[i+1]
			sb := orb.Bound{Min: orb.Point{math.Min(p[0], q[0]), math.Min(p[1], q[1])}, Max: orb.Point{math.Max(p[0], q[0]), math.Max(p[1], q[1])}}
			if sb.Intersects(box) {
				segs = append(segs, seg{sb.Min[0], sb.Max[0], i, fromA})
			}
		}
	}
	add(a, true)
	add(b, false)
	sort.Slice(segs, func(x, y int) bool { return segs[x].minX < segs[y].minX })
	hit := map[int]bool{}
	var active []seg
	for _, s := range segs {
		keep := active[:0]
		for _, o := range active {
			if o.maxX >= s.minX {
				keep = append(keep, o)
			}
		}
		active = keep
		for _, o := range active {
			if o.fromA == s.fromA {
				continue
			}
			ia, ib := s.i, o.i
			if !s.fromA {
				ia, ib = o.i, s.i
			}
			if !hit[ia] && segmentsMeet(a[ia], a[ia+1], b[ib], b[ib+1]) {
				hit[ia] = true
			}
		}
		active = append(active, s)
	}
	out := make([]int, 0, len(hit))
	for i := range hit {
		out = append(out, i)
	}
	sort.Ints(out)
	return out
}

// segmentsMeet reports whether the closed segments ab and cd share a point.
func segmentsMeet(a, b, c, d orb.Point) bool {
	_, _, ok := intersect(a, b, c, d, 0)
	return ok
}

// overlap is the intersection of two boxes that intersect.
func overlap(a, b orb.Bound) orb.Bound {
	return orb.Bound{
		Min: orb.Point{math.Max(a.Min[0], b.Min[0]), math.Max(a.Min[1], b.Min[1])},
		Max: orb.Point{math.Min(a.Max[0], b.Max[0]), math.Min(a.Max[1], b.Max[1])},
	}
}
