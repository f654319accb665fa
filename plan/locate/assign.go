package locate

import (
	"cmp"
	"container/heap"
	"context"
	"fmt"
	"math"
	"slices"
)

// maxPasses bounds the improvement passes of a capacitated assignment; each pass that
// changes something improves the objective, so this only guards against slow creep.
const maxPasses = 50

// assigner is a single-sourcing capacitated assignment of the points to a fixed set of
// open depots ("slots", the open candidates in ascending order).
type assigner struct {
	p      *Problem
	radius float64
	tol    tolerance
	open   []int     // slot → candidate
	rem    []float64 // slot → capacity left
	slack  []float64 // slot → rounding allowance on its capacity
	// order holds, per point, its reachable slots nearest first (ties to the lower
	// slot): point i's are order[i*k : i*k+count[i]].
	order []int32
	count []int32
	at    []int32 // point → slot serving it, -1 none
}

// assignCapacitated assigns every point to one open depot with room for it, by regret
// and then local improvement (see Evaluate), and returns the assignment (candidate per
// point, -1 none), the statuses of the unassigned points and the objective.
func assignCapacitated(ctx context.Context, p *Problem, open []int, radius float64, tol tolerance) ([]int, []Status, cost, error) {
	a := newAssigner(p, open, radius, tol)
	a.regret()
	for range maxPasses {
		if err := ctx.Err(); err != nil {
			return nil, nil, cost{}, fmt.Errorf("capacitated assignment: %w", err)
		}
		moved := a.movePass()
		swapped := a.swapPass()
		if !moved && !swapped {
			break
		}
	}
	assign := make([]int, p.Points)
	status := make([]Status, p.Points)
	var total cost
	for i, s := range a.at {
		switch {
		case s >= 0:
			assign[i] = open[s]
			total = total.add(a.contrib(i, s))
		case a.count[i] == 0:
			assign[i], status[i] = -1, Unreachable
		default:
			assign[i], status[i] = -1, OverCapacity
		}
	}
	return assign, status, total, nil
}

func newAssigner(p *Problem, open []int, radius float64, tol tolerance) *assigner {
	open = slices.Sorted(slices.Values(open))
	k := len(open)
	a := &assigner{
		p: p, radius: radius, tol: tol, open: open,
		rem:   make([]float64, k),
		slack: make([]float64, k),
		order: make([]int32, p.Points*k),
		count: make([]int32, p.Points),
		at:    make([]int32, p.Points),
	}
	for s, c := range open {
		a.rem[s] = p.capacity(c)
		a.slack[s] = 1e-9 * math.Max(1, p.capacity(c))
	}
	for i := range p.Points {
		row := a.order[i*k : i*k]
		for s, c := range open {
			if !math.IsInf(p.dist(c, i), 1) {
				row = append(row, int32(s))
			}
		}
		slices.SortStableFunc(row, func(x, y int32) int { return cmp.Compare(a.d(i, x), a.d(i, y)) })
		a.count[i] = int32(len(row))
		a.at[i] = -1
	}
	return a
}

func (a *assigner) d(i int, s int32) float64 { return a.p.dist(a.open[s], i) }

// contrib is point i's part of the objective when served by slot s (-1: not served).
func (a *assigner) contrib(i int, s int32) cost {
	if s < 0 {
		return cost{}
	}
	return contrib(a.p.Weight[i], a.d(i, s), a.radius)
}

func (a *assigner) fits(s int32, w float64) bool { return w <= a.rem[s]+a.slack[s] }

func (a *assigner) reachable(i int) []int32 {
	k := len(a.open)
	return a.order[i*k : i*k+int(a.count[i])]
}

// regret assigns the points greedily, the most urgent first: a point's regret is its
// weight times the distance between its nearest and second-nearest depot with room (+Inf
// when only one has room), what it loses if it has to wait. Each point goes to its
// nearest depot with room. Regrets are kept in a heap and refreshed lazily: a popped point
// whose regret has dropped since it was pushed goes back in; one whose regret rose (its
// nearest depot filled up) waits for its turn, which makes the order approximate.
// O(points × k × log points).
func (a *assigner) regret() {
	h := &regretHeap{}
	for i := range a.p.Points {
		if a.count[i] > 0 {
			r, _ := a.urgency(i)
			*h = append(*h, regretItem{regret: r, w: a.p.Weight[i], i: int32(i)})
		}
	}
	heap.Init(h)
	for h.Len() > 0 {
		it := heap.Pop(h).(regretItem)
		i := int(it.i)
		r, s := a.urgency(i)
		if s < 0 {
			continue // no depot in reach has room: over capacity
		}
		if r < it.regret {
			it.regret = r
			heap.Push(h, it)
			continue
		}
		a.at[i] = s
		a.rem[s] -= a.p.Weight[i]
	}
}

// urgency is point i's regret and its nearest slot with room (-1: none).
func (a *assigner) urgency(i int) (float64, int32) {
	w := a.p.Weight[i]
	first := int32(-1)
	for _, s := range a.reachable(i) {
		if !a.fits(s, w) {
			continue
		}
		if first < 0 {
			first = s
			continue
		}
		return w * (a.d(i, s) - a.d(i, first)), first
	}
	return math.Inf(1), first
}

// movePass moves each point, in index order, to the nearest depot with room that serves
// it better: O(points × k).
func (a *assigner) movePass() bool {
	changed := false
	for i := range a.p.Points {
		w, cur := a.p.Weight[i], a.at[i]
		for _, s := range a.reachable(i) {
			if s == cur {
				break // the rest are no nearer
			}
			if a.fits(s, w) && a.tol.improves(a.contrib(i, s).sub(a.contrib(i, cur))) {
				if cur >= 0 {
					a.rem[cur] += w
				}
				a.rem[s] -= w
				a.at[i] = s
				changed = true
				break
			}
		}
	}
	return changed
}

// swapPass exchanges the depots of two points, i going to a depot nearer to it and j
// taking i's place (or, when i was unassigned, leaving j unassigned for a heavier i),
// when capacities allow and the objective improves: O(points²) at worst.
func (a *assigner) swapPass() bool {
	members := make([][]int32, len(a.open))
	pos := make([]int, a.p.Points)
	for i, s := range a.at {
		if s >= 0 {
			pos[i] = len(members[s])
			members[s] = append(members[s], int32(i))
		}
	}
	remove := func(j int, s int32) {
		last := members[s][len(members[s])-1]
		members[s][pos[j]] = last
		pos[last] = pos[j]
		members[s] = members[s][:len(members[s])-1]
	}
	insert := func(j int, s int32) {
		pos[j] = len(members[s])
		members[s] = append(members[s], int32(j))
	}
	changed := false
	for i := range a.p.Points {
		wi, cur := a.p.Weight[i], a.at[i]
		if wi == 0 {
			continue
		}
	search:
		for _, s := range a.reachable(i) {
			if s == cur {
				break
			}
			for _, jj := range members[s] {
				j := int(jj)
				wj := a.p.Weight[j]
				if wi > a.rem[s]+wj+a.slack[s] {
					continue
				}
				if cur >= 0 && (wj > a.rem[cur]+wi+a.slack[cur] || math.IsInf(a.d(j, cur), 1)) {
					continue
				}
				delta := a.contrib(i, s).sub(a.contrib(i, cur)).add(a.contrib(j, cur)).sub(a.contrib(j, s))
				if !a.tol.improves(delta) {
					continue
				}
				a.rem[s] += wj - wi
				remove(j, s)
				if cur >= 0 {
					a.rem[cur] += wi - wj
					remove(i, cur)
					insert(j, cur)
				}
				insert(i, s)
				a.at[i], a.at[j] = s, cur
				changed = true
				break search
			}
		}
	}
	return changed
}

// regretItem is a point waiting in the regret heap.
type regretItem struct {
	regret, w float64
	i         int32
}

// regretHeap pops the highest regret first, then the heavier point, then the lower index.
type regretHeap []regretItem

func (h regretHeap) Len() int { return len(h) }
func (h regretHeap) Less(x, y int) bool {
	a, b := h[x], h[y]
	if a.regret != b.regret {
		return a.regret > b.regret
	}
	if a.w != b.w {
		return a.w > b.w
	}
	return a.i < b.i
}
func (h regretHeap) Swap(x, y int) { h[x], h[y] = h[y], h[x] }
func (h *regretHeap) Push(x any)   { *h = append(*h, x.(regretItem)) }
func (h *regretHeap) Pop() any {
	old := *h
	it := old[len(old)-1]
	*h = old[:len(old)-1]
	return it
}
