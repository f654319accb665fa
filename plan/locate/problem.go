package locate

import (
	"errors"
	"fmt"
	"math"
)

// ErrProblem is returned, wrapped with the detail, for a Problem that does not describe a
// location problem: mismatched lengths, NaN or negative distances, negative weights or
// capacities, fixed candidates out of range. Callers map it to a bad request.
var ErrProblem = errors.New("invalid location problem")

// ErrDepots is returned, wrapped with the detail, for a number of depots or a set of open
// depots that the problem cannot take: k <= 0, k above the number of candidates or below
// the number of fixed ones, open indexes out of range or repeated, a fixed depot left out.
var ErrDepots = errors.New("invalid depots")

// ErrRadius is returned, wrapped, for a covering radius that is NaN, zero or negative.
var ErrRadius = errors.New("invalid radius")

// Problem is a facility location problem on a distance matrix: Candidates places a depot
// could be, Points demand points (communities) with their households.
type Problem struct {
	Candidates, Points int
	// Dist is row-major [candidate][point] in metres, len Candidates × Points: +Inf where
	// the pair cannot be joined; NaN and negative values are refused.
	Dist []float64
	// Weight is the households of each point (>= 0, finite), len Points.
	Weight []float64
	// Capacity is the most weight (kits, one per household) each candidate can serve, len
	// Candidates; nil, or +Inf for a candidate, means unlimited. With any finite capacity
	// assignments are capacitated and single-sourced.
	Capacity []float64
	// Fixed are candidates that must be open (existing depots).
	Fixed []int
}

// dist is the distance from candidate c to point i.
func (p *Problem) dist(c, i int) float64 { return p.Dist[c*p.Points+i] }

// capacitated says whether any candidate has a finite capacity.
func (p *Problem) capacitated() bool {
	for _, c := range p.Capacity {
		if !math.IsInf(c, 1) {
			return true
		}
	}
	return false
}

// capacity is candidate c's capacity, +Inf when unlimited.
func (p *Problem) capacity(c int) float64 {
	if p.Capacity == nil {
		return math.Inf(1)
	}
	return p.Capacity[c]
}

// validate checks the problem's shape and values; the matrix scan is O(candidates × points).
func (p *Problem) validate() error {
	if p.Candidates <= 0 {
		return fmt.Errorf("%w: %d candidates", ErrProblem, p.Candidates)
	}
	if p.Points < 0 {
		return fmt.Errorf("%w: %d points", ErrProblem, p.Points)
	}
	if len(p.Dist) != p.Candidates*p.Points {
		return fmt.Errorf("%w: dist has %d entries, want %d candidates × %d points", ErrProblem, len(p.Dist), p.Candidates, p.Points)
	}
	if len(p.Weight) != p.Points {
		return fmt.Errorf("%w: weight has %d entries, want %d points", ErrProblem, len(p.Weight), p.Points)
	}
	if p.Capacity != nil && len(p.Capacity) != p.Candidates {
		return fmt.Errorf("%w: capacity has %d entries, want %d candidates", ErrProblem, len(p.Capacity), p.Candidates)
	}
	for i, d := range p.Dist {
		if math.IsNaN(d) || d < 0 {
			return fmt.Errorf("%w: distance from candidate %d to point %d is %v", ErrProblem, i/p.Points, i%p.Points, d)
		}
	}
	for i, w := range p.Weight {
		if math.IsNaN(w) || math.IsInf(w, 0) || w < 0 {
			return fmt.Errorf("%w: weight of point %d is %v", ErrProblem, i, w)
		}
	}
	for c, v := range p.Capacity {
		if math.IsNaN(v) || v < 0 {
			return fmt.Errorf("%w: capacity of candidate %d is %v", ErrProblem, c, v)
		}
	}
	seen := make(map[int]bool, len(p.Fixed))
	for _, c := range p.Fixed {
		if c < 0 || c >= p.Candidates {
			return fmt.Errorf("%w: fixed candidate %d out of range [0, %d)", ErrProblem, c, p.Candidates)
		}
		if seen[c] {
			return fmt.Errorf("%w: fixed candidate %d given twice", ErrProblem, c)
		}
		seen[c] = true
	}
	return nil
}

// checkK checks a number of depots to open against the problem.
func (p *Problem) checkK(k int) error {
	switch {
	case k <= 0:
		return fmt.Errorf("%w: k = %d, want at least 1", ErrDepots, k)
	case k > p.Candidates:
		return fmt.Errorf("%w: k = %d but only %d candidates", ErrDepots, k, p.Candidates)
	case k < len(p.Fixed):
		return fmt.Errorf("%w: k = %d but %d fixed depots", ErrDepots, k, len(p.Fixed))
	}
	return nil
}

// checkRadius checks a covering radius: > 0, +Inf for none.
func checkRadius(r float64) error {
	if math.IsNaN(r) || r <= 0 {
		return fmt.Errorf("%w: %v m, want > 0 (+Inf for none)", ErrRadius, r)
	}
	return nil
}
