package plan

import (
	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/analysis"
)

// HouseholdSize is the planning household size (Sphere; Timor-Leste's 2015 census mean is
// 5.8): people per household where only people are known, and households where only
// people are.
const HouseholdSize = 5.0

// Item is one line of a needs profile: how much of something one household, or one
// person, needs. A line has a quantity per household or per person, never both.
type Item struct {
	Name   string // "tarpaulin 4 x 6 m", "rice"
	Sector string // shelter, bedding, water, kitchen, hygiene, lighting, food, sanitation
	Unit   string // piece, kg, L, set
	// PerHousehold and PerPerson are the quantities; the one not used is 0.
	PerHousehold, PerPerson float64
	// Source says where the quantity comes from ("Sphere 2018 …: 250 g per person per
	// month"), for the exports' provenance.
	Source string
}

// Quantity is what households and people need of the item.
func (it Item) Quantity(households, people float64) float64 {
	return it.PerHousehold*households + it.PerPerson*people
}

// Profile is a needs profile: a family kit with its items, or InaSAFE's minimum needs
// per person. Profiles are data (files in data/needs, or --profile), never code.
type Profile struct {
	Name   string // "sphere-family-kit"
	Title  string // one line for a reader
	Source string // where the quantities come from
	// Period is what the quantities cover: "one kit", "per week".
	Period string
	Items  []Item
}

// DepotKind says where a candidate depot comes from.
type DepotKind string

// Depot kinds.
const (
	MunicipalityCapital DepotKind = "municipality capital"
	PostoCapital        DepotKind = "posto capital"
	SucoCentre          DepotKind = "suco centre"
	SeaPort             DepotKind = "sea port"
	UserCandidate       DepotKind = "candidate file"
	ExistingDepot       DepotKind = "existing depot"
)

// Candidate is a place a depot could be, or is.
type Candidate struct {
	Code, Name string
	Kind       DepotKind
	Point      orb.Point // lon/lat
	// UnitCode … RegionName are the suco, posto and municipality it lies in ("" outside).
	UnitCode, UnitName     string
	ParentCode, ParentName string
	RegionCode, RegionName string
	// Capacity is the most kits it can hold; +Inf when not limited.
	Capacity float64
	// Stock is the kits it holds today (existing depots); Fixed depots are always open.
	Stock float64
	Fixed bool
}

// Objective is what a prepositioning plan optimises.
type Objective int

// Objectives.
const (
	// Median: p-median, the least household-weighted distance to the nearest open depot.
	Median Objective = iota
	// Cover: maximal covering, the most households within MaxDistance of an open depot.
	Cover
	// Evaluate: no choice; the fixed depots are assessed as they stand.
	Evaluate
)

// String names the objective as the CLI and exports write it.
func (o Objective) String() string {
	switch o {
	case Cover:
		return "cover"
	case Evaluate:
		return "evaluate"
	}
	return "median"
}

// DepotPlan is an open depot of a plan: what it serves and what it should stock.
type DepotPlan struct {
	Candidate
	Communities int     // communities assigned to it
	Households  float64 // households served
	People      float64 // people served
	// MeanDistance is household-weighted, MaxDistance the worst assigned community (m);
	// NaN when it serves none.
	MeanDistance, MaxDistance float64
	// Kits are the kits to stock (one per household served); Items the quantity of each
	// item of the plan's profile, in Profile.Items order.
	Kits  float64
	Items []float64
}

// Assignment is a community of a plan's demand and the depot that serves it.
type Assignment struct {
	Community Community
	// Households and People are the community's demand.
	Households, People float64
	// Depot indexes NFIPlan.Depots, -1 when no open depot serves it (Reason says why).
	Depot int
	// Distance to its depot (m), over the network or straight (NFIPlan.Distance); +Inf
	// when it cannot be reached from any open depot.
	Distance float64
	// Covered: served within the plan's MaxDistance (always true without one).
	Covered bool
	// Reason is empty when served; else "unreachable" (no route from any open depot),
	// "over capacity" (every depot in reach is full), "beyond max distance" (served
	// from farther), or "no households" (nothing to serve: not planned for).
	Reason string
}

// Shortfall is, for one municipality, what its communities need against what the depots
// serving them hold: the evaluate mode's answer to "are our kits in the right places?".
type Shortfall struct {
	RegionCode, RegionName string
	Households, People     float64 // demand of its communities
	Covered                float64 // households within MaxDistance of a depot with stock
	// Needed and Stocked are kits; Short is max(0, Needed − Stocked) with Stocked the kits
	// of the depots that serve the municipality's communities, shared in proportion to
	// the households each serves there.
	Needed, Stocked, Short float64
	// ItemsNeeded and ItemsShort per profile item.
	ItemsNeeded, ItemsShort []float64
}

// NFIPlan is a prepositioning plan for non-food-item kits: open depots, who each serves,
// and what each should stock, with everything a reader needs to trust it.
type NFIPlan struct {
	RunID string // "" when the demand came from a file
	// Demand says where the demand came from: "at risk by 2045 (band edge)", "coastal
	// sucos", "file communities.csv".
	Demand    string
	Objective Objective
	// K is the number of depots asked for (p); MaxDistance (m) the covering radius, 0 for
	// none; Capacitated says whether candidate capacities bound assignments.
	K           int
	MaxDistance float64
	Capacitated bool
	// Distance names the distance used: road network (which, detour factor) or straight
	// line; DetourFactor multiplies the straight legs off the network.
	Distance     string
	DetourFactor float64
	Profile      Profile
	Depots       []DepotPlan
	Assignments  []Assignment
	// Value is the objective: household-weighted mean distance (m) for Median and
	// Evaluate, households covered for Cover.
	Value float64
	// Households and People are the total demand; CoveredHouseholds those served within
	// MaxDistance (all served ones without it); Coverage = CoveredHouseholds / Households.
	Households, People, CoveredHouseholds, Coverage float64
	// MeanDistance (household-weighted) and WorstDistance over served communities, m.
	MeanDistance, WorstDistance float64
	// Shortfalls per municipality (evaluate mode, or any plan with existing stock).
	Shortfalls []Shortfall
	// Unreached lists the communities and depots that could not be joined to the
	// network or to each other, for the reader: "community X: 41 km from the nearest road".
	Unreached  []string
	Provenance analysis.Provenance
	Caveats    []string
}
