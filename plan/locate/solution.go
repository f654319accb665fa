package locate

import (
	"math"
	"slices"
)

// Status says how a demand point is served by a solution.
type Status uint8

// Statuses of a demand point.
const (
	// Covered: assigned to a depot within the radius (every assigned point without one).
	Covered Status = iota
	// Beyond: assigned to a depot (the nearest one in reach, or with room) but farther
	// than the radius; counted in Reached, not in Covered.
	Beyond
	// Unreachable: no open depot can be joined to the point.
	Unreachable
	// OverCapacity: open depots can reach the point but none of them has room for it.
	OverCapacity
)

// String is the status as plan writes an assignment's reason ("" would be served).
func (s Status) String() string {
	switch s {
	case Covered:
		return "covered"
	case Beyond:
		return "beyond max distance"
	case Unreachable:
		return "unreachable"
	case OverCapacity:
		return "over capacity"
	}
	return "unknown"
}

// Solution is a set of open depots and the assignment of every demand point to them.
type Solution struct {
	// Open are the open candidates, ascending.
	Open []int
	// Assign is, per point, the candidate serving it, -1 when none (Status says why).
	Assign []int
	// Status is, per point, how it is served.
	Status []Status
	// Load is, per entry of Open, the weight it serves.
	Load []float64
	// Value is the objective: the weighted mean distance (m) over the weight reached for
	// Median and Evaluate, the weight covered for Cover.
	Value float64
	// Weight is the total weight; Reached the weight assigned to a depot; Covered the weight
	// assigned within the radius (Reached without one); Unreachable and OverCapacity the
	// weight left unassigned and why.
	Weight, Reached, Covered, Unreachable, OverCapacity float64
	// TotalDistance is the weighted sum of distances (m × weight) over the points assigned;
	// MeanDistance is TotalDistance / Reached, WorstDistance the farthest assigned point of
	// positive weight; both NaN when no weight is reached.
	TotalDistance, MeanDistance, WorstDistance float64
	// Sweeps counts the substitution sweeps, Swaps the swaps they applied (0 for Evaluate).
	Sweeps, Swaps int
}

// solution fills a Solution from an assignment: assign[i] is a candidate or -1, status
// the reason for the unassigned ones.
func solution(p *Problem, open []int, assign []int, status []Status, radius float64) Solution {
	s := Solution{
		Open:          slices.Sorted(slices.Values(open)),
		Assign:        assign,
		Status:        status,
		TotalDistance: 0,
		WorstDistance: math.NaN(),
	}
	s.Load = make([]float64, len(s.Open))
	slot := make(map[int]int, len(s.Open))
	for j, c := range s.Open {
		slot[c] = j
	}
	for i, c := range assign {
		w := p.Weight[i]
		s.Weight += w
		if c < 0 {
			if status[i] == OverCapacity {
				s.OverCapacity += w
			} else {
				s.Unreachable += w
			}
			continue
		}
		d := p.dist(c, i)
		if d <= radius {
			status[i] = Covered
			s.Covered += w
		} else {
			status[i] = Beyond
		}
		s.Reached += w
		s.TotalDistance += w * d
		s.Load[slot[c]] += w
		if w > 0 && (math.IsNaN(s.WorstDistance) || d > s.WorstDistance) {
			s.WorstDistance = d
		}
	}
	s.MeanDistance = math.NaN()
	if s.Reached > 0 {
		s.MeanDistance = s.TotalDistance / s.Reached
	}
	s.Value = s.MeanDistance
	return s
}
