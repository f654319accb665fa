package locate_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/tasi-gis/tasi/plan/locate"
)

// instance is a random problem: points and candidates uniform in a side × side square
// (m), Euclidean distances, a share of pairs cut (+Inf), whole households 0..20.
func instance(seed uint64, cands, points int, side, cut float64, fixed int) locate.Problem {
	r := rand.New(rand.NewPCG(seed, 7))
	type xy struct{ x, y float64 }
	cs := make([]xy, cands)
	for i := range cs {
		cs[i] = xy{r.Float64() * side, r.Float64() * side}
	}
	p := locate.Problem{Candidates: cands, Points: points, Dist: make([]float64, cands*points), Weight: make([]float64, points)}
	ps := make([]xy, points)
	for i := range ps {
		ps[i] = xy{r.Float64() * side, r.Float64() * side}
		p.Weight[i] = float64(r.IntN(21))
	}
	for c := range cands {
		for i := range points {
			d := math.Hypot(cs[c].x-ps[i].x, cs[c].y-ps[i].y)
			if r.Float64() < cut {
				d = math.Inf(1)
			}
			p.Dist[c*points+i] = d
		}
	}
	p.Fixed = append(p.Fixed, r.Perm(cands)[:fixed]...)
	return p
}

// objective is the lexicographic objective of an open set with each point at its nearest
// open candidate: covered weight, reached weight, weighted distance.
type objective struct{ cover, reach, dist float64 }

func nearestObjective(p locate.Problem, open []int, radius float64) objective {
	var o objective
	for i := range p.Points {
		best := math.Inf(1)
		for _, c := range open {
			best = min(best, p.Dist[c*p.Points+i])
		}
		if math.IsInf(best, 1) {
			continue
		}
		w := p.Weight[i]
		o.reach += w
		o.dist += w * best
		if best <= radius {
			o.cover += w
		}
	}
	return o
}

// better says whether a beats b lexicographically (beyond a 1e-9 relative tolerance).
func better(a, b objective) bool {
	const eps = 1e-9
	if math.Abs(a.cover-b.cover) > eps*math.Max(1, b.cover) {
		return a.cover > b.cover
	}
	if math.Abs(a.reach-b.reach) > eps*math.Max(1, b.reach) {
		return a.reach > b.reach
	}
	return a.dist < b.dist-eps*math.Max(1, b.dist)
}

// bruteForce is the optimum over every set of k candidates holding the fixed ones.
func bruteForce(p locate.Problem, k int, radius float64, eval func(open []int) objective) (objective, []int) {
	fixed := make(map[int]bool)
	for _, c := range p.Fixed {
		fixed[c] = true
	}
	var best objective
	var bestOpen []int
	found := false
	var rec func(start int, open []int)
	rec = func(start int, open []int) {
		if len(open) == k {
			for c := range fixed {
				if !contains(open, c) {
					return
				}
			}
			if o := eval(open); !found || better(o, best) {
				best, bestOpen, found = o, append([]int(nil), open...), true
			}
			return
		}
		for c := start; c < p.Candidates; c++ {
			rec(c+1, append(open, c))
		}
	}
	rec(0, nil)
	return best, bestOpen
}

func contains(s []int, x int) bool {
	for _, y := range s {
		if y == x {
			return true
		}
	}
	return false
}

func solutionObjective(s locate.Solution) objective {
	return objective{s.Covered, s.Reached, s.TotalDistance}
}

// TestSmallOptimum checks the p-median and maximal covering against brute force over all
// subsets on 40 random instances of 12 points × 8 candidates, k = 1..4, with cut pairs
// and fixed depots: the heuristic must find the optimum.
func TestSmallOptimum(t *testing.T) {
	ctx := context.Background()
	for seed := range uint64(40) {
		k := 1 + int(seed%4)
		cut := []float64{0, 0.3, 0.6}[seed%3]
		fixed := int(seed/4) % 3
		fixed = min(fixed, k)
		p := instance(seed, 8, 12, 10_000, cut, fixed)
		for _, radius := range []float64{math.Inf(1), 3_000} {
			name := fmt.Sprintf("seed=%d/k=%d/cut=%.1f/fixed=%d/radius=%g", seed, k, cut, fixed, radius)
			t.Run(name, func(t *testing.T) {
				var s locate.Solution
				var err error
				if math.IsInf(radius, 1) {
					s, err = locate.Median(ctx, p, k)
				} else {
					s, err = locate.Cover(ctx, p, k, radius)
				}
				if err != nil {
					t.Fatal(err)
				}
				want, wantOpen := bruteForce(p, k, radius, func(open []int) objective { return nearestObjective(p, open, radius) })
				got := solutionObjective(s)
				if better(want, got) || better(got, want) {
					t.Errorf("open %v: %+v, brute force %v: %+v", s.Open, got, wantOpen, want)
				}
				checkSolution(t, p, s, radius)
			})
		}
	}
}

// checkSolution checks that a solution's figures add up: k open depots holding the fixed
// ones, each point at its nearest open depot, totals matching the assignment.
func checkSolution(t *testing.T, p locate.Problem, s locate.Solution, radius float64) {
	t.Helper()
	for _, c := range p.Fixed {
		if !contains(s.Open, c) {
			t.Errorf("fixed %d not open in %v", c, s.Open)
		}
	}
	o := nearestObjective(p, s.Open, radius)
	if math.Abs(o.reach-s.Reached) > 1e-9 || math.Abs(o.cover-s.Covered) > 1e-9 || math.Abs(o.dist-s.TotalDistance) > 1e-6*math.Max(1, o.dist) {
		t.Errorf("solution %+v, recomputed %+v", solutionObjective(s), o)
	}
	if got := s.Reached + s.Unreachable + s.OverCapacity; math.Abs(got-s.Weight) > 1e-9 {
		t.Errorf("reached + unassigned = %v, weight %v", got, s.Weight)
	}
}

// TestMedianGap compares the p-median and maximal covering (20 km) on 200 points × 30
// candidates, k = 3, with brute force over all C(30,3) = 4,060 subsets: within 1 % on
// straight-line distances. With a fifth of the pairs cut (+Inf), a harsher landscape than
// any road network, the bound is 5 %.
func TestMedianGap(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct{ cut, bound float64 }{{0, 0.01}, {0.2, 0.05}} {
		worst := 0.0
		for seed := range uint64(12) {
			p := instance(100+seed, 30, 200, 100_000, tc.cut, 0)
			for _, radius := range []float64{math.Inf(1), 20_000} {
				var s locate.Solution
				var err error
				if math.IsInf(radius, 1) {
					s, err = locate.Median(ctx, p, 3)
				} else {
					s, err = locate.Cover(ctx, p, 3, radius)
				}
				if err != nil {
					t.Fatal(err)
				}
				want, _ := bruteForce(p, 3, radius, func(open []int) objective { return nearestObjective(p, open, radius) })
				got := solutionObjective(s)
				// The gap is on the first term of the objective that differs.
				var gap float64
				switch {
				case got.cover != want.cover:
					gap = (want.cover - got.cover) / want.cover
				case got.reach != want.reach:
					gap = (want.reach - got.reach) / want.reach
				default:
					gap = (got.dist - want.dist) / want.dist
				}
				worst = max(worst, gap)
				if gap > tc.bound {
					t.Errorf("cut %v seed %d radius %g: %+v, brute force %+v: gap %.3g", tc.cut, seed, radius, got, want, gap)
				}
			}
		}
		t.Logf("cut %v: worst gap against brute force %.3g %%", tc.cut, 100*worst)
	}
}

// TestCapacitatedRandom checks capacitated plans on random instances: no depot over its
// capacity, every unassigned point either unreachable or with no room in reach, and the
// objective against brute force over all subsets with the same assignment (Evaluate).
func TestCapacitatedRandom(t *testing.T) {
	ctx := context.Background()
	worst := 0.0
	for seed := range uint64(20) {
		k := 2 + int(seed%3)
		p := instance(300+seed, 8, 16, 10_000, []float64{0, 0.3}[seed%2], int(seed%2))
		var total float64
		for _, w := range p.Weight {
			total += w
		}
		p.Capacity = make([]float64, p.Candidates)
		for c := range p.Capacity {
			p.Capacity[c] = float64(int(total) * (20 + int(seed*7+uint64(c)*13)%30) / 100)
		}
		s, err := locate.Median(ctx, p, k)
		if err != nil {
			t.Fatal(err)
		}
		for j, c := range s.Open {
			if s.Load[j] > p.Capacity[c] {
				t.Errorf("seed %d: depot %d serves %v over its capacity %v", seed, c, s.Load[j], p.Capacity[c])
			}
		}
		load := make(map[int]float64)
		for i, c := range s.Assign {
			if c >= 0 {
				load[c] += p.Weight[i]
			}
		}
		for i, c := range s.Assign {
			if c >= 0 {
				continue
			}
			for _, o := range s.Open {
				d := p.Dist[o*p.Points+i]
				if s.Status[i] == locate.Unreachable && !math.IsInf(d, 1) {
					t.Errorf("seed %d: point %d unreachable but %d is %v m away", seed, i, o, d)
				}
				if s.Status[i] == locate.OverCapacity && !math.IsInf(d, 1) && load[o]+p.Weight[i] <= p.Capacity[o] {
					t.Errorf("seed %d: point %d over capacity but depot %d has room", seed, i, o)
				}
			}
		}
		eval := func(open []int) objective {
			e, err := locate.Evaluate(p, open, math.Inf(1))
			if err != nil {
				t.Fatal(err)
			}
			return solutionObjective(e)
		}
		want, wantOpen := bruteForce(p, k, math.Inf(1), eval)
		got := solutionObjective(s)
		gap := 0.0
		switch {
		case got.reach != want.reach:
			gap = (want.reach - got.reach) / want.reach
		default:
			gap = (got.dist - want.dist) / want.dist
		}
		worst = max(worst, gap)
		if gap > 0.05 {
			t.Errorf("seed %d k %d: open %v %+v, brute force %v %+v", seed, k, s.Open, got, wantOpen, want)
		}
	}
	t.Logf("capacitated: worst gap against brute force over Evaluate %.3g %%", 100*worst)
}

// TestUnreachable: a point that only one candidate can reach forces it open when k
// allows, even when it is far and another set would be nearer for the rest.
func TestUnreachable(t *testing.T) {
	inf := math.Inf(1)
	// Candidates 0 and 1 sit by the 3 heavy points; candidate 2 is far from everything but
	// is the only route to point 3 (1 household).
	p := locate.Problem{
		Candidates: 3, Points: 4,
		Dist: []float64{
			100, 100, 100, inf,
			110, 110, 110, inf,
			9000, 9000, 9000, 5000,
		},
		Weight: []float64{50, 50, 50, 1},
	}
	tests := []struct {
		k           int
		open        []int
		unreachable float64
		total       float64
	}{
		{1, []int{2}, 0, 150*9000 + 5000},
		{2, []int{0, 2}, 0, 150*100 + 5000},
		{3, []int{0, 1, 2}, 0, 150*100 + 5000},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint("k=", tt.k), func(t *testing.T) {
			s, err := locate.Median(context.Background(), p, tt.k)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(s.Open) != fmt.Sprint(tt.open) || s.Unreachable != tt.unreachable || s.TotalDistance != tt.total {
				t.Errorf("open %v unreachable %v total %v, want %v %v %v", s.Open, s.Unreachable, s.TotalDistance, tt.open, tt.unreachable, tt.total)
			}
		})
	}
	// Evaluating depot 0 alone leaves point 3 unreachable and out of the distance.
	s, err := locate.Evaluate(p, []int{0}, inf)
	if err != nil {
		t.Fatal(err)
	}
	if s.Unreachable != 1 || s.Status[3] != locate.Unreachable || s.Assign[3] != -1 || s.MeanDistance != 100 || s.WorstDistance != 100 {
		t.Errorf("evaluate {0}: %+v", s)
	}
}

// TestEvaluate checks coverage, mean and worst distance on a hand-built case.
func TestEvaluate(t *testing.T) {
	// Two depots on a line at 0 and 10 km; points at 1, 4, 6, 12 and 30 km.
	xs := []float64{1000, 4000, 6000, 12_000, 30_000}
	ds := []float64{0, 10_000}
	p := locate.Problem{Candidates: 2, Points: len(xs), Weight: []float64{1, 2, 3, 4, 5}}
	for _, d := range ds {
		for _, x := range xs {
			p.Dist = append(p.Dist, math.Abs(x-d))
		}
	}
	s, err := locate.Evaluate(p, []int{1, 0}, 5000)
	if err != nil {
		t.Fatal(err)
	}
	wantAssign := []int{0, 0, 1, 1, 1}
	wantStatus := []locate.Status{locate.Covered, locate.Covered, locate.Covered, locate.Covered, locate.Beyond}
	total := 1*1000.0 + 2*4000 + 3*4000 + 4*2000 + 5*20000
	if fmt.Sprint(s.Assign) != fmt.Sprint(wantAssign) || fmt.Sprint(s.Status) != fmt.Sprint(wantStatus) ||
		fmt.Sprint(s.Open) != "[0 1]" || fmt.Sprint(s.Load) != "[3 12]" ||
		s.Covered != 10 || s.Reached != 15 || s.Weight != 15 ||
		s.TotalDistance != total || s.MeanDistance != total/15 || s.Value != total/15 || s.WorstDistance != 20_000 {
		t.Errorf("got %+v", s)
	}
}

// TestCapacitated checks hand-built capacitated cases with a known answer.
func TestCapacitated(t *testing.T) {
	inf := math.Inf(1)
	tests := []struct {
		name         string
		p            locate.Problem
		k            int
		radius       float64
		open         []int
		assign       []int
		overCapacity float64
		total        float64
	}{
		{
			// Candidate 0 is nearer to all but holds 10 kits; 60 households need one depot:
			// only candidate 1 serves them all.
			name: "capacity forces the farther depot",
			p: locate.Problem{
				Candidates: 2, Points: 3,
				Dist:     []float64{100, 100, 100, 900, 900, 900},
				Weight:   []float64{20, 20, 20},
				Capacity: []float64{10, 100},
			},
			k: 1, radius: inf, open: []int{1}, assign: []int{1, 1, 1}, total: 60 * 900,
		},
		{
			// Two depots open, the near one holds 30: the point that loses least by going
			// far (regret) goes far.
			name: "regret sends the point that loses least",
			p: locate.Problem{
				Candidates: 2, Points: 2,
				Dist:     []float64{100, 100, 200, 5000},
				Weight:   []float64{20, 20},
				Capacity: []float64{30, inf},
			},
			k: 2, radius: inf, open: []int{0, 1}, assign: []int{1, 0}, total: 20*200 + 20*100,
		},
		{
			// One depot of 25 kits, points of 10, 20 and 20 households: at most 20 fit, and
			// the nearer 20 is the one served.
			name: "over capacity reported",
			p: locate.Problem{
				Candidates: 1, Points: 3,
				Dist:     []float64{100, 200, 300},
				Weight:   []float64{10, 20, 20},
				Capacity: []float64{25},
			},
			k: 1, radius: inf, open: []int{0}, assign: []int{-1, 0, -1}, overCapacity: 30, total: 20 * 200,
		},
		{
			// Covering: a depot of 20 kits within 1 km of two points of 15 and one of 5;
			// a second depot 2 km from everyone. Cover puts 15 + 5 within the radius and
			// sends the other 15 to the far depot.
			name: "cover with capacity",
			p: locate.Problem{
				Candidates: 2, Points: 3,
				Dist:     []float64{500, 600, 700, 2000, 2000, 2000},
				Weight:   []float64{15, 15, 5},
				Capacity: []float64{20, inf},
			},
			k: 2, radius: 1000, open: []int{0, 1}, assign: []int{0, 1, 0}, total: 15*500 + 15*2000 + 5*700,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s locate.Solution
			var err error
			if math.IsInf(tt.radius, 1) {
				s, err = locate.Median(context.Background(), tt.p, tt.k)
			} else {
				s, err = locate.Cover(context.Background(), tt.p, tt.k, tt.radius)
			}
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(s.Open) != fmt.Sprint(tt.open) || fmt.Sprint(s.Assign) != fmt.Sprint(tt.assign) ||
				s.OverCapacity != tt.overCapacity || s.TotalDistance != tt.total {
				t.Errorf("open %v assign %v over capacity %v total %v, want %v %v %v %v",
					s.Open, s.Assign, s.OverCapacity, s.TotalDistance, tt.open, tt.assign, tt.overCapacity, tt.total)
			}
			for j, c := range s.Open {
				if s.Load[j] > tt.p.Capacity[c] {
					t.Errorf("depot %d serves %v, capacity %v", c, s.Load[j], tt.p.Capacity[c])
				}
			}
			for i, c := range s.Assign {
				if c < 0 && s.Status[i] != locate.OverCapacity {
					t.Errorf("point %d unassigned with status %v", i, s.Status[i])
				}
			}
		})
	}
}

// TestErrors checks that bad input is refused with the sentinel callers branch on.
func TestErrors(t *testing.T) {
	ok := func() locate.Problem {
		return locate.Problem{Candidates: 2, Points: 2, Dist: []float64{1, 2, 3, 4}, Weight: []float64{1, 1}}
	}
	with := func(f func(p *locate.Problem)) locate.Problem {
		p := ok()
		f(&p)
		return p
	}
	tests := []struct {
		name   string
		p      locate.Problem
		k      int
		radius float64
		want   error
	}{
		{"k zero", ok(), 0, 1, locate.ErrDepots},
		{"k above candidates", ok(), 3, 1, locate.ErrDepots},
		{"k below fixed", with(func(p *locate.Problem) { p.Fixed = []int{0, 1} }), 1, 1, locate.ErrDepots},
		{"short dist", with(func(p *locate.Problem) { p.Dist = p.Dist[:3] }), 1, 1, locate.ErrProblem},
		{"short weight", with(func(p *locate.Problem) { p.Weight = p.Weight[:1] }), 1, 1, locate.ErrProblem},
		{"short capacity", with(func(p *locate.Problem) { p.Capacity = []float64{1} }), 1, 1, locate.ErrProblem},
		{"NaN distance", with(func(p *locate.Problem) { p.Dist[2] = math.NaN() }), 1, 1, locate.ErrProblem},
		{"negative distance", with(func(p *locate.Problem) { p.Dist[2] = -1 }), 1, 1, locate.ErrProblem},
		{"negative weight", with(func(p *locate.Problem) { p.Weight[1] = -1 }), 1, 1, locate.ErrProblem},
		{"NaN weight", with(func(p *locate.Problem) { p.Weight[1] = math.NaN() }), 1, 1, locate.ErrProblem},
		{"negative capacity", with(func(p *locate.Problem) { p.Capacity = []float64{1, -1} }), 1, 1, locate.ErrProblem},
		{"fixed out of range", with(func(p *locate.Problem) { p.Fixed = []int{2} }), 1, 1, locate.ErrProblem},
		{"fixed twice", with(func(p *locate.Problem) { p.Fixed = []int{1, 1} }), 2, 1, locate.ErrProblem},
		{"no candidates", locate.Problem{}, 1, 1, locate.ErrProblem},
		{"zero radius", ok(), 1, 0, locate.ErrRadius},
		{"NaN radius", ok(), 1, math.NaN(), locate.ErrRadius},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := locate.Cover(context.Background(), tt.p, tt.k, tt.radius)
			if !errors.Is(err, tt.want) {
				t.Errorf("cover: %v, want %v", err, tt.want)
			}
			if tt.want != locate.ErrRadius {
				if _, err := locate.Median(context.Background(), tt.p, tt.k); !errors.Is(err, tt.want) {
					t.Errorf("median: %v, want %v", err, tt.want)
				}
			}
		})
	}
	evalTests := []struct {
		name string
		p    locate.Problem
		open []int
	}{
		{"none open", ok(), nil},
		{"out of range", ok(), []int{2}},
		{"twice", ok(), []int{0, 0}},
		{"fixed left out", with(func(p *locate.Problem) { p.Fixed = []int{1} }), []int{0}},
	}
	for _, tt := range evalTests {
		if _, err := locate.Evaluate(tt.p, tt.open, math.Inf(1)); !errors.Is(err, locate.ErrDepots) {
			t.Errorf("evaluate %s: %v, want ErrDepots", tt.name, err)
		}
	}
}

// TestCancel: a cancelled context stops the search with its error.
func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	p := instance(1, 30, 200, 100_000, 0, 0)
	if _, err := locate.Median(ctx, p, 3); !errors.Is(err, context.Canceled) {
		t.Errorf("median: %v", err)
	}
	p.Capacity = make([]float64, p.Candidates)
	for i := range p.Capacity {
		p.Capacity[i] = 500
	}
	if _, err := locate.Median(ctx, p, 3); !errors.Is(err, context.Canceled) {
		t.Errorf("capacitated median: %v", err)
	}
}
