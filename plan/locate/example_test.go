package locate_test

import (
	"context"
	"fmt"
	"math"

	"github.com/tasi-gis/tasi/plan/locate"
)

func ExampleMedian() {
	// Three candidate depots and four sucos on a coast road (distances in metres). Suco D
	// (2 households) can only be reached from candidate 2: with two depots, candidate 2 is
	// one of them although it is farther from the rest.
	inf := math.Inf(1)
	p := locate.Problem{
		Candidates: 3, Points: 4,
		Dist: []float64{
			1_000, 3_000, 9_000, inf,
			4_000, 1_000, 6_000, inf,
			9_000, 7_000, 2_000, 5_000,
		},
		Weight: []float64{40, 30, 20, 2},
	}
	s, err := locate.Median(context.Background(), p, 2)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("open:", s.Open, "assign:", s.Assign)
	fmt.Printf("mean %.0f m, worst %.0f m, unreachable %v households\n", s.MeanDistance, s.WorstDistance, s.Unreachable)

	// The existing depot at candidate 0 alone, with 60 kits: suco D cannot be reached and
	// one more suco does not fit.
	p.Capacity = []float64{60, inf, inf}
	e, err := locate.Evaluate(p, []int{0}, 5_000)
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, st := range e.Status {
		fmt.Printf("suco %c: depot %d, %s\n", 'A'+i, e.Assign[i], st)
	}
	// Output:
	// open: [0 2] assign: [0 0 2 2]
	// mean 1957 m, worst 5000 m, unreachable 0 households
	// suco A: depot 0, covered
	// suco B: depot -1, over capacity
	// suco C: depot 0, beyond max distance
	// suco D: depot -1, unreachable
}
