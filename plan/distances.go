package plan

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/vector/network"
	"github.com/tasi-gis/tasi/vector/utm"
)

// Roads is a road network to measure depot distances over: the noded graph in a UTM zone,
// and the name every output gives it.
type Roads struct {
	Name  string
	Zone  utm.Zone
	Graph *network.Graph
	Join  network.JoinOptions
}

// NewRoads nodes road lines (lon/lat) in the UTM zone of their centre, which the distances
// are then measured in, as build says. name says which network it is in every output
// ("Estrada national and municipal roads").
func NewRoads(name string, lines []orb.LineString, build network.Options, join network.JoinOptions) (*Roads, error) {
	var c utm.Centre
	for _, l := range lines {
		c.AddGeometry(l)
	}
	zone, err := c.Zone()
	if err != nil {
		return nil, fmt.Errorf("road network %s: %w", name, err)
	}
	projected := make([]orb.LineString, len(lines))
	for i, l := range lines {
		p := make(orb.LineString, len(l))
		for k, v := range l {
			p[k] = zone.Forward(v)
		}
		projected[i] = p
	}
	g, err := network.Build(projected, build)
	if err != nil {
		return nil, fmt.Errorf("road network %s: %w", name, err)
	}
	if join.Detour == 0 {
		join.Detour = network.DefaultDetour
	}
	if join.MaxLeg == 0 {
		join.MaxLeg = network.DefaultMaxLeg
	}
	return &Roads{Name: name, Zone: zone, Graph: g, Join: join}, nil
}

// Method is how the outputs describe distances over r.
func (r *Roads) Method() string {
	s := r.Graph.Stats()
	return fmt.Sprintf("road network: %s (%.0f km of road, %d connected parts); off-road legs up to %.0f km as straight lines × %.2f (detour factor)",
		r.Name, s.Length/1000, s.Components, r.Join.MaxLeg/1000, r.Join.Detour)
}

// StraightLine is how the outputs describe straight-line distances.
const StraightLine = "straight line (no road network)"

// ErrNoRoadReach reports a road network that no community of the demand can join: every
// distance would be "no route", so the plan would say nothing.
var ErrNoRoadReach = errors.New("the road network reaches no community")

// DepotDistances measures the distances from every candidate to every community of
// demand: over roads, or in straight lines when roads is nil (in the UTM zone of the
// points' centre). Communities and candidates that cannot join the roads, and communities
// no candidate's road reaches, are listed in Unreached with how far they are from a road;
// their pairs are +Inf, never dropped. A network that no community joins is
// ErrNoRoadReach.
func DepotDistances(ctx context.Context, roads *Roads, cands []Candidate, demand []Demand) (Distances, error) {
	from := make([]orb.Point, len(cands))
	to := make([]orb.Point, len(demand))
	if roads == nil {
		var c utm.Centre
		for _, cd := range cands {
			c.Add(cd.Point)
		}
		for _, d := range demand {
			c.Add(d.Community.Point)
		}
		zone, err := c.Zone()
		if err != nil {
			return Distances{}, fmt.Errorf("depot distances: %w", err)
		}
		for i, cd := range cands {
			from[i] = zone.Forward(cd.Point)
		}
		for i, d := range demand {
			to[i] = zone.Forward(d.Community.Point)
		}
		return Distances{D: network.Straight(from, to).D, Method: StraightLine}, nil
	}
	for i, cd := range cands {
		from[i] = roads.Zone.Forward(cd.Point)
	}
	for i, d := range demand {
		to[i] = roads.Zone.Forward(d.Community.Point)
	}
	src, err := roads.Graph.Attach(from, roads.Join)
	if err != nil {
		return Distances{}, fmt.Errorf("depot distances: candidates: %w", err)
	}
	dst, err := roads.Graph.Attach(to, roads.Join)
	if err != nil {
		return Distances{}, fmt.Errorf("depot distances: communities: %w", err)
	}
	out := Distances{Method: roads.Method(), Detour: roads.Join.Detour}
	nearest := math.Inf(1)
	joined := 0
	for i, a := range dst {
		nearest = math.Min(nearest, a.Leg)
		if a.Joined {
			joined++
			continue
		}
		c := demand[i].Community
		out.Unreached = append(out.Unreached, fmt.Sprintf("community %s %q at %.5f, %.5f: %s from the nearest road of %s (at most %.0f km joins): no route",
			c.Code, c.Name, c.Point[0], c.Point[1], km(a.Leg), roads.Name, roads.Join.MaxLeg/1000))
	}
	if joined == 0 {
		return Distances{}, fmt.Errorf("depot distances: %w %s: the nearest of %d communities is %s from it (at most %.0f km joins); give another road layer, or none for straight lines",
			ErrNoRoadReach, roads.Name, len(demand), km(nearest), roads.Join.MaxLeg/1000)
	}
	for j, a := range src {
		if !a.Joined {
			c := cands[j]
			out.Unreached = append(out.Unreached, fmt.Sprintf("candidate depot %s %q at %.5f, %.5f: %s from the nearest road: no route",
				c.Code, c.Name, c.Point[0], c.Point[1], km(a.Leg)))
		}
	}
	m, err := roads.Graph.Distances(ctx, from, to, roads.Join)
	if err != nil {
		return Distances{}, fmt.Errorf("depot distances: %w", err)
	}
	out.D = m.D
	// Joined communities on a road no candidate's road links to (an island's own roads).
	for i, a := range dst {
		if !a.Joined {
			continue
		}
		reached := false
		for j := range cands {
			if !math.IsInf(m.D[j*len(demand)+i], 1) {
				reached = true
				break
			}
		}
		if !reached {
			c := demand[i].Community
			out.Unreached = append(out.Unreached, fmt.Sprintf("community %s %q at %.5f, %.5f: no road of %s links it to any candidate depot: no route",
				c.Code, c.Name, c.Point[0], c.Point[1], roads.Name))
		}
	}
	return out, nil
}

// ParseDistance reads a distance in metres as planners write it: 30000, 30000m, 30km,
// 2.5 km. It is an error unless above 0 and finite.
func ParseDistance(s string) (float64, error) {
	t := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
	scale := 1.0
	switch {
	case strings.HasSuffix(t, "km"):
		t, scale = strings.TrimSuffix(t, "km"), 1000
	case strings.HasSuffix(t, "m"):
		t = strings.TrimSuffix(t, "m")
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || !(v > 0) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%q: want a distance above 0 such as 30km or 30000m", s)
	}
	return v * scale, nil
}

func km(m float64) string {
	if math.IsInf(m, 1) {
		return "no road at all"
	}
	return fmt.Sprintf("%.1f km", m/1000)
}
