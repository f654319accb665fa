package plan

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/tasi-gis/tasi/plan/locate"
)

// Demand is one community's need for NFI kits: the households (one kit each) and people a
// plan must reach there.
type Demand struct {
	Community          Community
	Households, People float64
}

// NewDemand is the demand of community c with households and people, either of which may
// be NaN: the other gives it at HouseholdSize people per household. Both NaN is zero
// demand.
func NewDemand(c Community, households, people float64) Demand {
	switch {
	case math.IsNaN(households) && math.IsNaN(people):
		households, people = 0, 0
	case math.IsNaN(households):
		households = people / HouseholdSize
	case math.IsNaN(people):
		people = households * HouseholdSize
	}
	return Demand{Community: c, Households: households, People: people}
}

// Distances are the distances from every candidate depot to every community of a plan's
// demand, and what they are.
type Distances struct {
	// D is row-major [candidate][demand] in metres, +Inf where a pair cannot be joined.
	D []float64
	// Method names the distance for every output: "road network: …" or "straight line".
	Method string
	// Detour multiplies the straight legs off the network (0 for straight lines).
	Detour float64
	// Unreached lists communities and depots that could not be joined, for the reader.
	Unreached []string
}

// NFIOptions sets up a prepositioning plan.
type NFIOptions struct {
	Objective Objective
	// Depots is p, the number of depots to open (fixed ones included); Evaluate ignores it.
	Depots int
	// MaxDistance (m) is the covering radius: required for Cover, optional for the others
	// (coverage is then reported within it); 0 for none.
	MaxDistance float64
	// Capacitated bounds each depot by its Capacity in kits, a community being served by
	// one depot. Stock does not bound it: a depot can be restocked, and the shortfalls
	// say by how much.
	Capacitated bool
	Profile     Profile
	// Demand says where the demand came from, for the outputs.
	Demand string
}

// ErrDepots reports a number of depots the candidates cannot give.
var ErrDepots = errors.New("bad number of depots")

// PlanNFI chooses depots among cands for demand and says what each should stock: the
// p-median (least household-weighted distance), the maximal covering (most households
// within MaxDistance), or in Evaluate mode the fixed candidates as they stand. dist are
// the distances from cands to demand. Every community is assigned to its depot (the
// nearest open one with room); those no open depot reaches, or none with room, are listed
// unassigned with the reason. Depots are in candidate order; assignments in demand order.
func PlanNFI(ctx context.Context, demand []Demand, cands []Candidate, dist Distances, opt NFIOptions) (*NFIPlan, error) {
	if len(demand) == 0 {
		return nil, errors.New("plan nfi: no community with demand")
	}
	if len(cands) == 0 {
		return nil, errors.New("plan nfi: no candidate depot")
	}
	if len(dist.D) != len(cands)*len(demand) {
		return nil, fmt.Errorf("plan nfi: %d distances for %d candidates × %d communities", len(dist.D), len(cands), len(demand))
	}
	if opt.Objective == Cover && !(opt.MaxDistance > 0) {
		return nil, errors.New("plan nfi: the cover objective needs a maximum distance")
	}
	// Only communities with households enter the problem: a community with none needs
	// no kit, and would otherwise pull a depot towards it for nothing.
	var active []int
	for i, d := range demand {
		if d.Households > 0 {
			active = append(active, i)
		}
	}
	if len(active) == 0 {
		return nil, errors.New("plan nfi: no community has a household to serve")
	}
	p := locate.Problem{Candidates: len(cands), Points: len(active), Dist: make([]float64, len(cands)*len(active)), Weight: make([]float64, len(active))}
	for k, i := range active {
		p.Weight[k] = demand[i].Households
		for j := range cands {
			p.Dist[j*len(active)+k] = dist.D[j*len(demand)+i]
		}
	}
	for j, c := range cands {
		if c.Fixed {
			p.Fixed = append(p.Fixed, j)
		}
	}
	if opt.Capacitated {
		p.Capacity = make([]float64, len(cands))
		for j, c := range cands {
			p.Capacity[j] = c.Capacity
		}
	}
	radius := opt.MaxDistance
	if radius <= 0 {
		radius = math.Inf(1)
	}
	var sol locate.Solution
	var err error
	switch opt.Objective {
	case Evaluate:
		if len(p.Fixed) == 0 {
			return nil, errors.New("plan nfi: evaluate needs existing depots with their stock")
		}
		sol, err = locate.Evaluate(p, p.Fixed, radius)
	case Cover, Median:
		if opt.Depots <= 0 || opt.Depots > len(cands) {
			return nil, fmt.Errorf("plan nfi: %w: %d depots from %d candidates", ErrDepots, opt.Depots, len(cands))
		}
		if opt.Depots < len(p.Fixed) {
			return nil, fmt.Errorf("plan nfi: %w: %d depots but %d existing ones are fixed", ErrDepots, opt.Depots, len(p.Fixed))
		}
		if opt.Objective == Cover {
			sol, err = locate.Cover(ctx, p, opt.Depots, opt.MaxDistance)
		} else {
			sol, err = locate.Median(ctx, p, opt.Depots)
		}
	default:
		return nil, fmt.Errorf("plan nfi: unknown objective %d", opt.Objective)
	}
	if err != nil {
		return nil, fmt.Errorf("plan nfi: %w", err)
	}
	return summarise(demand, active, cands, dist, opt, sol), nil
}

// summarise turns a solution for the active communities (indexes into demand) into the
// plan: depot loads, distances, stock, coverage and shortfalls. Open depots that serve no
// household (more depots asked for than the demand has use for) are left out, unless they
// are existing ones.
func summarise(demand []Demand, active []int, cands []Candidate, dist Distances, opt NFIOptions, sol locate.Solution) *NFIPlan {
	pl := &NFIPlan{
		Demand: opt.Demand, Objective: opt.Objective, K: opt.Depots, MaxDistance: opt.MaxDistance,
		Capacitated: opt.Capacitated, Distance: dist.Method, DetourFactor: dist.Detour, Profile: opt.Profile,
		Unreached: slices.Clone(dist.Unreached), WorstDistance: math.NaN(),
	}
	if opt.Objective == Evaluate {
		pl.K = len(sol.Open)
	}
	assign := make([]int, len(demand)) // candidate serving each community, -1 none
	status := make([]locate.Status, len(demand))
	for i := range assign {
		assign[i] = -1
	}
	load := make(map[int]float64)
	for k, i := range active {
		assign[i], status[i] = sol.Assign[k], sol.Status[k]
		if assign[i] >= 0 {
			load[assign[i]] += demand[i].Households
		}
	}
	open := slices.Clone(sol.Open)
	slices.Sort(open)
	depotOf := make(map[int]int, len(open))
	for _, j := range open {
		if load[j] > 0 || cands[j].Fixed {
			depotOf[j] = len(pl.Depots)
			pl.Depots = append(pl.Depots, DepotPlan{Candidate: cands[j], MeanDistance: math.NaN(), MaxDistance: math.NaN()})
		}
	}
	n := len(demand)
	var sumD, sumW float64
	for i, d := range demand {
		a := Assignment{Community: d.Community, Households: d.Households, People: d.People, Depot: -1, Distance: math.Inf(1)}
		pl.Households += d.Households
		pl.People += d.People
		if !(d.Households > 0) {
			a.Reason = "no households"
		} else if j := assign[i]; j >= 0 {
			dp := &pl.Depots[depotOf[j]]
			a.Depot = depotOf[j]
			a.Distance = dist.D[j*n+i]
			a.Covered = opt.MaxDistance <= 0 || a.Distance <= opt.MaxDistance
			if !a.Covered {
				a.Reason = "beyond max distance"
			}
			dp.Communities++
			dp.Households += d.Households
			dp.People += d.People
			if math.IsNaN(dp.MeanDistance) {
				dp.MeanDistance, dp.MaxDistance = 0, 0
			}
			dp.MeanDistance += a.Distance * d.Households
			dp.MaxDistance = math.Max(dp.MaxDistance, a.Distance)
			sumD += a.Distance * d.Households
			sumW += d.Households
			if math.IsNaN(pl.WorstDistance) || a.Distance > pl.WorstDistance {
				pl.WorstDistance = a.Distance
			}
		} else {
			a.Reason = status[i].String()
		}
		if a.Covered {
			pl.CoveredHouseholds += d.Households
		}
		pl.Assignments = append(pl.Assignments, a)
	}
	for i := range pl.Depots {
		dp := &pl.Depots[i]
		if dp.Households > 0 {
			dp.MeanDistance /= dp.Households
		} else if dp.Communities > 0 {
			dp.MeanDistance = 0
		}
		dp.Kits = dp.Households
		dp.Items = opt.Profile.Needs(dp.Households, dp.People)
	}
	pl.MeanDistance = math.NaN()
	if sumW > 0 {
		pl.MeanDistance = sumD / sumW
	}
	if pl.Households > 0 {
		pl.Coverage = pl.CoveredHouseholds / pl.Households
	}
	pl.Value = pl.MeanDistance
	if opt.Objective == Cover {
		pl.Value = pl.CoveredHouseholds
	}
	if slices.ContainsFunc(pl.Depots, func(d DepotPlan) bool { return d.Fixed }) {
		pl.Shortfalls = shortfalls(pl)
	}
	return pl
}

// shortfalls compares, per municipality, the kits its communities need (one per
// household) with the stock of the existing depots that serve them. A depot's stock is
// shared among the municipalities it serves in proportion to the households it serves in
// each; a new depot of the plan holds no stock yet. Items short are those of the
// households left without a kit, at the municipality's people per household.
func shortfalls(pl *NFIPlan) []Shortfall {
	byCode := make(map[string]*Shortfall)
	var order []string
	for _, a := range pl.Assignments {
		code := a.Community.RegionCode
		s, ok := byCode[code]
		if !ok {
			s = &Shortfall{RegionCode: code, RegionName: a.Community.RegionName}
			byCode[code] = s
			order = append(order, code)
		}
		s.Households += a.Households
		s.People += a.People
		if a.Depot < 0 {
			continue
		}
		dp := pl.Depots[a.Depot]
		if dp.Stock > 0 && a.Covered {
			s.Covered += a.Households
		}
		if dp.Households > 0 {
			s.Stocked += dp.Stock * a.Households / dp.Households
		}
	}
	slices.SortFunc(order, strings.Compare)
	out := make([]Shortfall, 0, len(order))
	for _, code := range order {
		s := byCode[code]
		s.Needed = s.Households
		s.Short = math.Max(0, s.Needed-s.Stocked)
		perHousehold := HouseholdSize
		if s.Households > 0 {
			perHousehold = s.People / s.Households
		}
		s.ItemsNeeded = pl.Profile.Needs(s.Households, s.People)
		s.ItemsShort = pl.Profile.Needs(s.Short, s.Short*perHousehold)
		out = append(out, *s)
	}
	return out
}

// AtRiskDemand is the demand of the communities in the band-edge zone at horizon h (an
// index into a.Horizons): their households and people living in that zone.
func (a *Assessment) AtRiskDemand(h int) []Demand {
	var out []Demand
	for _, r := range a.Rows {
		if e := r.Exposure[h]; e.InBand {
			out = append(out, NewDemand(r.Community, e.Households, e.People))
		}
	}
	return out
}

// CoastalDemand is the demand of every community of the run's own units (its coastal
// sucos): all their households and people, for preparedness against storm surge and
// coastal flooding.
func (a *Assessment) CoastalDemand() []Demand {
	in := make(map[string]bool, len(a.RunUnits))
	for _, u := range a.RunUnits {
		in[u] = true
	}
	var out []Demand
	for _, r := range a.Rows {
		if in[r.Community.UnitCode] {
			out = append(out, NewDemand(r.Community, r.Community.Households, r.Community.Population))
		}
	}
	return out
}
