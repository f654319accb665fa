package locate

import "math"

// cost is the lexicographic objective of an assignment, or a change of it: covered weight
// (more is better), reached weight (more is better), then weighted distance (less is
// better). Without a radius covered equals reached, which makes it the p-median objective.
type cost struct {
	cover, reach, dist float64
}

func (a cost) add(b cost) cost { return cost{a.cover + b.cover, a.reach + b.reach, a.dist + b.dist} }
func (a cost) sub(b cost) cost { return cost{a.cover - b.cover, a.reach - b.reach, a.dist - b.dist} }

// contrib is what a point of weight w contributes when its depot is d metres away.
func contrib(w, d, radius float64) cost {
	if math.IsInf(d, 1) {
		return cost{}
	}
	c := cost{reach: w, dist: w * d}
	if d <= radius {
		c.cover = w
	}
	return c
}

// tolerance holds the amounts below which two costs are taken as equal: sums of the same
// terms in another order differ in their last bits, and a swap must not be taken for
// such noise (the search would cycle).
type tolerance struct {
	weight, dist float64
}

// newTolerance scales the tolerances to the problem: 1e-9 of the total weight, and of the
// total weight times the largest finite distance.
func newTolerance(p *Problem) tolerance {
	var w, d float64
	for _, x := range p.Weight {
		w += x
	}
	for _, x := range p.Dist {
		if !math.IsInf(x, 1) && x > d {
			d = x
		}
	}
	return tolerance{weight: 1e-9 * math.Max(w, 1), dist: 1e-9 * math.Max(w*d, 1)}
}

// compare orders a and b by the objective: +1 when a is better, -1 when b is, 0 when they
// are equal within the tolerance.
func (t tolerance) compare(a, b cost) int {
	if d := a.cover - b.cover; d > t.weight {
		return 1
	} else if d < -t.weight {
		return -1
	}
	if d := a.reach - b.reach; d > t.weight {
		return 1
	} else if d < -t.weight {
		return -1
	}
	if d := a.dist - b.dist; d < -t.dist {
		return 1
	} else if d > t.dist {
		return -1
	}
	return 0
}

// improves says whether a change delta makes the objective better.
func (t tolerance) improves(delta cost) bool { return t.compare(delta, cost{}) > 0 }
