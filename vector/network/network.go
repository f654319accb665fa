package network

import (
	"fmt"
	"math"
	"sort"

	"github.com/paulmach/orb"
)

// DefaultSnapTolerance is the SnapTolerance of the zero Options, in metres. Road layers
// digitised from imagery or GPS tracks commonly leave a road ending a few metres short of
// the road it meets; 5 m closes such gaps while staying under the width of two
// carriageways side by side. Layers with wider gaps need a larger tolerance: the bundled
// Estrada roads have ends up to 30 m short and are noded with data.RoadsSnapTolerance.
const DefaultSnapTolerance = 5.0

// touch is how close, in metres, two lines must come to count as touching: coincident
// vertices project to the same point, but a vertex placed on another line's segment lands
// on it only to within rounding.
const touch = 1e-3

// Options set how Build nodes lines. The zero Options is ready to use.
type Options struct {
	// SnapTolerance is how far, in metres, a line's end may stop short of another line and
	// still join it; 0 means DefaultSnapTolerance. Only the two ends of each line snap: two
	// lines whose middles pass close without touching (a bridge over a road, two roads side
	// by side) stay apart.
	SnapTolerance float64
}

// Edge is a stretch of road between two nodes, with no junction inside it.
type Edge struct {
	From, To int            // node indexes; From == To for a loop
	Line     orb.LineString // from node From to node To
	Length   float64        // along Line, metres
}

// Stats describes a built Graph.
type Stats struct {
	Nodes      int     // junctions and road ends
	Edges      int     // stretches between nodes, connectors included
	Components int     // sets of nodes joined by roads; 0 for an empty graph
	Length     float64 // of all edges, metres
	// ComponentLength is each component's length of road in metres, by component index:
	// largest first.
	ComponentLength []float64
	Snapped         int // line ends joined to another line within SnapTolerance
	Skipped         int // input lines with fewer than two distinct vertices
}

// Graph is a noded road network: nodes, edges weighted by their length, and an index of
// the edges for attaching points. A Graph is immutable and safe for concurrent use.
type Graph struct {
	nodes []orb.Point
	edges []Edge
	comp  []int // of each node
	stats Stats

	// Adjacency in compressed rows: node n's arcs are adjTo/adjW[adjStart[n]:adjStart[n+1]].
	adjStart []int32
	adjTo    []int32
	adjW     []float64

	// Every segment of every edge, for the nearest road point.
	segEdge  []int32   // edge of segment
	segIndex []int32   // index of the segment's first vertex in the edge's Line
	segAlong []float64 // distance along the edge to the segment's first vertex
	segs     *grid
}

// Stats returns the counts and lengths of g.
func (g *Graph) Stats() Stats {
	s := g.stats
	s.ComponentLength = append([]float64(nil), s.ComponentLength...)
	return s
}

// Edges returns the edges of g, for drawing or checking the noded network. The caller must
// not change them.
func (g *Graph) Edges() []Edge { return g.edges }

// Node returns the position of node n.
func (g *Graph) Node(n int) orb.Point { return g.nodes[n] }

// Component returns the component of node n.
func (g *Graph) Component(n int) int { return g.comp[n] }

// Build nodes lines into a Graph. Lines are split where they cross or touch each other (or
// themselves), and a line's end that stops within opt.SnapTolerance of another line joins
// it by a straight connecting edge to the nearest point of that line, which becomes a node.
// Consecutive duplicate vertices are ignored; lines with fewer than two distinct vertices
// are skipped and counted in Stats.Skipped. It fails on a non-finite coordinate or an
// invalid option.
func Build(lines []orb.LineString, opt Options) (*Graph, error) {
	tol := opt.SnapTolerance
	switch {
	case math.IsNaN(tol) || tol < 0 || math.IsInf(tol, 0):
		return nil, fmt.Errorf("build road network: snap tolerance %v m, want a finite number ≥ 0", tol)
	case tol == 0:
		tol = DefaultSnapTolerance
	}
	clean := make([]orb.LineString, 0, len(lines))
	skipped := 0
	for i, l := range lines {
		c := make(orb.LineString, 0, len(l))
		for k, p := range l {
			if math.IsNaN(p[0]) || math.IsNaN(p[1]) || math.IsInf(p[0], 0) || math.IsInf(p[1], 0) {
				return nil, fmt.Errorf("build road network: line %d vertex %d: coordinate %v is not finite", i, k, p)
			}
			if len(c) == 0 || c[len(c)-1] != p {
				c = append(c, p)
			}
		}
		if len(c) < 2 {
			skipped++
			continue
		}
		clean = append(clean, c)
	}
	n := newNoder(clean, tol)
	n.intersect()
	snapped := n.snapEnds()
	g := n.graph()
	g.stats.Snapped, g.stats.Skipped = snapped, skipped
	g.finish()
	return g, nil
}

// finish labels components, fills the adjacency and indexes the edges' segments.
func (g *Graph) finish() {
	nn := len(g.nodes)
	// Components by union–find over the edges, then numbered by length, largest first.
	parent := make([]int32, nn)
	for i := range parent {
		parent[i] = int32(i)
	}
	for _, e := range g.edges {
		union(parent, int32(e.From), int32(e.To))
	}
	rootLen := map[int32]float64{} // every root, with its component's length
	for i := range nn {
		if r := find(parent, int32(i)); !hasKey(rootLen, r) {
			rootLen[r] = 0 // a component may be all nodes and no length
		}
	}
	for _, e := range g.edges {
		rootLen[find(parent, int32(e.From))] += e.Length
	}
	roots := make([]int32, 0, len(rootLen))
	for r := range rootLen {
		roots = append(roots, r)
	}
	sort.Slice(roots, func(a, b int) bool {
		if rootLen[roots[a]] != rootLen[roots[b]] {
			return rootLen[roots[a]] > rootLen[roots[b]]
		}
		return roots[a] < roots[b]
	})
	id := make(map[int32]int, len(roots))
	g.stats.ComponentLength = make([]float64, len(roots))
	for i, r := range roots {
		id[r] = i
		g.stats.ComponentLength[i] = rootLen[r]
	}
	g.comp = make([]int, nn)
	for i := range nn {
		g.comp[i] = id[find(parent, int32(i))]
	}

	// Adjacency: each edge is an arc both ways.
	g.adjStart = make([]int32, nn+1)
	for _, e := range g.edges {
		g.adjStart[e.From+1]++
		g.adjStart[e.To+1]++
	}
	for i := 1; i <= nn; i++ {
		g.adjStart[i] += g.adjStart[i-1]
	}
	g.adjTo = make([]int32, g.adjStart[nn])
	g.adjW = make([]float64, g.adjStart[nn])
	fill := append([]int32(nil), g.adjStart[:nn]...)
	arc := func(a, b int, w float64) {
		g.adjTo[fill[a]], g.adjW[fill[a]] = int32(b), w
		fill[a]++
	}
	total := 0.0
	for _, e := range g.edges {
		arc(e.From, e.To, e.Length)
		arc(e.To, e.From, e.Length)
		total += e.Length
	}

	// Segments of the edges, for attaching points.
	var bounds []orb.Bound
	for ei, e := range g.edges {
		along := 0.0
		for k := 0; k+1 < len(e.Line); k++ {
			a, b := e.Line[k], e.Line[k+1]
			g.segEdge = append(g.segEdge, int32(ei))
			g.segIndex = append(g.segIndex, int32(k))
			g.segAlong = append(g.segAlong, along)
			bounds = append(bounds, orb.Bound{Min: a, Max: a}.Extend(b))
			along += dist(a, b)
		}
	}
	g.segs = newGrid(bounds, cellSize(bounds, 0))

	g.stats.Nodes = nn
	g.stats.Edges = len(g.edges)
	g.stats.Components = len(roots)
	g.stats.Length = total
}

// cellSize picks a grid cell for segments with these bounds: about eight mean segments
// long, so that a query looks at a few dozen segments, and at least pad.
func cellSize(bounds []orb.Bound, pad float64) float64 {
	if len(bounds) == 0 {
		return 1
	}
	sum := 0.0
	for _, b := range bounds {
		sum += math.Max(b.Max[0]-b.Min[0], b.Max[1]-b.Min[1])
	}
	return math.Max(8*sum/float64(len(bounds)), math.Max(pad, 1e-3))
}

func hasKey[K comparable, V any](m map[K]V, k K) bool {
	_, ok := m[k]
	return ok
}

func find(parent []int32, i int32) int32 {
	for parent[i] != i {
		parent[i] = parent[parent[i]]
		i = parent[i]
	}
	return i
}

func union(parent []int32, a, b int32) {
	ra, rb := find(parent, a), find(parent, b)
	if ra == rb {
		return
	}
	if ra < rb {
		parent[rb] = ra
	} else {
		parent[ra] = rb
	}
}

func dist(a, b orb.Point) float64 { return math.Hypot(b[0]-a[0], b[1]-a[1]) }
