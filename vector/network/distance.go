package network

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sync"

	"github.com/paulmach/orb"
)

// Matrix holds distances in metres from Rows origins to Cols destinations, row-major:
// D[i*Cols+j] is from origin i to destination j, +Inf where there is no route. It is the
// shape facility location takes (candidates × demand points).
type Matrix struct {
	Rows, Cols int
	D          []float64
}

// At returns the distance from origin i to destination j.
func (m *Matrix) At(i, j int) float64 { return m.D[i*m.Cols+j] }

// Straight returns the straight-line distances from each of from to each of to, in metres.
// Multiply by a detour factor (DefaultDetour) to estimate travel where there are no roads.
func Straight(from, to []orb.Point) *Matrix {
	m := &Matrix{Rows: len(from), Cols: len(to), D: make([]float64, len(from)*len(to))}
	for i, a := range from {
		row := m.D[i*m.Cols : (i+1)*m.Cols]
		for j, b := range to {
			row[j] = dist(a, b)
		}
	}
	return m
}

// Distances returns the travel distances over g from each of from to each of to, in
// metres. Each point joins the road as Attach says, and the distance from a to b is
//
//	Detour × (a.Leg + b.Leg) + the shortest route along the roads from a.Road to b.Road,
//
// where the route may run along the edge both points join, directly between them. It is
// +Inf when either point is not joined or no road links their roads (another component).
//
// One exception keeps close neighbours from detouring to a distant road: when two joined
// points are closer to each other than the sum of their legs, which is when a track between
// them is likelier than one via the road, the distance is the smaller of the route and
// Detour × the straight line between them. Two villages on either side of a river with a
// road on each bank, each 10 m off its road, are thus 2 × 10 m from the roads and far
// apart by the roads, and the roads decide.
//
// Distances runs Dijkstra once per origin over the whole graph, on GOMAXPROCS goroutines,
// and stops with ctx's error when ctx is done. The result is symmetric for the same points
// both ways, to within rounding.
func (g *Graph) Distances(ctx context.Context, from, to []orb.Point, opt JoinOptions) (*Matrix, error) {
	opt, err := opt.resolve()
	if err != nil {
		return nil, fmt.Errorf("road distances: %w", err)
	}
	src, err := g.Attach(from, opt)
	if err != nil {
		return nil, fmt.Errorf("road distances: origins: %w", err)
	}
	dst, err := g.Attach(to, opt)
	if err != nil {
		return nil, fmt.Errorf("road distances: destinations: %w", err)
	}
	m := &Matrix{Rows: len(from), Cols: len(to), D: make([]float64, len(from)*len(to))}
	if len(from) == 0 || len(to) == 0 {
		return m, ctx.Err()
	}

	rows := make(chan int)
	var wg sync.WaitGroup
	workers := min(runtime.GOMAXPROCS(0), len(from))
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := g.newSearch()
			for i := range rows {
				g.row(s, src[i], dst, opt.Detour, m.D[i*m.Cols:(i+1)*m.Cols])
			}
		}()
	}
	var stopped error
	for i := range from {
		if err := ctx.Err(); err != nil {
			stopped = err
			break
		}
		rows <- i
	}
	close(rows)
	wg.Wait()
	if stopped != nil {
		return nil, fmt.Errorf("road distances: %w", stopped)
	}
	return m, nil
}

// row fills out with the distances from a to each of dst.
func (g *Graph) row(s *search, a Attachment, dst []Attachment, detour float64, out []float64) {
	if !a.Joined {
		for j := range out {
			out[j] = math.Inf(1)
		}
		return
	}
	e := g.edges[a.edge]
	s.run(g, e.From, a.along, e.To, e.Length-a.along)
	for j, b := range dst {
		if !b.Joined {
			out[j] = math.Inf(1)
			continue
		}
		eb := g.edges[b.edge]
		route := math.Min(s.dist[eb.From]+b.along, s.dist[eb.To]+eb.Length-b.along)
		if b.edge == a.edge {
			route = math.Min(route, math.Abs(a.along-b.along))
		}
		d := detour*(a.Leg+b.Leg) + route
		if straight := dist(a.Point, b.Point); straight < a.Leg+b.Leg {
			d = math.Min(d, detour*straight)
		}
		out[j] = d
	}
}

// search is one goroutine's Dijkstra state, reused from row to row.
type search struct {
	dist []float64
	heap []item
}

type item struct {
	d float64
	n int32
}

func (g *Graph) newSearch() *search {
	return &search{dist: make([]float64, len(g.nodes)), heap: make([]item, 0, 64)}
}

// run sets s.dist to the shortest distance from a start that is d0 from node n0 and d1 from
// node n1 (a point on the edge between them) to every node; +Inf for nodes out of reach.
// It is Dijkstra's algorithm with a binary heap and lazy deletion: a node may be pushed
// more than once, and stale entries are skipped when popped.
func (s *search) run(g *Graph, n0 int, d0 float64, n1 int, d1 float64) {
	for i := range s.dist {
		s.dist[i] = math.Inf(1)
	}
	s.heap = s.heap[:0]
	s.dist[n0] = d0
	s.push(item{d0, int32(n0)})
	if d1 < s.dist[n1] {
		s.dist[n1] = d1
		s.push(item{d1, int32(n1)})
	}
	for len(s.heap) > 0 {
		it := s.pop()
		if it.d > s.dist[it.n] {
			continue
		}
		for k := g.adjStart[it.n]; k < g.adjStart[it.n+1]; k++ {
			v := g.adjTo[k]
			if d := it.d + g.adjW[k]; d < s.dist[v] {
				s.dist[v] = d
				s.push(item{d, v})
			}
		}
	}
}

func (s *search) push(it item) {
	h := append(s.heap, it)
	i := len(h) - 1
	for i > 0 {
		p := (i - 1) / 2
		if h[p].d <= it.d {
			break
		}
		h[i] = h[p]
		i = p
	}
	h[i] = it
	s.heap = h
}

func (s *search) pop() item {
	h := s.heap
	top := h[0]
	last := h[len(h)-1]
	h = h[:len(h)-1]
	n := len(h)
	i := 0
	for {
		c := 2*i + 1
		if c >= n {
			break
		}
		if c+1 < n && h[c+1].d < h[c].d {
			c++
		}
		if last.d <= h[c].d {
			break
		}
		h[i] = h[c]
		i = c
	}
	if n > 0 {
		h[i] = last
	}
	s.heap = h
	return top
}
