package locate

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestWorkersDeterministic: the search opens the same depots whatever the number of
// goroutines evaluating the swaps.
func TestWorkersDeterministic(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	p := Problem{Candidates: 60, Points: 300, Dist: make([]float64, 60*300), Weight: make([]float64, 300)}
	for i := range p.Weight {
		p.Weight[i] = float64(r.IntN(5)) // many equal weights and ties
	}
	for i := range p.Dist {
		p.Dist[i] = float64(r.IntN(50)) * 1000
		if r.IntN(10) == 0 {
			p.Dist[i] = math.Inf(1)
		}
	}
	var want string
	for _, workers := range []int{1, 2, 3, 7} {
		s := newSearch(&p, math.Inf(1))
		s.workers = workers
		if err := s.greedy(context.Background(), 6, -1); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.substitute(context.Background()); err != nil {
			t.Fatal(err)
		}
		got := fmt.Sprint(s.list, s.value())
		if want == "" {
			want = got
		} else if got != want {
			t.Errorf("%d workers: %s, 1 worker: %s", workers, got, want)
		}
	}
}

// TestSwapLoss checks the fast interchange against recomputing every swap from scratch.
func TestSwapLoss(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	p := Problem{Candidates: 12, Points: 40, Dist: make([]float64, 12*40), Weight: make([]float64, 40)}
	for i := range p.Weight {
		p.Weight[i] = float64(r.IntN(10))
	}
	for i := range p.Dist {
		p.Dist[i] = r.Float64() * 10_000
		if r.IntN(4) == 0 {
			p.Dist[i] = math.Inf(1)
		}
	}
	for _, radius := range []float64{math.Inf(1), 4000} {
		s := newSearch(&p, radius)
		open := []int{1, 4, 7, 9}
		s.setOpen(open)
		base := s.value()
		loss := make([]cost, p.Candidates)
		for c := range p.Candidates {
			if s.open[c] {
				continue
			}
			for _, r := range s.list {
				loss[r] = cost{}
			}
			gain := s.swapLoss(c, loss)
			for _, out := range open {
				want := scratch(&p, open, out, c, radius).sub(base)
				got := gain.add(loss[out])
				if s.tol.compare(got, want) != 0 {
					t.Errorf("radius %g: swap %d for %d: %+v, from scratch %+v", radius, c, out, got, want)
				}
			}
		}
	}
}

// scratch is the objective of open with out replaced by in, point by point.
func scratch(p *Problem, open []int, out, in int, radius float64) cost {
	var v cost
	for i := range p.Points {
		d := math.Inf(1)
		for _, c := range append(open, in) {
			if c != out {
				d = min(d, p.dist(c, i))
			}
		}
		v = v.add(contrib(p.Weight[i], d, radius))
	}
	return v
}
