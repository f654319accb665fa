package network_test

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"

	"github.com/tasi-gis/tasi/vector/network"
)

func build(t *testing.T, opt network.Options, lines ...orb.LineString) *network.Graph {
	t.Helper()
	g, err := network.Build(lines, opt)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return g
}

func distances(t *testing.T, g *network.Graph, from, to []orb.Point, opt network.JoinOptions) *network.Matrix {
	t.Helper()
	m, err := g.Distances(context.Background(), from, to, opt)
	if err != nil {
		t.Fatalf("Distances: %v", err)
	}
	if m.Rows != len(from) || m.Cols != len(to) || len(m.D) != len(from)*len(to) {
		t.Fatalf("matrix %d×%d with %d values, want %d×%d", m.Rows, m.Cols, len(m.D), len(from), len(to))
	}
	return m
}

func near(got, want float64) bool {
	if math.IsInf(want, 1) {
		return math.IsInf(got, 1)
	}
	return math.Abs(got-want) <= 1e-6*math.Max(1, math.Abs(want))
}

// river is two roads on either bank of a river 100 m wide, 10 km long, joined by one
// bridge halfway along.
func river() []orb.LineString {
	return []orb.LineString{
		{{0, 0}, {2500, 0}, {10000, 0}},
		{{0, 100}, {7000, 100}, {10000, 100}},
		{{5000, 0}, {5000, 100}}, // the bridge's ends touch the middle of each bank's road
	}
}

func TestStats(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		lines []orb.LineString
		opt   network.Options
		want  network.Stats
	}{
		{
			name:  "river with one bridge: the bridge splits both banks",
			lines: river(),
			want:  network.Stats{Nodes: 6, Edges: 5, Components: 1, Length: 20100, ComponentLength: []float64{20100}},
		},
		{
			name:  "X: two roads noded where they cross",
			lines: []orb.LineString{{{0, 0}, {100, 100}}, {{0, 100}, {100, 0}}},
			want:  network.Stats{Nodes: 5, Edges: 4, Components: 1, Length: 200 * math.Sqrt2, ComponentLength: []float64{200 * math.Sqrt2}},
		},
		{
			name: "star: three roads through one point make one node",
			lines: []orb.LineString{
				{{-100, 0}, {100, 0}}, {{0, -100}, {0, 100}}, {{-100, -100}, {100, 100}},
			},
			want: network.Stats{Nodes: 7, Edges: 6, Components: 1, Length: 400 + 200*math.Sqrt2, ComponentLength: []float64{400 + 200*math.Sqrt2}},
		},
		{
			name:  "T, end 3 m short: snapped by a 3 m connector",
			lines: []orb.LineString{{{0, 0}, {1000, 0}}, {{500, 3}, {500, 500}}},
			want:  network.Stats{Nodes: 5, Edges: 4, Components: 1, Length: 1500, ComponentLength: []float64{1500}, Snapped: 1},
		},
		{
			name:  "T, end 8 m short: beyond 5 m, two components",
			lines: []orb.LineString{{{0, 0}, {1000, 0}}, {{500, 8}, {500, 500}}},
			opt:   network.Options{SnapTolerance: 5},
			want:  network.Stats{Nodes: 4, Edges: 2, Components: 2, Length: 1492, ComponentLength: []float64{1000, 492}},
		},
		{
			name:  "T, end 8 m short with a 10 m tolerance",
			lines: []orb.LineString{{{0, 0}, {1000, 0}}, {{500, 8}, {500, 500}}},
			opt:   network.Options{SnapTolerance: 10},
			want:  network.Stats{Nodes: 5, Edges: 4, Components: 1, Length: 1500, ComponentLength: []float64{1500}, Snapped: 1},
		},
		{
			name:  "T, end exactly on the other road's middle",
			lines: []orb.LineString{{{0, 0}, {1000, 0}}, {{500, 0}, {500, 500}}},
			want:  network.Stats{Nodes: 4, Edges: 3, Components: 1, Length: 1500, ComponentLength: []float64{1500}},
		},
		{
			name: "a vertex of one road on another's segment",
			lines: []orb.LineString{
				{{0, 0}, {1000, 0}},
				{{400, -300}, {500, 0}, {600, 300}},
			},
			want: network.Stats{Nodes: 5, Edges: 4, Components: 1, Length: 1000 + 2*math.Hypot(100, 300), ComponentLength: []float64{1000 + 2*math.Hypot(100, 300)}},
		},
		{
			name: "two roads sharing a stretch",
			lines: []orb.LineString{
				{{0, 0}, {100, 0}, {200, 0}},
				{{100, 0}, {200, 0}, {200, 100}},
			},
			// The shared stretch is an edge of each road: two parallel edges.
			want: network.Stats{Nodes: 4, Edges: 4, Components: 1, Length: 400, ComponentLength: []float64{400}},
		},
		{
			name:  "a road crossing itself",
			lines: []orb.LineString{{{0, 0}, {100, 100}, {100, 0}, {0, 100}}},
			want:  network.Stats{Nodes: 3, Edges: 3, Components: 1, Length: 200*math.Sqrt2 + 100, ComponentLength: []float64{200*math.Sqrt2 + 100}},
		},
		{
			// Only ends snap: a bend passing 3 m from another road (a bridge over it) does not.
			name:  "a road's middle 3 m from another does not join it",
			lines: []orb.LineString{{{0, 0}, {1000, 0}}, {{-100, 300}, {500, 3}, {1100, 300}}},
			want:  network.Stats{Nodes: 4, Edges: 2, Components: 2, Length: 1000 + 2*math.Hypot(600, 297), ComponentLength: []float64{2 * math.Hypot(600, 297), 1000}},
		},
		{
			name:  "degenerate lines skipped, duplicate vertices ignored",
			lines: []orb.LineString{{{0, 0}, {0, 0}, {10, 0}, {10, 0}}, {{5, 5}}, {{7, 7}, {7, 7}}},
			want:  network.Stats{Nodes: 2, Edges: 1, Components: 1, Length: 10, ComponentLength: []float64{10}, Skipped: 2},
		},
		{
			name: "empty",
			want: network.Stats{ComponentLength: []float64{}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := build(t, tt.opt, tt.lines...).Stats()
			if got.Nodes != tt.want.Nodes || got.Edges != tt.want.Edges || got.Components != tt.want.Components ||
				got.Snapped != tt.want.Snapped || got.Skipped != tt.want.Skipped || !near(got.Length, tt.want.Length) ||
				len(got.ComponentLength) != len(tt.want.ComponentLength) {
				t.Fatalf("stats %+v, want %+v", got, tt.want)
			}
			for i := range got.ComponentLength {
				if !near(got.ComponentLength[i], tt.want.ComponentLength[i]) {
					t.Errorf("component %d: %.6f m, want %.6f m", i, got.ComponentLength[i], tt.want.ComponentLength[i])
				}
			}
		})
	}
}

func TestDistances(t *testing.T) {
	t.Parallel()
	inf := math.Inf(1)
	tests := []struct {
		name     string
		lines    []orb.LineString
		opt      network.Options
		join     network.JoinOptions
		from, to []orb.Point
		want     [][]float64
	}{
		{
			// 120 m apart across the river, but 4 km to the bridge, over it and back.
			name:  "river: across by the bridge",
			lines: river(),
			from:  []orb.Point{{1000, -10}},
			to:    []orb.Point{{1000, 110}, {5000, 50}, {9000, -5}},
			want: [][]float64{{
				1.3*(10+10) + 4000 + 100 + 4000,
				1.3*(10+0) + 4000 + 50, // the second point stands on the bridge
				1.3*(10+5) + 8000,
			}},
		},
		{
			name:  "river: detour factor",
			lines: river(),
			join:  network.JoinOptions{Detour: 1},
			from:  []orb.Point{{1000, -10}},
			to:    []orb.Point{{1000, 110}},
			want:  [][]float64{{20 + 8100}},
		},
		{
			name:  "X: from one end to the next, through the crossing",
			lines: []orb.LineString{{{0, 0}, {100, 100}}, {{0, 100}, {100, 0}}},
			from:  []orb.Point{{0, 0}},
			to:    []orb.Point{{100, 0}, {100, 100}, {50, 50}},
			want:  [][]float64{{100 * math.Sqrt2, 100 * math.Sqrt2, 50 * math.Sqrt2}},
		},
		{
			name:  "T, 3 m short: over the connector",
			lines: []orb.LineString{{{0, 0}, {1000, 0}}, {{500, 3}, {500, 500}}},
			from:  []orb.Point{{0, 0}},
			to:    []orb.Point{{500, 500}},
			want:  [][]float64{{500 + 3 + 497}},
		},
		{
			name:  "T, 8 m short: no route",
			lines: []orb.LineString{{{0, 0}, {1000, 0}}, {{500, 8}, {500, 500}}},
			opt:   network.Options{SnapTolerance: 5},
			from:  []orb.Point{{0, 0}},
			to:    []orb.Point{{500, 500}},
			want:  [][]float64{{inf}},
		},
		{
			// Via either node it would be 1,000 m; along the edge it is 400 m.
			name:  "two points on the same edge go straight along it",
			lines: []orb.LineString{{{0, 0}, {1000, 0}}},
			from:  []orb.Point{{300, 10}},
			to:    []orb.Point{{700, -20}},
			want:  [][]float64{{1.3*(10+20) + 400}},
		},
		{
			// A ring road is one loop edge; 20 m around its closing vertex, not 380 m.
			name:  "two points on a loop go the short way round",
			lines: []orb.LineString{{{0, 0}, {100, 0}, {100, 100}, {0, 100}, {0, 0}}},
			from:  []orb.Point{{10, -1}},
			to:    []orb.Point{{-1, 10}, {50, 101}},
			want:  [][]float64{{1.3*2 + 20, 1.3*2 + 10 + 150}},
		},
		{
			name:  "a point beyond MaxLeg has no route",
			lines: []orb.LineString{{{0, 0}, {1000, 0}}},
			from:  []orb.Point{{0, 0}, {500, 25000}},
			to:    []orb.Point{{500, 25000}, {1000, 0}},
			want:  [][]float64{{inf, 1000}, {inf, inf}},
		},
		{
			name:  "MaxLeg +Inf joins every point",
			lines: []orb.LineString{{{0, 0}, {1000, 0}}},
			join:  network.JoinOptions{MaxLeg: math.Inf(1)},
			from:  []orb.Point{{0, 0}},
			to:    []orb.Point{{500, 25000}},
			want:  [][]float64{{500 + 1.3*25000}},
		},
		{
			name:  "separate components: no route either way",
			lines: []orb.LineString{{{0, 0}, {1000, 0}}, {{0, 5000}, {1000, 5000}}},
			from:  []orb.Point{{0, 0}, {0, 5000}},
			to:    []orb.Point{{0, 0}, {0, 5000}},
			want:  [][]float64{{0, inf}, {inf, 0}},
		},
		{
			// Two villages 500 m apart and 5 km from the road share a track, not the road.
			name:  "close neighbours far from the road go straight",
			lines: []orb.LineString{{{0, 0}, {10000, 0}}},
			from:  []orb.Point{{1000, 5000}},
			to:    []orb.Point{{1500, 5000}, {1000, 5000}},
			want:  [][]float64{{1.3 * 500, 0}},
		},
		{
			name:  "no roads",
			from:  []orb.Point{{0, 0}},
			to:    []orb.Point{{0, 0}},
			want:  [][]float64{{inf}},
			lines: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g := build(t, tt.opt, tt.lines...)
			m := distances(t, g, tt.from, tt.to, tt.join)
			for i := range tt.want {
				for j, want := range tt.want[i] {
					if got := m.At(i, j); !near(got, want) {
						t.Errorf("from %v to %v: %.6f m, want %.6f m", tt.from[i], tt.to[j], got, want)
					}
				}
			}
		})
	}
}

func TestAttach(t *testing.T) {
	t.Parallel()
	g := build(t, network.Options{}, river()...)
	got, err := g.Attach([]orb.Point{{1000, -10}, {6000, 130}, {3000, 40}, {4000, -30000}}, network.JoinOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []network.Attachment{
		{Point: orb.Point{1000, -10}, Road: orb.Point{1000, 0}, Leg: 10, Joined: true},
		{Point: orb.Point{6000, 130}, Road: orb.Point{6000, 100}, Leg: 30, Joined: true},
		{Point: orb.Point{3000, 40}, Road: orb.Point{3000, 0}, Leg: 40, Joined: true},
		{Point: orb.Point{4000, -30000}, Road: orb.Point{4000, 0}, Leg: 30000, Component: -1},
	}
	for i, w := range want {
		a := got[i]
		if a.Point != w.Point || a.Road != w.Road || !near(a.Leg, w.Leg) || a.Joined != w.Joined || a.Component != w.Component {
			t.Errorf("point %d: %+v, want %+v", i, a, w)
		}
	}
}

func TestSymmetric(t *testing.T) {
	t.Parallel()
	lines := append(river(), orb.LineString{{2000, 100}, {2000, 900}, {8000, 900}}, orb.LineString{{0, 3000}, {5000, 3000}})
	g := build(t, network.Options{}, lines...)
	rng := rand.New(rand.NewPCG(1, 2))
	pts := make([]orb.Point, 60)
	for i := range pts {
		pts[i] = orb.Point{rng.Float64()*11000 - 500, rng.Float64()*4000 - 500}
	}
	m := distances(t, g, pts, pts, network.JoinOptions{MaxLeg: 800})
	inf := 0
	for i := range pts {
		if d := m.At(i, i); d != 0 && !math.IsInf(d, 1) {
			t.Errorf("point %d to itself: %v m", i, d)
		}
		for j := range pts {
			a, b := m.At(i, j), m.At(j, i)
			if math.IsInf(a, 1) {
				inf++
			}
			if !near(a, b) {
				t.Errorf("%d→%d %.9f m, %d→%d %.9f m", i, j, a, j, i, b)
			}
			// By the triangle inequality, no distance is shorter than the straight line.
			if s := math.Hypot(pts[i][0]-pts[j][0], pts[i][1]-pts[j][1]); a < s-1e-6 {
				t.Errorf("%d→%d: %.3f m, shorter than the straight line %.3f m", i, j, a, s)
			}
		}
	}
	if inf == 0 || inf == len(pts)*len(pts) {
		t.Errorf("%d of %d pairs without a route: the test should have both kinds", inf, len(pts)*len(pts))
	}
}

func TestStraight(t *testing.T) {
	t.Parallel()
	m := network.Straight([]orb.Point{{0, 0}, {3, 0}}, []orb.Point{{3, 4}, {0, 0}, {6, 8}})
	want := []float64{5, 0, 10, 4, 3, math.Hypot(3, 8)}
	if m.Rows != 2 || m.Cols != 3 {
		t.Fatalf("%d×%d, want 2×3", m.Rows, m.Cols)
	}
	for k, w := range want {
		if !near(m.D[k], w) {
			t.Errorf("D[%d] = %v, want %v", k, m.D[k], w)
		}
	}
}

func TestErrors(t *testing.T) {
	t.Parallel()
	if _, err := network.Build([]orb.LineString{{{0, 0}, {1, 1}}}, network.Options{SnapTolerance: -1}); err == nil {
		t.Error("Build with a negative tolerance: no error")
	}
	if _, err := network.Build([]orb.LineString{{{0, 0}, {math.NaN(), 1}}}, network.Options{}); err == nil {
		t.Error("Build with a NaN coordinate: no error")
	}
	g := build(t, network.Options{}, river()...)
	ctx := context.Background()
	p := []orb.Point{{0, 0}}
	for _, opt := range []network.JoinOptions{{Detour: 0.5}, {Detour: math.NaN()}, {MaxLeg: -1}} {
		if _, err := g.Distances(ctx, p, p, opt); err == nil {
			t.Errorf("Distances with %+v: no error", opt)
		}
	}
	if _, err := g.Distances(ctx, []orb.Point{{math.Inf(1), 0}}, p, network.JoinOptions{}); err == nil {
		t.Error("Distances from an infinite point: no error")
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := g.Distances(cancelled, p, p, network.JoinOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Distances with a cancelled context: %v, want context.Canceled", err)
	}
}
