package transect

import (
	"fmt"
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// meet returns where segments p0p1 and q0q1 meet, as intervals of distance from p0 along
// the first and from q0 along the second (equal ends for a single point; an interval for
// collinear overlap). Touching counts as meeting.
func meet(p0, p1, q0, q1 orb.Point) (ok bool, a0, a1, b0, b1 float64) {
	r, s, qp := sub(p1, p0), sub(q1, q0), sub(q0, p0)
	lr, ls := norm(r), norm(s)
	if lr == 0 || ls == 0 {
		return false, 0, 0, 0, 0
	}
	const eps = 1e-12
	den := cross(r, s)
	if math.Abs(den) > eps*lr*ls {
		t := cross(qp, s) / den
		u := cross(qp, r) / den
		if t < -eps || t > 1+eps || u < -eps || u > 1+eps {
			return false, 0, 0, 0, 0
		}
		t, u = math.Min(math.Max(t, 0), 1), math.Min(math.Max(u, 0), 1)
		return true, t * lr, t * lr, u * ls, u * ls
	}
	// Parallel: they meet only if collinear and overlapping.
	if math.Abs(cross(qp, r)) > eps*lr*math.Max(norm(qp), 1) {
		return false, 0, 0, 0, 0
	}
	t0 := dot(qp, r) / (lr * lr)
	t1 := dot(sub(q1, p0), r) / (lr * lr)
	lo, hi := math.Max(0, math.Min(t0, t1)), math.Min(1, math.Max(t0, t1))
	if lo > hi+eps {
		return false, 0, 0, 0, 0
	}
	// Map the overlap back onto the second segment.
	u0 := dot(sub(lerp(p0, p1, lo), q0), s) / (ls * ls)
	u1 := dot(sub(lerp(p0, p1, hi), q0), s) / (ls * ls)
	return true, lo * lr, hi * lr, math.Min(u0, u1) * ls, math.Max(u0, u1) * ls
}

// crossPair is a pair of drafts that cross, with the distance of the crossing from the
// farther of their baseline points.
type crossPair struct {
	a, b int32
	far  float64
}

// cutOption is how a draft could be cut back to clear a crossing.
type cutOption struct {
	seaSide bool    // cut the seaward reach (else the landward one)
	reach   float64 // new reach on that side
	ok      bool    // allowed: leaves enough of the transect
}

// option returns how d could be cut to clear a meeting at [lo, hi] metres from its origin.
func (d *draft) option(lo, hi, margin float64, opt CastOptions) cutOption {
	lo, hi = lo-d.land, hi-d.land // signed from the baseline point
	switch {
	case lo > 0:
		r := lo - margin
		keep := math.Min(keepFraction*opt.Seaward, d.sea0/2)
		return cutOption{seaSide: true, reach: r, ok: r > 0 && r >= keep}
	case hi < 0:
		r := -hi - margin
		keep := math.Min(keepFraction*opt.Landward, d.land0/2)
		return cutOption{reach: r, ok: r >= 0 && r >= keep}
	}
	return cutOption{} // the crossing is at its baseline point
}

func (d *draft) apply(c cutOption) {
	if c.seaSide {
		d.sea = c.reach
	} else {
		d.land = c.reach
	}
}

// farFromBase is the distance from d's baseline point to the nearest point of [lo, hi]
// (metres from its origin).
func (d *draft) farFromBase(lo, hi float64) float64 {
	lo, hi = lo-d.land, hi-d.land
	switch {
	case lo > 0:
		return lo
	case hi < 0:
		return -hi
	}
	return 0
}

// resolveCrossings cuts or drops drafts until no two meet (see Cast) and returns how many
// of the drafts it kept were cut. It fails with ErrTooDense once more than
// opt.MaxCrossings pairs meet, before holding them.
func resolveCrossings(ds []draft, margin float64, opt CastOptions) (cut int, err error) {
	os, es := make([]orb.Point, len(ds)), make([]orb.Point, len(ds))
	for i := range ds {
		os[i], es[i] = ds[i].origin(), ds[i].end()
	}
	g := newGrid(os, es, 0, nil)
	stamp := make([]int32, len(ds))
	var pairs []crossPair
	degree := make([]int32, len(ds))
	for i := range ds {
		if opt.MaxCrossings > 0 && len(pairs) > opt.MaxCrossings {
			return 0, fmt.Errorf("%w: more than %d pairs of the %d transects at %g m spacing cross on the bends of the coast (%.0f%% drafted)",
				ErrTooDense, opt.MaxCrossings, len(ds), opt.Spacing, 100*float64(i)/float64(len(ds)))
		}
		g.cover(os[i], es[i], 0, func(k uint64) {
			for _, j := range g.cell(k) {
				if int(j) <= i || stamp[j] == int32(i+1) {
					continue
				}
				stamp[j] = int32(i + 1)
				ok, lo, hi, blo, bhi := meet(os[i], es[i], os[j], es[j])
				if !ok {
					continue
				}
				far := math.Max(ds[i].farFromBase(lo, hi), ds[j].farFromBase(blo, bhi))
				pairs = append(pairs, crossPair{int32(i), j, far})
				degree[i]++
				degree[j]++
			}
		})
	}
	slices.SortFunc(pairs, func(p, q crossPair) int {
		switch {
		case p.far > q.far:
			return -1
		case p.far < q.far:
			return 1
		case p.a != q.a:
			return int(p.a - q.a)
		}
		return int(p.b - q.b)
	})
	wasCut := make([]bool, len(ds))
	for _, pr := range pairs {
		a, b := &ds[pr.a], &ds[pr.b]
		if a.dropped || b.dropped {
			continue
		}
		ok, lo, hi, blo, bhi := meet(a.origin(), a.end(), b.origin(), b.end())
		if !ok {
			continue
		}
		// The crossing belongs to the shore whose baseline point is nearer: cut the other
		// transect, or both when it is about equally far from the two.
		ca, cb := a.option(lo, hi, margin, opt), b.option(blo, bhi, margin, opt)
		fa, fb := a.farFromBase(lo, hi), b.farFromBase(blo, bhi)
		switch {
		case ca.ok && cb.ok && math.Abs(fa-fb) <= evenShare*math.Max(fa, fb):
			a.apply(ca)
			b.apply(cb)
			wasCut[pr.a], wasCut[pr.b] = true, true
		case ca.ok && (!cb.ok || fa > fb):
			a.apply(ca)
			wasCut[pr.a] = true
		case cb.ok:
			b.apply(cb)
			wasCut[pr.b] = true
		case degree[pr.a] > degree[pr.b]:
			a.dropped = true
		default:
			b.dropped = true
		}
	}
	for i, c := range wasCut {
		if c && !ds[i].dropped {
			cut++
		}
	}
	return cut, nil
}
