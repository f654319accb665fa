package synthetic

import (
	"math"
	"math/rand/v2"
	"sort"

	"github.com/paulmach/orb"
)

// span is an interval [lo, hi) of arc length.
type span struct{ lo, hi float64 }

// worker makes shorelines one at a time, reusing its buffers.
type worker struct {
	white, field []float64
	q            []orb.Point
	qs           []float64
	ring         []orb.Point // the other buffer of q and qs, for startRing
	ringS        []float64
	walk         walker
	visible      []span // along all chains end to end
	local        []span
	chainOf      []int // chain of each line made so far
}

// shoreline makes the shoreline of one scene.
func (w *worker) shoreline(chains []*chain, total float64, opt *Options, sc scene) Shoreline {
	noise := rand.New(rand.NewPCG(sc.seed, streamNoise))
	w.layoutGaps(rand.New(rand.NewPCG(sc.seed, streamGap)), total, opt.CloudGap, opt.GapLength)
	var g orb.MultiLineString
	w.chainOf = w.chainOf[:0]
	for ci, c := range chains {
		noisy := sc.sigma > 0 && c.noiseN > 0
		if noisy {
			w.white, w.field = c.noise(noise, w.white, w.field)
		}
		w.q, w.qs = w.q[:0], w.qs[:0]
		for i, p := range c.pts {
			d := c.rate[i]*sc.years + sc.seasonal
			if noisy {
				d += sc.sigma * c.noiseAt(w.field, c.s[i])
			}
			n := c.normal[i]
			w.q = append(w.q, orb.Point{p[0] + d*n[0], p[1] + d*n[1]})
			w.qs = append(w.qs, c.s[i])
		}
		s0 := 0.0
		if c.closed {
			s0 = w.startRing(c.length)
		}
		v, vs := w.q, w.qs
		if !opt.KeepLoops {
			w.walk.run(w.q, w.qs, c.closed, c.cell)
			v, vs = w.walk.v, w.walk.s
		}
		if c.closed && inverted(c, v, vs) {
			continue // an islet eroded away
		}
		w.clip(c)
		g = w.appendPieces(g, c, v, vs, s0)
		for len(w.chainOf) < len(g) {
			w.chainOf = append(w.chainOf, ci)
		}
	}
	if !opt.KeepLoops {
		g = separate(g, w.chainOf)
	}
	return Shoreline{Date: sc.date, Uncertainty: sc.uncertainty, Geometry: g}
}

// startRing rotates the displaced ring in w.q to start at its lowest-left vertex, which is
// on the outside of any loop, and closes it; arc lengths are unwrapped past the length of
// the ring so that they keep increasing. It returns the arc length of the new start.
func (w *worker) startRing(length float64) float64 {
	k0 := 0
	for i, p := range w.q {
		if b := w.q[k0]; p[0] < b[0] || p[0] == b[0] && p[1] < b[1] {
			k0 = i
		}
	}
	n := len(w.q)
	q, s := w.ring[:0], w.ringS[:0]
	for i := range n + 1 {
		j := (k0 + i) % n
		q = append(q, w.q[j])
		if k0+i < n {
			s = append(s, w.qs[j])
		} else {
			s = append(s, w.qs[j]+length)
		}
	}
	w.q, w.qs, w.ring, w.ringS = q, s, w.q, w.qs
	return s[0]
}

// layoutGaps draws the cloud gaps of one shoreline along all chains end to end (a circle
// of the given total length): round(fraction·total/mean) gaps, at least one, with
// exponentially distributed lengths that add up to exactly fraction·total, alternating
// with visible stretches likewise drawn, from a random starting point. It leaves the
// visible stretches, sorted, in w.visible.
func (w *worker) layoutGaps(rng *rand.Rand, total, fraction, mean float64) {
	w.visible = w.visible[:0]
	if fraction == 0 {
		w.visible = append(w.visible, span{0, total})
		return
	}
	n := max(1, int(math.Round(fraction*total/mean)))
	gap, vis := make([]float64, n), make([]float64, n)
	var sg, sv float64
	for i := range n {
		gap[i], vis[i] = rng.ExpFloat64(), rng.ExpFloat64()
		sg += gap[i]
		sv += vis[i]
	}
	pos := rng.Float64() * total
	for i := range n {
		lo := pos + gap[i]*fraction*total/sg
		hi := lo + vis[i]*(1-fraction)*total/sv
		pos = hi
		lo, hi = math.Mod(lo, total), math.Mod(hi, total)
		if hi >= lo {
			w.visible = append(w.visible, span{lo, hi})
		} else {
			w.visible = append(w.visible, span{lo, total}, span{0, hi})
		}
	}
	sort.Slice(w.visible, func(a, b int) bool { return w.visible[a].lo < w.visible[b].lo })
}

// clip leaves in w.local the visible stretches of chain c, in its own arc length.
func (w *worker) clip(c *chain) {
	w.local = w.local[:0]
	for _, v := range w.visible {
		lo, hi := math.Max(v.lo, c.offset)-c.offset, math.Min(v.hi, c.offset+c.length)-c.offset
		if hi <= lo {
			continue
		}
		if n := len(w.local); n > 0 && lo-w.local[n-1].hi <= 1e-9*c.length {
			w.local[n-1].hi = hi
			continue
		}
		w.local = append(w.local, span{lo, hi})
	}
}

// appendPieces appends the visible pieces of the displaced chain (vertices v at arc
// lengths vs) to g. For a ring, vs runs from s0 to s0 + length.
func (w *worker) appendPieces(g orb.MultiLineString, c *chain, v []orb.Point, vs []float64, s0 float64) orb.MultiLineString {
	eps := 1e-9 * c.length
	if len(w.local) == 0 { // all under cloud
		return g
	}
	if !c.closed {
		for _, sp := range w.local {
			if sp.lo <= eps {
				sp.lo = vs[0]
			}
			if sp.hi >= c.length-eps {
				sp.hi = vs[len(vs)-1]
			}
			g = appendLine(g, extract(v, vs, sp.lo, sp.hi))
		}
		return g
	}
	if len(w.local) == 1 && w.local[0].lo <= eps && w.local[0].hi >= c.length-eps {
		return append(g, append(orb.LineString(nil), v...)) // no gap: the ring stays closed
	}
	// Move the stretches onto [s0, s0+length], splitting the one across s0.
	var spans []span
	for _, sp := range w.local {
		switch {
		case sp.hi <= s0:
			spans = append(spans, span{sp.lo + c.length, sp.hi + c.length})
		case sp.lo >= s0:
			spans = append(spans, sp)
		default:
			spans = append(spans, span{sp.lo + c.length, s0 + c.length}, span{s0, sp.hi})
		}
	}
	sort.Slice(spans, func(a, b int) bool { return spans[a].lo < spans[b].lo })
	merged := spans[:1] // stretches that meet across the chain's own start are one
	for _, sp := range spans[1:] {
		if last := &merged[len(merged)-1]; sp.lo-last.hi <= eps {
			last.hi = sp.hi
		} else {
			merged = append(merged, sp)
		}
	}
	spans = merged
	var lines []orb.LineString
	for _, sp := range spans {
		if l := extract(v, vs, sp.lo, sp.hi); len(l) >= 2 {
			lines = append(lines, l)
		}
	}
	// The last stretch ends where the first begins (the ring's start): join them.
	if n := len(spans); n > 1 && len(lines) == n && spans[0].lo <= s0+eps && spans[n-1].hi >= s0+c.length-eps {
		lines[0] = append(lines[n-1], lines[0][1:]...)
		lines = lines[:n-1]
	}
	for _, l := range lines {
		g = appendLine(g, l)
	}
	return g
}

func appendLine(g orb.MultiLineString, l orb.LineString) orb.MultiLineString {
	if len(l) < 2 {
		return g
	}
	return append(g, l)
}

// extract returns the part of the line through v (arc lengths vs, non-decreasing) between
// arc lengths lo and hi.
func extract(v []orb.Point, vs []float64, lo, hi float64) orb.LineString {
	if hi <= lo {
		return nil
	}
	i := sort.SearchFloat64s(vs, lo) // first vertex at or past lo
	var l orb.LineString
	add := func(p orb.Point) {
		if len(l) == 0 || l[len(l)-1] != p {
			l = append(l, p)
		}
	}
	if i == len(vs) {
		return nil
	}
	if i > 0 && vs[i] > lo {
		add(lerp(v[i-1], v[i], (lo-vs[i-1])/(vs[i]-vs[i-1])))
	}
	for ; i < len(vs) && vs[i] <= hi; i++ {
		add(v[i])
	}
	if i < len(vs) && i > 0 && vs[i] > hi {
		add(lerp(v[i-1], v[i], (hi-vs[i-1])/(vs[i]-vs[i-1])))
	}
	return l
}

// inverted reports whether the displaced ring v (arc lengths vs) has turned inside out:
// collapsed to nothing, or running mostly against the direction of the reference ring, as
// a disc does when it is moved inward past its centre (the point reflection keeps the
// signed area, so the area alone does not tell).
func inverted(c *chain, v []orb.Point, vs []float64) bool {
	a := signedArea(v)
	if len(v) < 4 || a*c.area <= 0 || math.Abs(a) < 1e-9*math.Abs(c.area) {
		return true
	}
	var with, against float64
	cur := ringCursor{c: c}
	prev := cur.at(vs[0])
	for i := 1; i < len(v); i++ {
		d := sub(v[i], v[i-1])
		p := cur.at(vs[i])
		ref := sub(p, prev)
		prev = p
		if vs[i]-vs[i-1] >= c.length/2 { // a cut loop spanning half the ring: no reference direction
			continue
		}
		if dot(d, ref) >= 0 {
			with += norm(d)
		} else {
			against += norm(d)
		}
	}
	return against > with
}

// ringCursor finds points at increasing arc lengths on a closed chain (wrapping round
// once) in constant amortised time.
type ringCursor struct {
	c *chain
	k int // vertex at or before the last arc length asked for
}

func (r *ringCursor) at(s float64) orb.Point {
	c := r.c
	if s >= c.length {
		s -= c.length
	}
	if s < c.s[r.k] {
		r.k = 0
	}
	for r.k+1 < len(c.s) && c.s[r.k+1] <= s {
		r.k++
	}
	a, sa := c.pts[r.k], c.s[r.k]
	b, sb := c.pts[0], c.length
	if r.k+1 < len(c.s) {
		b, sb = c.pts[r.k+1], c.s[r.k+1]
	}
	return lerp(a, b, (s-sa)/(sb-sa))
}
