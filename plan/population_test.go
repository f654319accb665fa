package plan_test

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/plan"
	"github.com/tasi-gis/tasi/raster"
)

// popRect is a one-part MultiPolygon from (x0, y0) to (x1, y1), lon/lat.
func popRect(x0, y0, x1, y1 float64) orb.MultiPolygon {
	return orb.MultiPolygon{{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}}
}

// popGrid returns a grid of 0.01° cells whose north-west corner is (125°E, 8°S), with the
// values given row by row from the north (NaN for no data).
func popGrid(t testing.TB, w, h int, vals ...float64) *raster.Grid {
	t.Helper()
	g, err := raster.New(orb.Point{125, -8}, 0.01, 0.01, w, h)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range vals {
		g.Values[i] = float32(v)
	}
	return g
}

// popCommunity returns a community of unit with counts NaN (not given by a layer).
func popCommunity(code, unit string, p orb.Point) plan.Community {
	return plan.Community{Code: code, Name: code, UnitCode: unit, Point: p, Population: math.NaN(), Households: math.NaN()}
}

// popCentre is the centre of cell (col, row) of the grids above.
func popCentre(col, row int) orb.Point {
	return orb.Point{125 + 0.01*float64(col) + 0.005, -8 - 0.01*float64(row) - 0.005}
}

// popAt returns a zone holding only the points within 1e-9° of q.
func popAt(q orb.Point) func(orb.Point) bool {
	return func(p orb.Point) bool { return math.Abs(p[0]-q[0]) < 1e-9 && math.Abs(p[1]-q[1]) < 1e-9 }
}

// popNear reports whether a and b are equal within 1e-9, NaN equal to NaN.
func popNear(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b))
}

func checkPopCount(t *testing.T, what string, got, want plan.Count) {
	t.Helper()
	if !popNear(got.People, want.People) || !popNear(got.Households, want.Households) {
		t.Errorf("%s = %.6g people, %.6g households; want %.6g, %.6g", what, got.People, got.Households, want.People, want.Households)
	}
}

func checkPopCommunity(t *testing.T, c plan.Community, want plan.Count, rule plan.CountRule) {
	t.Helper()
	checkPopCount(t, "community "+c.Code, plan.Count{People: c.Population, Households: c.Households}, want)
	if c.Rule != rule {
		t.Errorf("community %s: rule %q, want %q", c.Code, c.Rule, rule)
	}
}

// TestAllocateHand spreads two square units over a 4 × 4 grid and shares them among three
// communities, against numbers worked out by hand.
//
// The grid (0.01° cells from 125°E, 8°S; · is no data):
//
//	         col 0   1   2   3
//	row 0        1   2   0   ·
//	row 1        3   0   4   4
//	row 2        0   2   ·   8
//	row 3        2   0   4   0
//
// Unit A covers columns 0–1: settled weight 1+2+3+2+2 = 10, census 100 people and 20
// households, so 10 people and 2 households per unit of weight. Unit B covers columns
// 2–3: weight 4+4+8+4 = 20, census 60 and 15, so 3 and 0.75 per unit of weight.
//
// Community C1 sits on the centre of cell (0,0) and C2 on that of (1,3), both in A; C3 on
// that of (2,1) in B. Nearest in metres, A's cells go: (0,0), (1,0), (0,1) to C1 (0, 1.1 and
// 1.1 km against 3.3, 3.3 and 2.5 km), (1,2) and (0,3) to C2 (1.1 km against 2.5 and 3.3).
// So C1 holds 10+20+30 = 60 people and 2+4+6 = 12 households, C2 20+20 = 40 and 8, and C3
// all of B: 60 and 15.
func TestAllocateHand(t *testing.T) {
	nan := math.NaN()
	g := popGrid(t, 4, 4,
		1, 2, 0, nan,
		3, 0, 4, 4,
		0, 2, nan, 8,
		2, 0, 4, 0,
	)
	units := []analysis.AdminUnit{
		{Code: "A", Population: 100, Households: 20, Geometry: popRect(125, -8.04, 125.02, -8)},
		{Code: "B", Population: 60, Households: 15, Geometry: popRect(125.02, -8.04, 125.04, -8)},
	}
	comms := []plan.Community{
		popCommunity("C1", "A", popCentre(0, 0)),
		popCommunity("C2", "A", popCentre(1, 3)),
		popCommunity("C3", "B", popCentre(2, 1)),
	}
	pop, err := plan.Allocate(context.Background(), units, g, comms)
	if err != nil {
		t.Fatal(err)
	}

	wantUnits := []plan.UnitPopulation{
		{Code: "A", Population: 100, Households: 20, Cells: 5, GridPeople: 10, Rule: plan.FromGrid, Communities: 2},
		{Code: "B", Population: 60, Households: 15, Cells: 4, GridPeople: 20, Rule: plan.FromGrid, Communities: 1},
	}
	for i, want := range wantUnits {
		if got := pop.Units[i]; got != want {
			t.Errorf("unit %d = %+v, want %+v", i, got, want)
		}
	}
	if pop.OutsideCells != 0 || pop.OutsideGridPeople != 0 || pop.Unmatched != 0 {
		t.Errorf("outside %d cells, %g people, %d unmatched; want none", pop.OutsideCells, pop.OutsideGridPeople, pop.Unmatched)
	}
	checkPopCommunity(t, comms[0], plan.Count{People: 60, Households: 12}, plan.FromGrid)
	checkPopCommunity(t, comms[1], plan.Count{People: 40, Households: 8}, plan.FromGrid)
	checkPopCommunity(t, comms[2], plan.Count{People: 60, Households: 15}, plan.FromGrid)

	zones := []struct {
		name  string
		in    func(orb.Point) bool
		comms []plan.Count // C1, C2, C3
		units []plan.Count // A, B
	}{
		{"rows 2 and 3 (south of 8.02° S)", func(p orb.Point) bool { return p[1] < -8.02 },
			// A: (1,2) 20 and (0,3) 20, both C2's; B: (3,2) 24 and (2,3) 12.
			[]plan.Count{{0, 0}, {40, 8}, {36, 9}},
			[]plan.Count{{40, 8}, {36, 9}}},
		{"row 0", func(p orb.Point) bool { return p[1] > -8.01 },
			// (0,0) 10 and (1,0) 20, both C1's; B's (2,0) is 0, not settled.
			[]plan.Count{{30, 6}, {0, 0}, {0, 0}},
			[]plan.Count{{30, 6}, {0, 0}}},
		{"cell (3,2) only", popAt(popCentre(3, 2)),
			[]plan.Count{{0, 0}, {0, 0}, {24, 6}},
			[]plan.Count{{0, 0}, {24, 6}}},
		{"everywhere", func(orb.Point) bool { return true },
			[]plan.Count{{60, 12}, {40, 8}, {60, 15}},
			[]plan.Count{{100, 20}, {60, 15}}},
		{"nowhere", func(orb.Point) bool { return false },
			[]plan.Count{{0, 0}, {0, 0}, {0, 0}},
			[]plan.Count{{0, 0}, {0, 0}}},
	}
	for _, z := range zones {
		t.Run(z.name, func(t *testing.T) {
			ex := pop.PeopleIn(z.in)
			for i, want := range z.comms {
				checkPopCount(t, comms[i].Code, ex.Communities[i], want)
			}
			for i, want := range z.units {
				checkPopCount(t, "unit "+units[i].Code, ex.Units[i], want)
			}
			checkPopCount(t, "unassigned", ex.Unassigned, plan.Count{})
		})
	}
}

// TestAllocateRules checks each rule on a 4 × 2 grid:
//
//	         col 0   1   2   3
//	row 0        1   2   4   5
//	row 1        3   2   8   ·
//
// Unit E (column 0) has no census count; F (column 1) has 40 people and 8 households and no
// community; B (column 2) has 60 and 15, community C3 on (2,0) and C7 on (2,1), to which
// the layer gives 100 people (households then 100 · 15/60 = 25), and C10 far from the grid,
// to which the layer gives 5 households (people then 5 · 60/15 = 20). Cell (3,0) lies in no
// unit. Units C (30 people, 6 households; communities C4, C5 and C8, to which the layer
// gives 50 and 9) and D (7 and 2, no community) lie away from the grid.
func TestAllocateRules(t *testing.T) {
	nan := math.NaN()
	g := popGrid(t, 4, 2,
		1, 2, 4, 5,
		3, 2, 8, nan,
	)
	units := []analysis.AdminUnit{
		{Code: "E", Population: -1, Households: -1, Geometry: popRect(125, -8.02, 125.01, -8)},
		{Code: "F", Population: 40, Households: 8, Geometry: popRect(125.01, -8.02, 125.02, -8)},
		{Code: "B", Population: 60, Households: 15, Geometry: popRect(125.02, -8.02, 125.03, -8)},
		{Code: "C", Population: 30, Households: 6, Geometry: popRect(125.1, -8.1, 125.12, -8.08)},
		{Code: "D", Population: 7, Households: 2, Geometry: popRect(125.2, -8.2, 125.22, -8.18)},
	}
	layer := func(c plan.Community, people, households float64) plan.Community {
		c.Population, c.Households = people, households
		return c
	}
	comms := []plan.Community{
		popCommunity("C6", "E", popCentre(0, 1)),
		popCommunity("C3", "B", popCentre(2, 0)),
		layer(popCommunity("C7", "B", popCentre(2, 1)), 100, nan),
		popCommunity("C4", "C", orb.Point{125.105, -8.085}),
		popCommunity("C5", "C", orb.Point{125.115, -8.095}),
		layer(popCommunity("C8", "C", orb.Point{125.11, -8.09}), 50, 9),
		popCommunity("C9", "XX", orb.Point{125.3, -8.3}),
		layer(popCommunity("C10", "B", orb.Point{125.025, -8.5}), nan, 5),
	}
	pop, err := plan.Allocate(context.Background(), units, g, comms)
	if err != nil {
		t.Fatal(err)
	}
	wantUnits := []plan.UnitPopulation{
		{Code: "E", Population: nan, Households: nan, Cells: 2, GridPeople: 4, Rule: plan.Unknown, Communities: 1},
		{Code: "F", Population: 40, Households: 8, Cells: 2, GridPeople: 4, Rule: plan.FromGrid, Unassigned: plan.Count{People: 40, Households: 8}},
		{Code: "B", Population: 60, Households: 15, Cells: 2, GridPeople: 12, Rule: plan.FromGrid, Communities: 3},
		{Code: "C", Population: 30, Households: 6, Rule: plan.EqualShare, Communities: 3},
		{Code: "D", Population: 7, Households: 2, Rule: plan.EqualShare, Unassigned: plan.Count{People: 7, Households: 2}},
	}
	for i, want := range wantUnits {
		got := pop.Units[i]
		if got.Code != want.Code || !popNear(got.Population, want.Population) || !popNear(got.Households, want.Households) ||
			got.Cells != want.Cells || got.GridPeople != want.GridPeople || got.Rule != want.Rule ||
			got.Communities != want.Communities || got.Empty != want.Empty ||
			!popNear(got.Unassigned.People, want.Unassigned.People) || !popNear(got.Unassigned.Households, want.Unassigned.Households) {
			t.Errorf("unit %s = %+v, want %+v", want.Code, got, want)
		}
	}
	if pop.OutsideCells != 1 || pop.OutsideGridPeople != 5 || pop.Unmatched != 1 {
		t.Errorf("outside %d cells, %g people, %d unmatched; want 1, 5, 1", pop.OutsideCells, pop.OutsideGridPeople, pop.Unmatched)
	}
	want := []struct {
		c    plan.Count
		rule plan.CountRule
	}{
		{plan.Count{People: nan, Households: nan}, plan.Unknown},  // C6
		{plan.Count{People: 20, Households: 5}, plan.FromGrid},    // C3: 60·4/12, 15·4/12
		{plan.Count{People: 100, Households: 25}, plan.FromLayer}, // C7
		{plan.Count{People: 10, Households: 2}, plan.EqualShare},  // C4: a third of C's
		{plan.Count{People: 10, Households: 2}, plan.EqualShare},  // C5
		{plan.Count{People: 50, Households: 9}, plan.FromLayer},   // C8
		{plan.Count{People: nan, Households: nan}, plan.Unknown},  // C9: no such unit
		{plan.Count{People: 20, Households: 5}, plan.FromLayer},   // C10
	}
	for i, w := range want {
		checkPopCommunity(t, comms[i], w.c, w.rule)
	}

	zones := []struct {
		name       string
		in         func(orb.Point) bool
		comms      []plan.Count // C6 C3 C7 C4 C5 C8 C9 C10
		units      []plan.Count // E F B C D
		unassigned plan.Count
	}{
		{"row 0 of the grid", func(p orb.Point) bool { return p[1] > -8.01 && p[0] < 125.05 },
			// E's (0,0): unknown; F's (1,0): 40·2/4 = 20, no community; B's (2,0): C3's.
			[]plan.Count{{nan, nan}, {20, 5}, {0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}},
			[]plan.Count{{nan, nan}, {20, 4}, {20, 5}, {0, 0}, {0, 0}},
			plan.Count{People: 20, Households: 4}},
		{"cell (2,1): C7's only cell", popAt(popCentre(2, 1)),
			[]plan.Count{{0, 0}, {0, 0}, {100, 25}, {0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}},
			[]plan.Count{{0, 0}, {0, 0}, {40, 10}, {0, 0}, {0, 0}},
			plan.Count{}},
		{"C4's and C8's points", func(p orb.Point) bool {
			return p.Equal(orb.Point{125.105, -8.085}) || p.Equal(orb.Point{125.11, -8.09})
		},
			// Unit C's count is its census: a third for each community point inside.
			[]plan.Count{{0, 0}, {0, 0}, {0, 0}, {10, 2}, {0, 0}, {50, 9}, {0, 0}, {0, 0}},
			[]plan.Count{{0, 0}, {0, 0}, {0, 0}, {20, 4}, {0, 0}},
			plan.Count{}},
		{"C10's point, C9's point", func(p orb.Point) bool { return p[1] <= -8.3 },
			[]plan.Count{{0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}, {nan, nan}, {20, 5}},
			[]plan.Count{{0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}},
			plan.Count{}},
		{"everywhere", func(orb.Point) bool { return true },
			[]plan.Count{{nan, nan}, {20, 5}, {100, 25}, {10, 2}, {10, 2}, {50, 9}, {nan, nan}, {20, 5}},
			// D's people live nowhere known: no cell, no community.
			[]plan.Count{{nan, nan}, {40, 8}, {60, 15}, {30, 6}, {0, 0}},
			plan.Count{People: 40, Households: 8}},
	}
	for _, z := range zones {
		t.Run(z.name, func(t *testing.T) {
			ex := pop.PeopleIn(z.in)
			for i, w := range z.comms {
				checkPopCount(t, comms[i].Code, ex.Communities[i], w)
			}
			for i, w := range z.units {
				checkPopCount(t, "unit "+units[i].Code, ex.Units[i], w)
			}
			checkPopCount(t, "unassigned", ex.Unassigned, z.unassigned)
		})
	}
}

// TestAllocateNearestInMetres puts a cell at 60° N between a community 0.015° of longitude
// east of it (834 m) and one 0.01° of latitude north (1,117 m): nearer in degrees to the
// second, in metres to the first.
func TestAllocateNearestInMetres(t *testing.T) {
	g, err := raster.New(orb.Point{10, 60.01}, 0.01, 0.01, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	g.Values[0] = 1
	units := []analysis.AdminUnit{{Code: "N", Population: 10, Households: 2, Geometry: popRect(9.9, 59.9, 10.1, 60.1)}}
	c := g.Centre(0, 0)
	comms := []plan.Community{
		popCommunity("north", "N", orb.Point{c[0], c[1] + 0.01}),
		popCommunity("east", "N", orb.Point{c[0] + 0.015, c[1]}),
	}
	if _, err := plan.Allocate(context.Background(), units, g, comms); err != nil {
		t.Fatal(err)
	}
	checkPopCommunity(t, comms[0], plan.Count{People: 0, Households: 0}, plan.FromGrid)
	checkPopCommunity(t, comms[1], plan.Count{People: 10, Households: 2}, plan.FromGrid)
}

// TestAllocateEdgeCells checks cells whose centre lies in no unit: the unit covering most
// of such a cell takes it, and a cell no unit covers counts nowhere. The grid is one row of
// 0.01° cells from 125°E holding 1, 2, 4 and 8; unit P reaches from 125°E into column 1,
// unit Q from column 1 to the end of column 2, and neither covers the centre of column 1
// (125.015°E) nor any of column 3.
func TestAllocateEdgeCells(t *testing.T) {
	g := popGrid(t, 4, 1, 1, 2, 4, 8)
	tests := []struct {
		name           string
		pEast, qWest   float64
		pCells, qCells int
		pGrid, qGrid   float64
	}{
		{"P covers 40 % of column 1, Q 35 %", 125.014, 125.0165, 2, 1, 3, 4},
		{"P covers 20 % of column 1, Q 45 %", 125.012, 125.0155, 1, 2, 1, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			units := []analysis.AdminUnit{
				{Code: "P", Population: 10, Households: 2, Geometry: popRect(125, -8.01, tt.pEast, -8)},
				{Code: "Q", Population: 20, Households: 4, Geometry: popRect(tt.qWest, -8.01, 125.03, -8)},
			}
			pop, err := plan.Allocate(context.Background(), units, g, nil)
			if err != nil {
				t.Fatal(err)
			}
			p, q := pop.Units[0], pop.Units[1]
			if p.Cells != tt.pCells || p.GridPeople != tt.pGrid || q.Cells != tt.qCells || q.GridPeople != tt.qGrid {
				t.Errorf("P %d cells (%g), Q %d cells (%g); want %d (%g), %d (%g)",
					p.Cells, p.GridPeople, q.Cells, q.GridPeople, tt.pCells, tt.pGrid, tt.qCells, tt.qGrid)
			}
			if pop.EdgeCells != 1 || pop.EdgeGridPeople != 2 || pop.OutsideCells != 1 || pop.OutsideGridPeople != 8 {
				t.Errorf("edge %d cells (%g), outside %d (%g); want 1 (2), 1 (8)",
					pop.EdgeCells, pop.EdgeGridPeople, pop.OutsideCells, pop.OutsideGridPeople)
			}
		})
	}
}

// TestAllocateOverlap checks that a cell inside two overlapping units counts in the first.
func TestAllocateOverlap(t *testing.T) {
	g := popGrid(t, 1, 1, 3)
	units := []analysis.AdminUnit{
		{Code: "P", Population: 10, Households: 2, Geometry: popRect(124.9, -8.1, 125.1, -7.9)},
		{Code: "Q", Population: 20, Households: 4, Geometry: popRect(124.95, -8.05, 125.05, -7.95)},
	}
	pop, err := plan.Allocate(context.Background(), units, g, nil)
	if err != nil {
		t.Fatal(err)
	}
	if pop.Units[0].Cells != 1 || pop.Units[1].Cells != 0 || pop.Units[1].Rule != plan.EqualShare {
		t.Errorf("units %+v, want the cell in P only", pop.Units)
	}
}

func TestAllocateErrors(t *testing.T) {
	g := popGrid(t, 1, 1, 3)
	ok := analysis.AdminUnit{Code: "A", Population: 1, Households: 1, Geometry: popRect(125, -8.01, 125.01, -8)}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name  string
		ctx   context.Context
		units []analysis.AdminUnit
		grid  *raster.Grid
		comms []plan.Community
		want  error
	}{
		{"empty code", context.Background(), []analysis.AdminUnit{{Name: "nameless"}}, g, nil, nil},
		{"duplicate code", context.Background(), []analysis.AdminUnit{ok, ok}, g, nil, nil},
		{"community point NaN", context.Background(), []analysis.AdminUnit{ok},
			g, []plan.Community{popCommunity("X", "A", orb.Point{math.NaN(), -8})}, nil},
		{"invalid grid", context.Background(), []analysis.AdminUnit{ok}, &raster.Grid{Width: 1, Height: 1, CellWidth: 1, CellHeight: 1}, nil, raster.ErrShape},
		{"cancelled", cancelled, []analysis.AdminUnit{ok}, popGrid(t, 100, 100), nil, context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := plan.Allocate(tt.ctx, tt.units, tt.grid, tt.comms)
			if err == nil {
				t.Fatal("no error")
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("error %v, want %v", err, tt.want)
			}
		})
	}
}
