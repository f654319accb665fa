//go:build cgo

// The tests in this file read the bundled population grid through GDAL (raster/gdal), so
// they need cgo; package plan itself does not, and its other tests run without it.

package plan_test

import (
	"context"
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/tasi-gis/tasi/data"
	"github.com/tasi-gis/tasi/plan"
	"github.com/tasi-gis/tasi/raster"
	"github.com/tasi-gis/tasi/raster/gdal"
)

// popTimorLeste loads the bundled sucos, gazetteer localities and population grid.
func popTimorLeste(tb testing.TB) (*data.Reference, *raster.Grid) {
	tb.Helper()
	ref, err := data.TimorLeste()
	if err != nil {
		tb.Fatal(err)
	}
	g, err := gdal.ReadBytes(context.Background(), "population.tif", data.PopulationGrid(), gdal.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	return ref, g
}

// popLocalities turns the gazetteer points into communities, their counts not given.
func popLocalities(ref *data.Reference) []plan.Community {
	comms := make([]plan.Community, len(ref.Localities))
	for i, l := range ref.Localities {
		comms[i] = popCommunity(l.Name, l.UnitCode, l.Point)
		comms[i].Name = l.Name
	}
	return comms
}

// TestAllocateTimorLeste spreads the 2015 census of the 442 bundled sucos over the bundled
// WorldPop grid and shares it among the 2,871 gazetteer localities.
func TestAllocateTimorLeste(t *testing.T) {
	ref, g := popTimorLeste(t)
	comms := popLocalities(ref)
	pop, err := plan.Allocate(context.Background(), ref.Units, g, comms)
	if err != nil {
		t.Fatal(err)
	}
	if len(pop.Units) != 442 {
		t.Fatalf("%d units, want 442", len(pop.Units))
	}

	// Every settled cell of the grid is in one unit, on a unit's edge or outside.
	var cells, noCell, noComm, empty int
	var gridPeople float64
	rules := map[plan.CountRule]int{}
	for _, u := range pop.Units {
		rules[u.Rule]++
		cells += u.Cells
		gridPeople += u.GridPeople
		if u.Cells == 0 {
			noCell++
		}
		if u.Communities == 0 {
			noComm++
		}
		empty += u.Empty
	}
	t.Logf("settled cells: %d inside sucos (%.1f grid people; %d of them on a suco's edge, %.1f), %d outside every suco (%.1f)",
		cells, gridPeople, pop.EdgeCells, pop.EdgeGridPeople, pop.OutsideCells, pop.OutsideGridPeople)
	if cells+pop.OutsideCells != 25486 || math.Abs(gridPeople+pop.OutsideGridPeople-1247886) > 1 {
		t.Errorf("%d + %d cells, %.1f + %.1f grid people; want 25,486 cells and 1,247,886 people in all",
			cells, pop.OutsideCells, gridPeople, pop.OutsideGridPeople)
	}
	// Regression figures of this grid and these sucos (see the log for the detail).
	if pop.EdgeCells != 223 || pop.OutsideCells != 165 {
		t.Errorf("%d edge cells, %d outside; were 223 and 165", pop.EdgeCells, pop.OutsideCells)
	}
	t.Logf("sucos: %d spread over the grid, %d with no settled cell (equal shares), %d without census, %d without locality",
		rules[plan.FromGrid], rules[plan.EqualShare], rules[plan.Unknown], noComm)
	if rules[plan.FromGrid] != 318 || noCell != 124 || rules[plan.EqualShare] != 124 || rules[plan.Unknown] != 0 || noComm != 13 {
		t.Errorf("sucos by rule %v, %d without settled cell, %d without locality; were 318 from the grid, 124 without cell, 13 without locality",
			rules, noCell, noComm)
	}

	// Each suco's scaled cells sum to its census counts, and its localities (or, without
	// any, its unassigned counts) hold all of them.
	everywhere := pop.PeopleIn(func(orb.Point) bool { return true })
	sumPeople := make([]float64, len(ref.Units))
	sumHouseholds := make([]float64, len(ref.Units))
	byCode := map[string]int{}
	for i, u := range ref.Units {
		byCode[u.Code] = i
	}
	crules := map[plan.CountRule]int{}
	for _, c := range comms {
		crules[c.Rule]++
		sumPeople[byCode[c.UnitCode]] += c.Population
		sumHouseholds[byCode[c.UnitCode]] += c.Households
	}
	var totalPeople, totalHouseholds, exposedPeople float64
	for i, u := range ref.Units {
		up := pop.Units[i]
		if up.Code != u.Code || up.Population != float64(u.Population) || up.Households != float64(u.Households) {
			t.Fatalf("unit %d = %+v, from %+v", i, up, u)
		}
		if up.Rule == plan.FromGrid {
			if got := everywhere.Units[i]; math.Abs(got.People-up.Population) > 0.5 || math.Abs(got.Households-up.Households) > 0.5 {
				t.Errorf("%s %s: scaled cells sum to %.3f people, %.3f households; census %d, %d",
					u.Code, u.Name, got.People, got.Households, u.Population, u.Households)
			}
		}
		p, h := sumPeople[i]+up.Unassigned.People, sumHouseholds[i]+up.Unassigned.Households
		if math.Abs(p-up.Population) > 0.5 || math.Abs(h-up.Households) > 0.5 {
			t.Errorf("%s %s (%s): localities and unassigned hold %.3f people, %.3f households; census %d, %d",
				u.Code, u.Name, up.Rule, p, h, u.Population, u.Households)
		}
		totalPeople += p
		totalHouseholds += h
	}
	for _, c := range everywhere.Communities {
		exposedPeople += c.People
	}
	t.Logf("localities: %v; %d spread from the grid hold no settled cell (0 people)", crules, empty)
	t.Logf("total %.3f people, %.3f households; %.3f people at a locality, %.3f unassigned",
		totalPeople, totalHouseholds, exposedPeople, everywhere.Unassigned.People)
	if math.Abs(totalPeople-1183643) > 0.5 || math.Abs(totalHouseholds-204597) > 0.5 {
		t.Errorf("total %.3f people, %.3f households; census 1,183,643 and 204,597", totalPeople, totalHouseholds)
	}
	// A zone over the whole country holds everyone but the people of the one suco with
	// neither a settled cell nor a locality, whom nothing places.
	var unplaced float64
	var unplacedNames []string
	for i, up := range pop.Units {
		if up.Cells == 0 && up.Communities == 0 {
			unplaced += up.Population
			unplacedNames = append(unplacedNames, up.Code+" "+ref.Units[i].Name)
		}
	}
	t.Logf("%d sucos with neither settled cell nor locality, %.0f people: %v", len(unplacedNames), unplaced, unplacedNames)
	if got := exposedPeople + everywhere.Unassigned.People; math.Abs(got-(1183643-unplaced)) > 0.5 {
		t.Errorf("everywhere holds %.3f people, want 1,183,643 − %.0f unplaced", got, unplaced)
	}

	// The cells of a few sucos, found without the index.
	for _, code := range []string{"TL060503", "TL030315", "TL060403", "TL050601", "TL130206", "TL110503"} {
		i := byCode[code]
		u := ref.Units[i]
		n, w := 0, 0.0
		for c, v := range g.Cells(u.Geometry.Bound()) {
			if v > 0 && planar.MultiPolygonContains(u.Geometry, g.Centre(c.Col, c.Row)) {
				n++
				w += float64(v)
			}
		}
		up := pop.Units[i]
		t.Logf("%s %s: %d cells with centre inside (%d with edge cells), %.1f grid people, census %d", code, u.Name, n, up.Cells, w, u.Population)
		if up.Cells < n || (up.Cells == n && math.Abs(up.GridPeople-w) > 1e-6) {
			t.Errorf("%s %s: %d cells, %.3f grid people; brute force finds %d cells inside, %.3f people",
				code, u.Name, up.Cells, up.GridPeople, n, w)
		}
	}
}
