package locate

import (
	"context"
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// search is the state of a greedy + vertex substitution search with uncapacitated
// assignment: the open set and, per point, its nearest and second-nearest open depot.
type search struct {
	p       *Problem
	radius  float64 // +Inf for the p-median
	tol     tolerance
	workers int
	fixed   []bool // per candidate
	open    []bool // per candidate
	list    []int  // open candidates, ascending
	// n1, n2 are per point the nearest and second-nearest open candidate (-1: none, ties to
	// the lower index), d1, d2 their distances (+Inf: none).
	n1, n2 []int
	d1, d2 []float64
	c1     []cost // per point, its contribution at d1
}

func newSearch(p *Problem, radius float64) *search {
	s := &search{
		p:       p,
		radius:  radius,
		tol:     newTolerance(p),
		workers: max(1, runtime.GOMAXPROCS(0)),
		fixed:   make([]bool, p.Candidates),
		open:    make([]bool, p.Candidates),
		n1:      make([]int, p.Points),
		n2:      make([]int, p.Points),
		d1:      make([]float64, p.Points),
		d2:      make([]float64, p.Points),
		c1:      make([]cost, p.Points),
	}
	for _, c := range p.Fixed {
		s.fixed[c] = true
	}
	return s
}

// setOpen opens exactly the candidates of list and recomputes every point's two nearest
// open depots: O(points × k).
func (s *search) setOpen(list []int) {
	s.list = slices.Sorted(slices.Values(list))
	clear(s.open)
	for _, c := range s.list {
		s.open[c] = true
	}
	inf := math.Inf(1)
	for i := range s.p.Points {
		n1, n2, d1, d2 := -1, -1, inf, inf
		for _, c := range s.list {
			d := s.p.dist(c, i)
			if d < d1 {
				n2, d2 = n1, d1
				n1, d1 = c, d
			} else if d < d2 {
				n2, d2 = c, d
			}
		}
		s.n1[i], s.n2[i], s.d1[i], s.d2[i] = n1, n2, d1, d2
		s.c1[i] = contrib(s.p.Weight[i], d1, s.radius)
	}
}

// insertGain is the change of the objective when candidate c opens: O(points).
func (s *search) insertGain(c int) cost {
	var gain cost
	row := s.p.Dist[c*s.p.Points : (c+1)*s.p.Points]
	for i, dc := range row {
		if w := s.p.Weight[i]; w > 0 && dc < s.d1[i] {
			gain = gain.add(contrib(w, dc, s.radius).sub(s.c1[i]))
		}
	}
	return gain
}

// swapLoss is the fast interchange for inserting candidate c: it returns the gain of
// opening c and adds to loss[r], for every open r, what closing r then costs on top
// (Resende & Werneck 2007). The change of the swap (c in, r out) is gain + loss[r].
// O(points); loss must be zero at the open candidates.
func (s *search) swapLoss(c int, loss []cost) cost {
	var gain cost
	row := s.p.Dist[c*s.p.Points : (c+1)*s.p.Points]
	for i, dc := range row {
		w := s.p.Weight[i]
		if w == 0 {
			continue
		}
		d1 := s.d1[i]
		if dc < d1 {
			// c becomes the nearest whatever closes.
			gain = gain.add(contrib(w, dc, s.radius).sub(s.c1[i]))
			continue
		}
		n1 := s.n1[i]
		if n1 < 0 {
			continue // reached by nothing, before or after
		}
		// Closing n1 sends the point to c or to its second nearest.
		if nd := min(dc, s.d2[i]); nd != d1 {
			loss[n1] = loss[n1].add(contrib(w, nd, s.radius).sub(s.c1[i]))
		}
	}
	return gain
}

// move is a swap: candidate in opens, out closes, with the change of the objective.
type move struct {
	in, out int
	delta   cost
}

// bestSwap is the best swap inserting closed candidate c (out = -1 when every open
// depot is fixed); ties go to the lower index.
func (s *search) bestSwap(c int, loss []cost) move {
	for _, r := range s.list {
		loss[r] = cost{}
	}
	gain := s.swapLoss(c, loss)
	best := move{in: c, out: -1}
	for _, r := range s.list {
		if s.fixed[r] {
			continue
		}
		d := gain.add(loss[r])
		if best.out < 0 || s.tol.compare(d, best.delta) > 0 {
			best = move{in: c, out: r, delta: d}
		}
	}
	return best
}

// parallel calls fn(worker, c) for every candidate c with at most s.workers goroutines
// pulling chunks of candidates; fn must write only to its own c's slot or its worker's
// scratch. It stops early and returns ctx.Err() on cancellation.
func (s *search) parallel(ctx context.Context, n int, fn func(worker, c int)) error {
	const chunk = 8
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range min(s.workers, (n+chunk-1)/chunk) {
		wg.Go(func() {
			for ctx.Err() == nil {
				lo := int(next.Add(chunk)) - chunk
				if lo >= n {
					return
				}
				for c := lo; c < min(lo+chunk, n); c++ {
					fn(w, c)
				}
			}
		})
	}
	wg.Wait()
	return ctx.Err()
}

// greedy opens the fixed candidates and first (unless -1), then adds the candidate that
// improves the objective most until k are open (ties to the lower index):
// k × O(candidates × points).
func (s *search) greedy(ctx context.Context, k, first int) error {
	s.setOpen(s.p.Fixed)
	if first >= 0 {
		s.setOpen(append(s.list, first))
	}
	gains := make([]cost, s.p.Candidates)
	for len(s.list) < k {
		err := s.parallel(ctx, s.p.Candidates, func(_, c int) {
			if !s.open[c] {
				gains[c] = s.insertGain(c)
			}
		})
		if err != nil {
			return err
		}
		best := -1
		for c := range s.p.Candidates {
			if !s.open[c] && (best < 0 || s.tol.compare(gains[c], gains[best]) > 0) {
				best = c
			}
		}
		s.setOpen(append(s.list, best))
	}
	return nil
}

// substitute is vertex substitution: each sweep evaluates every swap of a closed
// candidate for an open non-fixed depot (O(candidates × points) with the fast
// interchange) and applies the best improving one, until none improves. Taking the best
// swap of a sweep rather than the first keeps the result independent of the evaluation
// order, hence of the number of goroutines.
func (s *search) substitute(ctx context.Context) (sweeps, swaps int, err error) {
	moves := make([]move, s.p.Candidates)
	loss := make([][]cost, s.workers)
	for w := range loss {
		loss[w] = make([]cost, s.p.Candidates)
	}
	for {
		sweeps++
		err := s.parallel(ctx, s.p.Candidates, func(w, c int) {
			if s.open[c] {
				moves[c] = move{in: c, out: -1}
				return
			}
			moves[c] = s.bestSwap(c, loss[w])
		})
		if err != nil {
			return sweeps, swaps, err
		}
		best := -1
		for c, m := range moves {
			if m.out >= 0 && s.tol.improves(m.delta) && (best < 0 || s.tol.compare(m.delta, moves[best].delta) > 0) {
				best = c
			}
		}
		if best < 0 {
			return sweeps, swaps, nil
		}
		m := moves[best]
		next := slices.DeleteFunc(slices.Clone(s.list), func(c int) bool { return c == m.out })
		s.setOpen(append(next, m.in))
		swaps++
	}
}

// value is the objective of the open set with uncapacitated assignment: O(points).
func (s *search) value() cost {
	var v cost
	for _, c := range s.c1 {
		v = v.add(c)
	}
	return v
}

// firsts are the candidates the starts of a multi-start search open first: the n that
// improve the objective most on their own (with the fixed ones), best first.
func (s *search) firsts(ctx context.Context, n int) ([]int, error) {
	s.setOpen(s.p.Fixed)
	gains := make([]cost, s.p.Candidates)
	if err := s.parallel(ctx, s.p.Candidates, func(_, c int) {
		if !s.open[c] {
			gains[c] = s.insertGain(c)
		}
	}); err != nil {
		return nil, err
	}
	var closed []int
	for c := range s.p.Candidates {
		if !s.open[c] {
			closed = append(closed, c)
		}
	}
	slices.SortStableFunc(closed, func(a, b int) int { return s.tol.compare(gains[b], gains[a]) })
	return closed[:min(n, len(closed))], nil
}

// nearest assigns every point to its nearest open depot: the uncapacitated assignment.
func (s *search) nearest() ([]int, []Status) {
	assign := make([]int, s.p.Points)
	status := make([]Status, s.p.Points)
	for i, c := range s.n1 {
		assign[i] = c
		if c < 0 {
			status[i] = Unreachable
		}
	}
	return assign, status
}
