package network

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
)

// DefaultDetour is the Detour of the zero JoinOptions: a straight leg of 1 km counts as
// 1.3 km of travel. Road distance is commonly 1.2–1.4 times the straight line between two
// places (circuity factors; see Ballou, Rahardja and Sakai (2002), "Selected country
// circuity factors for road travel distance estimation", Transportation Research Part A
// 36(9), 843–848, which tabulates them by country). Off the mapped roads of Timor-Leste,
// legs follow rural tracks and footpaths over steep ground, so 1.3, within that range and
// not below it, is used. The same factor scales a straight line between two close points
// (see Graph.Distances) and is what Straight leaves to the caller.
const DefaultDetour = 1.3

// DefaultMaxLeg is the MaxLeg of the zero JoinOptions, in metres. Each of the 2,871
// gazetteer localities of Timor-Leste lies within 12.4 km of the Estrada national and
// municipal roads (median 0.7 km, 99 % within 8.2 km), Atauro and Oecusse included, which
// have roads of their own; 20 km leaves room for that while refusing points out at sea, on
// an island without roads, or given in the wrong CRS, which would otherwise be "joined" by
// a leg no one can travel.
const DefaultMaxLeg = 20000.0

// JoinOptions set how points join the road network. The zero JoinOptions is ready to use.
type JoinOptions struct {
	// Detour multiplies every straight leg off the road (≥ 1); 0 means DefaultDetour.
	Detour float64
	// MaxLeg is the longest straight leg, in metres, by which a point may join the road;
	// a point farther from every road is not joined and has no route. 0 means
	// DefaultMaxLeg; +Inf joins every point to its nearest road.
	MaxLeg float64
}

// resolve returns o with defaults filled in, or an error for an invalid option.
func (o JoinOptions) resolve() (JoinOptions, error) {
	switch {
	case o.Detour == 0:
		o.Detour = DefaultDetour
	case math.IsNaN(o.Detour) || math.IsInf(o.Detour, 0) || o.Detour < 1:
		return o, fmt.Errorf("join options: detour %v, want a finite number ≥ 1", o.Detour)
	}
	switch {
	case o.MaxLeg == 0:
		o.MaxLeg = DefaultMaxLeg
	case math.IsNaN(o.MaxLeg) || o.MaxLeg < 0:
		return o, fmt.Errorf("join options: max leg %v m, want a number > 0", o.MaxLeg)
	}
	return o, nil
}

// Attachment is how a point joins the road network.
type Attachment struct {
	Point orb.Point // the point itself
	Road  orb.Point // the nearest point of any road; the point itself when there is no road
	// Leg is the straight distance from Point to Road in metres (+Inf when the graph has
	// no road), whether or not the point is joined: "41 km from the nearest road".
	Leg       float64
	Joined    bool // Leg ≤ MaxLeg
	Component int  // of the road it joins (see Stats.ComponentLength); -1 when not joined

	edge  int     // the edge holding Road, or -1
	along float64 // distance along that edge from its From node to Road, metres
}

// Attach returns how each point joins g: at the nearest point of any edge (not the nearest
// node), by a straight leg, provided the leg is at most opt.MaxLeg.
func (g *Graph) Attach(points []orb.Point, opt JoinOptions) ([]Attachment, error) {
	opt, err := opt.resolve()
	if err != nil {
		return nil, fmt.Errorf("attach points: %w", err)
	}
	out := make([]Attachment, len(points))
	for i, p := range points {
		if math.IsNaN(p[0]) || math.IsNaN(p[1]) || math.IsInf(p[0], 0) || math.IsInf(p[1], 0) {
			return nil, fmt.Errorf("attach points: point %d: coordinate %v is not finite", i, p)
		}
		out[i] = g.attach(p, opt.MaxLeg)
	}
	return out, nil
}

func (g *Graph) attach(p orb.Point, maxLeg float64) Attachment {
	a := Attachment{Point: p, Road: p, Leg: math.Inf(1), Component: -1, edge: -1}
	if len(g.segEdge) == 0 {
		return a
	}
	seg, d := g.segs.nearest(p, func(s int32) float64 {
		l := g.edges[g.segEdge[s]].Line
		k := g.segIndex[s]
		_, d := project(p, l[k], l[k+1])
		return d
	})
	e := g.edges[g.segEdge[seg]]
	k := g.segIndex[seg]
	t, _ := project(p, e.Line[k], e.Line[k+1])
	a.Road = orb.Point{e.Line[k][0] + t*(e.Line[k+1][0]-e.Line[k][0]), e.Line[k][1] + t*(e.Line[k+1][1]-e.Line[k][1])}
	a.Leg = d
	a.edge = int(g.segEdge[seg])
	a.along = math.Min(g.segAlong[seg]+t*dist(e.Line[k], e.Line[k+1]), e.Length)
	if d <= maxLeg {
		a.Joined = true
		a.Component = g.comp[e.From]
	}
	return a
}
