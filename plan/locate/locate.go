package locate

import (
	"context"
	"fmt"
	"math"
	"slices"
)

// Median opens k depots (the fixed ones among them) to serve the most households and,
// among the plans that serve as many, to make the household-weighted distance to the
// nearest depot least: the p-median, solved by greedy + vertex substitution. Value is the
// weighted mean distance over the weight reached.
//
// Without capacities each point goes to its nearest open depot, and the search runs from
// 8 starts (start j opens the j-th best single candidate first, then the greedy) to a full
// local optimum of the swap neighbourhood each, in O(candidates × points) per sweep, and
// keeps the best; one start alone was 5.7 % above the optimum at worst on 30 random
// instances of 200 points × 30 candidates (k = 3), 8 starts 0.15 %. With
// capacities, each candidate set is assigned as Evaluate does, and each step only assigns
// exactly the 16 moves that the uncapacitated estimate ranks best, from one start: slower
// (16 capacitated assignments per step) and a local optimum of that shortlist only.
//
// It returns ErrProblem or ErrDepots (wrapped) for bad input, and ctx.Err() (wrapped)
// when ctx ends first.
func Median(ctx context.Context, p Problem, k int) (Solution, error) {
	return solve(ctx, &p, k, math.Inf(1), "median")
}

// Cover opens k depots (the fixed ones among them) to cover the most households within
// radius metres (+Inf for no radius, which makes it Median); among plans covering as
// many, it reaches the most households, then makes the weighted distance least. Points
// beyond the radius of every open depot are still assigned to the nearest one that can
// reach them (with capacities, one with room), so every household has a depot, but they
// count as Beyond, not Covered. Value is the weight covered. The search is Median's.
//
// It returns ErrProblem, ErrDepots or ErrRadius (wrapped) for bad input, and ctx.Err()
// (wrapped) when ctx ends first.
func Cover(ctx context.Context, p Problem, k int, radius float64) (Solution, error) {
	if err := checkRadius(radius); err != nil {
		return Solution{}, fmt.Errorf("cover: %w", err)
	}
	s, err := solve(ctx, &p, k, radius, "cover")
	if err != nil {
		return Solution{}, err
	}
	s.Value = s.Covered
	return s, nil
}

// starts is the number of starts of the uncapacitated search: start j opens the j-th best
// single candidate first, then runs the greedy and the substitution. Vertex substitution
// from one greedy start stops in poor local optima now and then; 8 starts cost 8 searches
// and removed nearly all of them in the tests.
const starts = 8

func solve(ctx context.Context, p *Problem, k int, radius float64, what string) (Solution, error) {
	if err := p.validate(); err != nil {
		return Solution{}, fmt.Errorf("%s: %w", what, err)
	}
	if err := p.checkK(k); err != nil {
		return Solution{}, fmt.Errorf("%s: %w", what, err)
	}
	s := newSearch(p, radius)
	if p.capacitated() {
		_, sweeps, swaps, err := s.capacitated(ctx, k)
		if err != nil {
			return Solution{}, fmt.Errorf("%s: %w", what, err)
		}
		assign, status, _, err := assignCapacitated(ctx, p, s.list, radius, s.tol)
		if err != nil {
			return Solution{}, fmt.Errorf("%s: %w", what, err)
		}
		sol := solution(p, s.list, assign, status, radius)
		sol.Sweeps, sol.Swaps = sweeps, swaps
		return sol, nil
	}
	firsts := []int{-1}
	if k > len(p.Fixed) {
		var err error
		if firsts, err = s.firsts(ctx, starts); err != nil {
			return Solution{}, fmt.Errorf("%s: %w", what, err)
		}
	}
	var best []int
	var bestValue cost
	sweeps, swaps := 0, 0
	for _, first := range firsts {
		if err := s.greedy(ctx, k, first); err != nil {
			return Solution{}, fmt.Errorf("%s: greedy: %w", what, err)
		}
		sw, sp, err := s.substitute(ctx)
		if err != nil {
			return Solution{}, fmt.Errorf("%s: substitution: %w", what, err)
		}
		sweeps, swaps = sweeps+sw, swaps+sp
		if v := s.value(); best == nil || s.tol.compare(v, bestValue) > 0 {
			best, bestValue = slices.Clone(s.list), v
		}
	}
	s.setOpen(best)
	assign, status := s.nearest()
	sol := solution(p, s.list, assign, status, radius)
	sol.Sweeps, sol.Swaps = sweeps, swaps
	return sol, nil
}

// Evaluate assesses the depots open as they stand (they must include every fixed one):
// the assignment of every point, the weight covered within radius (+Inf for none), the
// weighted mean and worst distance. Value is the weighted mean distance.
//
// Without capacities each point goes to its nearest open depot. With capacities the
// assignment is single-sourced and heuristic: points are placed in order of decreasing
// regret (weight × the gap between their nearest and second-nearest depot with room,
// refreshed lazily), each in its nearest depot with room; then passes move single points
// to a nearer depot with room and exchange pairs of points between depots while that
// improves the objective (covered, then reached weight, then distance). Points that fit
// in no depot in reach are OverCapacity. It costs O(points × k × log points) for the
// placement and up to O(points²) per exchange pass.
//
// It returns ErrProblem, ErrDepots or ErrRadius (wrapped) for bad input.
func Evaluate(p Problem, open []int, radius float64) (Solution, error) {
	if err := p.validate(); err != nil {
		return Solution{}, fmt.Errorf("evaluate: %w", err)
	}
	if err := checkRadius(radius); err != nil {
		return Solution{}, fmt.Errorf("evaluate: %w", err)
	}
	if len(open) == 0 {
		return Solution{}, fmt.Errorf("evaluate: %w: no open depot", ErrDepots)
	}
	isOpen := make([]bool, p.Candidates)
	for _, c := range open {
		if c < 0 || c >= p.Candidates {
			return Solution{}, fmt.Errorf("evaluate: %w: open candidate %d out of range [0, %d)", ErrDepots, c, p.Candidates)
		}
		if isOpen[c] {
			return Solution{}, fmt.Errorf("evaluate: %w: open candidate %d given twice", ErrDepots, c)
		}
		isOpen[c] = true
	}
	for _, c := range p.Fixed {
		if !isOpen[c] {
			return Solution{}, fmt.Errorf("evaluate: %w: fixed candidate %d is not open", ErrDepots, c)
		}
	}
	s := newSearch(&p, radius)
	if p.capacitated() {
		assign, status, _, err := assignCapacitated(context.Background(), &p, open, radius, s.tol)
		if err != nil {
			return Solution{}, fmt.Errorf("evaluate: %w", err)
		}
		return solution(&p, open, assign, status, radius), nil
	}
	s.setOpen(open)
	assign, status := s.nearest()
	return solution(&p, open, assign, status, radius), nil
}
