package plan_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/project"
	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/plan"
	"github.com/tasi-gis/tasi/raster"
)

// TestAssessment assesses communities at known distances behind the straight coast
// retreating 2 m/yr (as TestAssessStraightCoast), with people spread evenly over a grid:
// its lists are Select's, and its tallies per unit add up the rows of those lists.
func TestAssessment(t *testing.T) {
	res := straightRun(t, -2)
	f, err := plan.NewForecast(res, plan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	unit := res.Units[0].Unit
	unit.Geometry = project.MultiPolygon(unit.Geometry.Clone(), res.Zone.Inverse)
	unit.Households = 100
	b := unit.Geometry.Bound()
	const cell = 0.0005
	grid, err := raster.New(orb.Point{b.Min[0], b.Max[1]}, cell, cell, int(math.Ceil((b.Max[0]-b.Min[0])/cell)), int(math.Ceil((b.Max[1]-b.Min[1])/cell)))
	if err != nil {
		t.Fatal(err)
	}
	for i := range grid.Values {
		grid.Values[i] = 1
	}
	today := 9050000 - 2*4.0 // the 2004 shoreline
	dists := []float64{10, 60, 80, 100, 150, 400}
	var cs []plan.Community
	for _, d := range dists {
		cs = append(cs, plan.Community{Name: "D", Point: res.Zone.Inverse(orb.Point{701510 + d, today - d}), UnitCode: unit.Code,
			RegionCode: unit.RegionCode, RegionName: unit.RegionName, Population: math.NaN(), Households: math.NaN()})
	}
	prov := analysis.Provenance{Version: "test", Parameters: map[string]string{"confidence": "90"}}
	a, err := plan.NewAssessment(context.Background(), res, f, plan.Inputs{
		Units: []analysis.AdminUnit{unit}, Communities: cs, Grid: grid, RunID: "7", Provenance: prov, Caveats: []string{"synthetic"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Rows) != len(cs) || a.RunID != "7" || a.Zones != 6 || len(a.Municipalities) != 1 ||
		a.Municipalities[0] != (plan.Municipality{Code: "TL99", Name: "Liquiçá"}) || a.RefDate != f.RefDate {
		t.Fatalf("assessment: %d rows, run %q, %d zones, municipalities %v", len(a.Rows), a.RunID, a.Zones, a.Municipalities)
	}
	pop := 0.0
	for _, r := range a.Rows {
		if r.Community.Rule != plan.FromGrid {
			t.Errorf("count rule %q, want %q", r.Community.Rule, plan.FromGrid)
		}
		pop += r.Community.Population
	}
	if math.Abs(pop-500) > 1e-6 {
		t.Errorf("the communities hold %v people, want the census 500", pop)
	}

	// The list of each horizon is Select's, and the tally of the unit adds up its rows.
	tallies := a.TallyUnit(unit.Code)
	if len(tallies) != 3 {
		t.Fatalf("%d tallies, want one per horizon", len(tallies))
	}
	for h, hz := range f.Horizons {
		l, err := a.List(plan.ListOptions{Horizon: hz.Years, Municipality: "TL99"})
		if err != nil {
			t.Fatal(err)
		}
		_, rows, _ := plan.Select(a.Rows, f, []string{"TL99"}, plan.ListOptions{Horizon: hz.Years})
		if l.Selected != h || len(l.Rows) != len(rows) || l.RunID != "7" || l.Caveats[0] != "synthetic" || l.Provenance.Version != "test" ||
			l.Setback != plan.DefaultSetback || l.Confidence != 0.9 || l.RateKind != "LRR" {
			t.Errorf("%d years: list %+v", hz.Years, l)
		}
		want := plan.Tally{Horizon: hz}
		for _, r := range l.Rows {
			want.Communities++
			want.People += math.RoundToEven(r.Exposure[h].People)
			want.Households += math.RoundToEven(r.Exposure[h].Households)
		}
		// Within 2 m/yr × years + 50 m setback: 10 and 60 m by 10 years, 80 m by 20, 100 m by 30.
		if n := []int{2, 3, 4}[h]; want.Communities != n {
			t.Errorf("%d years: %d communities listed, want %d", hz.Years, want.Communities, n)
		}
		if tallies[h] != want || !(want.People > 0) {
			t.Errorf("%d years: tally %+v, want %+v from the rows", hz.Years, tallies[h], want)
		}
	}
	if got := a.TallyUnit("nowhere"); got[0].Communities != 0 || got[2].People != 0 {
		t.Errorf("tally of no unit: %+v", got)
	}
	for _, s := range []string{"TL99", "tl99", "Liquiçá", "LIQUIÇÁ"} {
		if m, ok := a.FindMunicipality(s); !ok || m.Code != "TL99" {
			t.Errorf("FindMunicipality(%q) = %v %v", s, m, ok)
		}
	}
	if _, ok := a.FindMunicipality("TL01"); ok {
		t.Error("FindMunicipality found TL01")
	}
	if _, err := a.List(plan.ListOptions{Horizon: 15}); err == nil {
		t.Error("a list at 15 years, which the forecast lacks")
	}
}

// TestAssessmentWithoutGrid: without a population grid, the counts are unknown and the
// tally says how many communities it could not count.
func TestAssessmentWithoutGrid(t *testing.T) {
	res := straightRun(t, -2)
	f, err := plan.NewForecast(res, plan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	c := plan.Community{Name: "near", Point: res.Zone.Inverse(orb.Point{701510, 9050000 - 8 - 10}), UnitCode: "TL999901",
		RegionCode: "TL99", Population: math.NaN(), Households: math.NaN()}
	a, err := plan.NewAssessment(context.Background(), res, f, plan.Inputs{Communities: []plan.Community{c}})
	if err != nil {
		t.Fatal(err)
	}
	if got := a.TallyUnit("TL999901")[0]; got.Communities != 1 || got.Uncounted != 1 || got.People != 0 {
		t.Errorf("tally %+v, want 1 community, uncounted", got)
	}
	if r := a.Rows[0].Community.Rule; r != plan.Unknown {
		t.Errorf("count rule %q without counts or grid, want %q", r, plan.Unknown)
	}
	c.Households = 12
	a, err = plan.NewAssessment(context.Background(), res, f, plan.Inputs{Communities: []plan.Community{c}})
	if err != nil || a.Rows[0].Community.Rule != plan.FromLayer {
		t.Errorf("count rule %q with the layer's households, want %q (%v)", a.Rows[0].Community.Rule, plan.FromLayer, err)
	}
	if len(a.Municipalities) != 0 {
		t.Errorf("municipalities %v without units", a.Municipalities)
	}
}

func TestParseHorizon(t *testing.T) {
	ref := time.Date(2024, 8, 25, 0, 0, 0, 0, time.UTC)
	hs := []plan.Horizon{{Years: 10, Date: ref.AddDate(10, 0, 0)}, {Years: 20, Date: ref.AddDate(20, 0, 0)}, {Years: 30, Date: ref.AddDate(30, 0, 0)}}
	for _, tc := range []struct {
		in   string
		want int
		err  string // part of the error, "" for none
	}{
		{"", 1, ""},
		{" 10 ", 0, ""},
		{"30", 2, ""},
		{"2034", 0, ""},
		{"2054", 2, ""},
		{"15", 0, "not one of the forecast's horizons, 10 (2034), 20 (2044), 30 (2054)"},
		{"2039", 0, "15 years after the reference date 2024-08-25: not one of"},
		{"2024", 0, "the year 2024 is before or in the reference year 2024 (the reference date is 2024-08-25)"},
		{"1999", 0, "before or in the reference year"},
		{"2125", 0, "101 years after the reference date 2024-08-25; it must be 1 to 100"},
		{"101", 0, "101 years after the reference date; it must be 1 to 100"},
		{"0", 0, "must come after the reference date"},
		{"-5", 0, "must come after the reference date"},
		{"999", 0, "it must be 1 to 100"},
		{"20.5", 0, "want years after the reference date (20) or a calendar year (2045)"},
		{"soon", 0, "want years"},
	} {
		got, err := plan.ParseHorizon(tc.in, ref, hs)
		switch {
		case tc.err == "" && (err != nil || got != tc.want):
			t.Errorf("ParseHorizon(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("ParseHorizon(%q): error %v, want one with %q", tc.in, err, tc.err)
		}
		if want := strings.Contains(tc.err, "not one of"); errors.Is(err, plan.ErrHorizon) != want {
			t.Errorf("ParseHorizon(%q): errors.Is(ErrHorizon) = %v, want %v", tc.in, !want, want)
		}
	}
	if _, err := plan.HorizonYears("2044", time.Time{}); err == nil {
		t.Error("a calendar year without a reference date")
	}
	if y, err := plan.HorizonYears("20", time.Time{}); err != nil || y != 20 {
		t.Errorf("20 years without a reference date: %d %v", y, err)
	}
}

func TestRunConfidence(t *testing.T) {
	for in, want := range map[string]float64{"90": 0.9, "95.5": 0.955, "": 0, "0.9x": 0, "100": 0, "0": 0} {
		if got := plan.RunConfidence(analysis.Provenance{Parameters: map[string]string{"confidence": in}}); math.Abs(got-want) > 1e-12 {
			t.Errorf("confidence %q: %v, want %v", in, got, want)
		}
	}
}
