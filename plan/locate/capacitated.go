package locate

import (
	"cmp"
	"context"
	"fmt"
	"slices"
)

// shortlist is how many moves (additions in the greedy, swaps in the substitution) the
// capacitated search evaluates exactly per step, the best by the uncapacitated estimate.
const shortlist = 16

// scored is a move with the exact objective of the open set it leads to.
type scored struct {
	move
	value cost
	ok    bool
}

// capacitated runs the greedy and the substitution with capacitated assignment. Every
// step ranks all moves by the uncapacitated fast interchange (O(candidates × points)),
// which is cheap but blind to capacities, then assigns the best shortlist of them exactly
// (each O(points × k × log points) plus the improvement passes, O(points²) at worst) and
// applies the best by the exact objective. The estimate is only a filter: it stops when
// none of the shortlisted swaps improves the exact objective, so the result is a local
// optimum of that filtered neighbourhood, not of every swap.
func (s *search) capacitated(ctx context.Context, k int) (cur cost, sweeps, swaps int, err error) {
	s.setOpen(s.p.Fixed)
	if len(s.list) > 0 {
		if _, _, cur, err = assignCapacitated(ctx, s.p, s.list, s.radius, s.tol); err != nil {
			return cur, 0, 0, err
		}
	}
	gains := make([]cost, s.p.Candidates)
	for len(s.list) < k {
		err := s.parallel(ctx, s.p.Candidates, func(_, c int) {
			if !s.open[c] {
				gains[c] = s.insertGain(c)
			}
		})
		if err != nil {
			return cur, 0, 0, err
		}
		var moves []move
		for c := range s.p.Candidates {
			if !s.open[c] {
				moves = append(moves, move{in: c, out: -1, delta: gains[c]})
			}
		}
		best, err := s.exact(ctx, s.rank(moves))
		if err != nil {
			return cur, 0, 0, err
		}
		cur = best.value
		s.setOpen(append(s.list, best.in))
	}
	loss := make([][]cost, s.workers)
	for w := range loss {
		loss[w] = make([]cost, s.p.Candidates)
	}
	perC := make([][]move, s.p.Candidates)
	for {
		sweeps++
		err := s.parallel(ctx, s.p.Candidates, func(w, c int) {
			perC[c] = perC[c][:0]
			if s.open[c] {
				return
			}
			for _, r := range s.list {
				loss[w][r] = cost{}
			}
			gain := s.swapLoss(c, loss[w])
			for _, r := range s.list {
				if !s.fixed[r] {
					perC[c] = append(perC[c], move{in: c, out: r, delta: gain.add(loss[w][r])})
				}
			}
		})
		if err != nil {
			return cur, sweeps, swaps, err
		}
		best, err := s.exact(ctx, s.rank(slices.Concat(perC...)))
		if err != nil {
			return cur, sweeps, swaps, err
		}
		if !best.ok || s.tol.compare(best.value, cur) <= 0 {
			return cur, sweeps, swaps, nil
		}
		cur = best.value
		next := slices.DeleteFunc(slices.Clone(s.list), func(c int) bool { return c == best.out })
		s.setOpen(append(next, best.in))
		swaps++
	}
}

// rank sorts moves by their estimated change, best first (ties to the lower candidate
// in, then out), and keeps the shortlist.
func (s *search) rank(moves []move) []move {
	slices.SortStableFunc(moves, func(a, b move) int {
		if c := s.tol.compare(b.delta, a.delta); c != 0 {
			return c
		}
		return cmp.Or(cmp.Compare(a.in, b.in), cmp.Compare(a.out, b.out))
	})
	return moves[:min(len(moves), shortlist)]
}

// exact assigns the open set of each move with capacities, in parallel, and returns the
// best (ties to the earlier move).
func (s *search) exact(ctx context.Context, moves []move) (scored, error) {
	out := make([]scored, len(moves))
	errs := make([]error, len(moves))
	err := s.parallel(ctx, len(moves), func(_, j int) {
		m := moves[j]
		open := slices.DeleteFunc(slices.Clone(s.list), func(c int) bool { return c == m.out })
		_, _, v, err := assignCapacitated(ctx, s.p, append(open, m.in), s.radius, s.tol)
		out[j], errs[j] = scored{move: m, value: v, ok: err == nil}, err
	})
	if err == nil {
		err = firstError(errs)
	}
	if err != nil {
		return scored{}, fmt.Errorf("capacitated search: %w", err)
	}
	var best scored
	for _, sc := range out {
		if !best.ok || s.tol.compare(sc.value, best.value) > 0 {
			best = sc
		}
	}
	return best, nil
}

// firstError returns the first non-nil error.
func firstError(errs []error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
