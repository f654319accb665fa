package network

import (
	"math"
	"sort"

	"github.com/paulmach/orb"
)

// noder splits lines at the places where they meet. Every such place is a junction with
// one position; each line lists, as events, where along it junctions lie. Junctions that
// fall within touch of each other along a line are the same node (union–find), which is
// how the three junctions of three lines meeting at one point become one node although
// each pair's crossing was computed separately.
type noder struct {
	lines  []orb.LineString
	tol    float64
	cum    [][]float64 // per line, distance along it to each vertex
	events [][]event   // per line

	junc   []orb.Point // position of each junction
	parent []int32     // union–find over junctions

	segLine, segK []int32 // line and first vertex of each segment
	segs          *grid

	connectors []connector
}

// event is a junction at distance s along a line, on the segment starting at vertex k.
type event struct {
	s float64
	k int32
	j int32
}

// connector is a straight edge from a line's end to the line it was snapped to.
type connector struct {
	a, b int32 // junctions
	line orb.LineString
}

func newNoder(lines []orb.LineString, tol float64) *noder {
	n := &noder{lines: lines, tol: tol, cum: make([][]float64, len(lines)), events: make([][]event, len(lines))}
	var bounds []orb.Bound
	for li, l := range lines {
		c := make([]float64, len(l))
		for k := 1; k < len(l); k++ {
			c[k] = c[k-1] + dist(l[k-1], l[k])
		}
		n.cum[li] = c
		for k := 0; k+1 < len(l); k++ {
			n.segLine = append(n.segLine, int32(li))
			n.segK = append(n.segK, int32(k))
			bounds = append(bounds, orb.Bound{Min: l[k], Max: l[k]}.Extend(l[k+1]))
		}
		// Both ends are always nodes, dangling or not.
		last := len(l) - 1
		n.add(li, 0, 0, n.newJunction(l[0]))
		n.add(li, int32(last-1), c[last], n.newJunction(l[last]))
	}
	n.segs = newGrid(bounds, cellSize(bounds, tol))
	return n
}

func (n *noder) newJunction(p orb.Point) int32 {
	n.junc = append(n.junc, p)
	n.parent = append(n.parent, int32(len(n.parent)))
	return int32(len(n.junc) - 1)
}

func (n *noder) add(line int, k int32, s float64, j int32) {
	n.events[line] = append(n.events[line], event{s: s, k: k, j: j})
}

// at returns the distance along line to the point t of the way along segment k.
func (n *noder) at(line int, k int32, t float64) float64 {
	c := n.cum[line]
	return c[k] + t*(c[k+1]-c[k])
}

// meet records a junction at p, t of the way along segment k1 of line l1 and u of the way
// along segment k2 of line l2.
func (n *noder) meet(p orb.Point, l1, k1 int32, t float64, l2, k2 int32, u float64) {
	j := n.newJunction(p)
	n.add(int(l1), k1, n.at(int(l1), k1, t), j)
	n.add(int(l2), k2, n.at(int(l2), k2, u), j)
}

// intersect finds where segments of different lines, or non-adjacent segments of one
// line, cross or touch.
func (n *noder) intersect() {
	stamp := make([]int32, len(n.segLine))
	for i := range stamp {
		stamp[i] = -1
	}
	for i := range n.segLine {
		li, ki := n.segLine[i], n.segK[i]
		a, b := n.lines[li][ki], n.lines[li][ki+1]
		x0, y0, x1, y1 := n.segs.span(orb.Bound{Min: a, Max: a}.Extend(b).Pad(touch))
		for y := y0; y <= y1; y++ {
			for x := x0; x <= x1; x++ {
				for _, j := range n.segs.cellItems(x, y) {
					if int(j) <= i || stamp[j] == int32(i) {
						continue
					}
					stamp[j] = int32(i)
					lj, kj := n.segLine[j], n.segK[j]
					if lj == li && kj-ki <= 1 {
						continue // consecutive segments of a line share a vertex, not a junction
					}
					n.pair(li, ki, lj, kj)
				}
			}
		}
	}
}

// pair records where segment k1 of line l1 and segment k2 of line l2 meet: an end of one
// on the other (a T junction, a shared vertex, both ends of an overlap), or a crossing.
func (n *noder) pair(l1, k1, l2, k2 int32) {
	a, b := n.lines[l1][k1], n.lines[l1][k1+1]
	c, d := n.lines[l2][k2], n.lines[l2][k2+1]
	if !boxesMeet(a, b, c, d, touch) {
		return
	}
	found := false
	if t, dd := project(c, a, b); dd <= touch {
		n.meet(c, l1, k1, t, l2, k2, 0)
		found = true
	}
	if t, dd := project(d, a, b); dd <= touch {
		n.meet(d, l1, k1, t, l2, k2, 1)
		found = true
	}
	if u, dd := project(a, c, d); dd <= touch {
		n.meet(a, l1, k1, 0, l2, k2, u)
		found = true
	}
	if u, dd := project(b, c, d); dd <= touch {
		n.meet(b, l1, k1, 1, l2, k2, u)
		found = true
	}
	if found {
		return
	}
	// A proper crossing: each segment's ends on opposite sides of the other.
	r, s := sub(b, a), sub(d, c)
	d1, d2 := cross(r, sub(c, a)), cross(r, sub(d, a))
	d3, d4 := cross(s, sub(a, c)), cross(s, sub(b, c))
	if (d1 > 0) == (d2 > 0) || d1 == 0 || d2 == 0 || (d3 > 0) == (d4 > 0) || d3 == 0 || d4 == 0 {
		return
	}
	t := d3 / (d3 - d4)
	u := d1 / (d1 - d2)
	p := orb.Point{a[0] + t*r[0], a[1] + t*r[1]}
	n.meet(p, l1, k1, t, l2, k2, u)
}

// snapEnds joins each line end that touches no other line to the nearest point of another
// line (or of a far part of its own) within tol, by a connector, and returns how many it
// joined.
func (n *noder) snapEnds() int {
	snapped := 0
	for li, l := range n.lines {
		last := len(l) - 1
		for _, end := range []struct {
			k int32 // the end's segment
			v int   // the end's vertex
		}{{0, 0}, {int32(last - 1), last}} {
			e := l[end.v]
			sE := n.cum[li][end.v]
			best, bestD, bestT := int32(-1), math.Inf(1), 0.0
			x0, y0, x1, y1 := n.segs.span(orb.Bound{Min: e, Max: e}.Pad(n.tol))
			for y := y0; y <= y1; y++ {
				for x := x0; x <= x1; x++ {
					for _, j := range n.segs.cellItems(x, y) {
						lj, kj := n.segLine[j], n.segK[j]
						t, d := project(e, n.lines[lj][kj], n.lines[lj][kj+1])
						if lj == int32(li) && math.Abs(n.at(li, kj, t)-sE) <= 4*n.tol {
							// The line's own stretch next to its end: a hairpin, not a junction.
							continue
						}
						if d < bestD || (d == bestD && j < best) {
							best, bestD, bestT = j, d, t
						}
					}
				}
			}
			if best < 0 || bestD <= touch || bestD > n.tol {
				continue // touching already, or nothing near
			}
			lj, kj := n.segLine[best], n.segK[best]
			a, b := n.lines[lj][kj], n.lines[lj][kj+1]
			q := orb.Point{a[0] + bestT*(b[0]-a[0]), a[1] + bestT*(b[1]-a[1])}
			jq := n.newJunction(q)
			n.add(int(lj), kj, n.at(int(lj), kj, bestT), jq)
			je := n.newJunction(e)
			n.add(li, end.k, sE, je)
			n.connectors = append(n.connectors, connector{a: je, b: jq, line: orb.LineString{e, q}})
			snapped++
		}
	}
	return snapped
}

// graph merges junctions that coincide along a line, cuts each line at its junctions and
// returns the nodes and edges, without components or indexes (see Graph.finish).
func (n *noder) graph() *Graph {
	// Merge junctions within touch of each other along every line first: a merge made on a
	// later line can join junctions of an earlier one.
	for li, evs := range n.events {
		sort.Slice(evs, func(a, b int) bool {
			if evs[a].s != evs[b].s {
				return evs[a].s < evs[b].s
			}
			return evs[a].j < evs[b].j
		})
		kept := evs[:0]
		for _, e := range evs {
			if len(kept) > 0 && e.s-kept[len(kept)-1].s <= touch {
				union(n.parent, kept[len(kept)-1].j, e.j)
				continue
			}
			kept = append(kept, e)
		}
		n.events[li] = kept
	}
	g := &Graph{}
	node := map[int32]int{}
	nodeOf := func(j int32) int {
		r := find(n.parent, j)
		id, ok := node[r]
		if !ok {
			id = len(g.nodes)
			node[r] = id
			g.nodes = append(g.nodes, n.junc[r])
		}
		return id
	}
	for li, evs := range n.events {
		l, c := n.lines[li], n.cum[li]
		for i := 0; i+1 < len(evs); i++ {
			e0, e1 := evs[i], evs[i+1]
			from, to := nodeOf(e0.j), nodeOf(e1.j)
			piece := orb.LineString{g.nodes[from]}
			for v := e0.k + 1; v <= e1.k; v++ {
				if c[v] > e0.s+touch && c[v] < e1.s-touch {
					piece = append(piece, l[v])
				}
			}
			piece = append(piece, g.nodes[to])
			length := lineLength(piece)
			if from == to && length <= 2*touch {
				continue // what is left between junctions merged through other lines
			}
			g.edges = append(g.edges, Edge{From: from, To: to, Line: piece, Length: length})
		}
	}
	for _, cn := range n.connectors {
		from, to := nodeOf(cn.a), nodeOf(cn.b)
		if from == to {
			continue
		}
		line := orb.LineString{g.nodes[from], g.nodes[to]}
		g.edges = append(g.edges, Edge{From: from, To: to, Line: line, Length: dist(line[0], line[1])})
	}
	return g
}

// project returns how far along segment a–b (0..1) the point nearest p lies, and its
// distance from p.
func project(p, a, b orb.Point) (t, d float64) {
	ab := sub(b, a)
	l2 := ab[0]*ab[0] + ab[1]*ab[1]
	if l2 > 0 {
		t = math.Max(0, math.Min(1, ((p[0]-a[0])*ab[0]+(p[1]-a[1])*ab[1])/l2))
	}
	q := orb.Point{a[0] + t*ab[0], a[1] + t*ab[1]}
	return t, dist(p, q)
}

// boxesMeet reports whether the bounds of segments a–b and c–d come within pad.
func boxesMeet(a, b, c, d orb.Point, pad float64) bool {
	return math.Max(a[0], b[0])+pad >= math.Min(c[0], d[0]) && math.Max(c[0], d[0])+pad >= math.Min(a[0], b[0]) &&
		math.Max(a[1], b[1])+pad >= math.Min(c[1], d[1]) && math.Max(c[1], d[1])+pad >= math.Min(a[1], b[1])
}

func lineLength(l orb.LineString) float64 {
	s := 0.0
	for i := 1; i < len(l); i++ {
		s += dist(l[i-1], l[i])
	}
	return s
}

func sub(a, b orb.Point) orb.Point { return orb.Point{a[0] - b[0], a[1] - b[1]} }

func cross(a, b orb.Point) float64 { return a[0]*b[1] - a[1]*b[0] }
