package plan_test

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/project"
	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/plan"
	"github.com/tasi-gis/tasi/raster"
	"github.com/tasi-gis/tasi/vector/utm"
)

// The hand-built coast of the relocation tests, in UTM 51S: posto TL9999 holds suco
// TL999901 (699–704 km E, 9045–9050 km N, the sea to the north) and suco TL999902 east
// of it (704–709 km E); suco TL999903 (709–710 km E, 9049–9050 km N) lies wholly in the
// hazard zone; suco TL888801 (710–711 km E) has no posto and lies in the zone too. The
// band-edge zone of the last horizon covers the northern strip 9049–9050 km N from 699
// to 711 km E (north of y0 below); the other zones must be ignored.
var relocZone = utm.Zone{Number: 51, South: true}

func relocRect(x0, y0, x1, y1 float64) orb.MultiPolygon {
	return orb.MultiPolygon{{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}}
}

func relocUnits() []analysis.AdminUnit {
	ll := func(mp orb.MultiPolygon) orb.MultiPolygon { return project.MultiPolygon(mp, relocZone.Inverse) }
	return []analysis.AdminUnit{
		{Code: "TL999901", Name: "West", ParentCode: "TL9999", Geometry: ll(relocRect(699000, 9045000, 704000, 9050000))},
		{Code: "TL999902", Name: "East", ParentCode: "TL9999", Geometry: ll(relocRect(704000, 9045000, 709000, 9050000))},
		{Code: "TL999903", Name: "Spit", ParentCode: "TL9999", Geometry: ll(relocRect(709000, 9049000, 710000, 9050000))},
		{Code: "TL888801", Name: "Lone", Geometry: ll(relocRect(710000, 9049000, 711000, 9050000))},
	}
}

// relocZones returns the zones: the band edge of the last horizon (index 1) reaching
// south to y0, and a best-estimate zone and a first-horizon band zone that reach much
// further inland and must not count.
func relocZones(y0 float64) []plan.Zone {
	return []plan.Zone{
		{Horizon: 1, Band: true, Geometry: relocRect(699000, y0, 711000, 9050000)},
		{Horizon: 1, Band: false, Geometry: relocRect(699000, 9040000, 711000, 9050000)},
		{Horizon: 0, Band: true, Geometry: relocRect(699000, 9040000, 711000, 9050000)},
	}
}

// relocCommunity is a community at (x, y) in UTM, in the band-edge zone of the last
// horizon with people in it.
func relocCommunity(code, unit string, x, y, people float64) plan.AtRisk {
	ref := time.Date(2004, 1, 1, 0, 0, 0, 0, time.UTC)
	return plan.AtRisk{
		Community: plan.Community{Code: code, Name: code, Point: relocZone.Inverse(orb.Point{x, y}), UnitCode: unit,
			Population: math.NaN(), Households: math.NaN()},
		Exposure: []plan.Exposure{
			{Horizon: plan.Horizon{Years: 10, Date: ref.AddDate(10, 0, 0)}, People: 0, Households: 0},
			{Horizon: plan.Horizon{Years: 30, Date: ref.AddDate(30, 0, 0)}, InBand: true, Probability: 0.2, People: people, Households: people / 5},
		},
		DistanceToShore: math.NaN(), Rate: math.NaN(), RateCI: math.NaN(), YearReached: math.NaN(), YearReachedBand: 2030,
	}
}

func relocAssessment(rows ...plan.AtRisk) *plan.Assessment {
	ref := time.Date(2004, 1, 1, 0, 0, 0, 0, time.UTC)
	return &plan.Assessment{
		RunID: "7", RefDate: ref, Setback: 50, Confidence: 0.9, RateKind: "LRR",
		Horizons: []plan.Horizon{{Years: 10, Date: ref.AddDate(10, 0, 0)}, {Years: 30, Date: ref.AddDate(30, 0, 0)}},
		Rows:     rows, Caveats: []string{"synthetic"},
	}
}

func relocNear(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

type wantOption struct {
	code     string
	scope    string
	distance float64
	capacity float64
	partial  bool
}

func checkOptions(t *testing.T, r plan.Relocation, want []wantOption) {
	t.Helper()
	if len(r.Options) != len(want) {
		codes := make([]string, len(r.Options))
		for i, o := range r.Options {
			codes[i] = o.Site.Code
		}
		t.Fatalf("%s: %d options %v, want %d", r.AtRisk.Community.Code, len(r.Options), codes, len(want))
	}
	for i, w := range want {
		o := r.Options[i]
		if o.Site.Code != w.code || o.Scope != w.scope || !relocNear(o.Distance, w.distance, 0.01) ||
			o.Capacity != w.capacity || o.Partial != w.partial || o.Rank != i+1 {
			t.Errorf("%s option %d: %s (%s) at %.2f m, capacity %g, partial %v, rank %d; want %s (%s) at %.2f m, capacity %g, partial %v",
				r.AtRisk.Community.Code, i+1, o.Site.Code, o.Scope, o.Distance, o.Capacity, o.Partial, o.Rank,
				w.code, w.scope, w.distance, w.capacity, w.partial)
		}
	}
}

// TestRelocateGrid checks the grid cells, the capacity rule and the ranking against
// figures worked out by hand: 1 km cells, 45 m² per person, so a whole cell holds
// ⌊1,000,000 / 45⌋ = 22,222 people.
func TestRelocateGrid(t *testing.T) {
	opt := plan.DefaultRelocationOptions()
	opt.Cell = 1000
	tests := []struct {
		name    string
		y0      float64 // south edge of the band-edge zone
		row     plan.AtRisk
		want    []wantOption
		reasons []string
	}{
		{
			// 300 people 500 m from the coast: the three nearest cells of the first safe
			// row, 1,000 m and √2 km away, ties by code.
			name: "full cells in the suco", y0: 9049000, row: relocCommunity("A", "TL999901", 701500, 9049500, 300),
			want: []wantOption{
				{"TL999901-E701000N9048000", plan.ScopeSuco, 1000, 22222, false},
				{"TL999901-E700000N9048000", plan.ScopeSuco, math.Sqrt2 * 1000, 22222, false},
				{"TL999901-E702000N9048000", plan.ScopeSuco, math.Sqrt2 * 1000, 22222, false},
			},
		},
		{
			// The zone reaches 50 m into the first row: its cells keep 950,000 m², 21,111
			// people, fewer than the 21,500 to move. Cells that hold everyone come first
			// (the second row, its centroids 2 km and √5 km away).
			name: "partial cells after full ones", y0: 9048950, row: relocCommunity("B", "TL999901", 701500, 9049500, 21500),
			want: []wantOption{
				{"TL999901-E701000N9047000", plan.ScopeSuco, 2000, 22222, false},
				{"TL999901-E700000N9047000", plan.ScopeSuco, math.Sqrt(5) * 1000, 22222, false},
				{"TL999901-E702000N9047000", plan.ScopeSuco, math.Sqrt(5) * 1000, 22222, false},
			},
		},
		{
			// More people than any cell holds: the nearest cells, all partial; the first
			// row keeps 950 m of 1,000, centroid 525 m south of its top.
			name: "partial only", y0: 9048950, row: relocCommunity("C", "TL999901", 701500, 9049500, 30000),
			want: []wantOption{
				{"TL999901-E701000N9048000", plan.ScopeSuco, 1025, 21111, true},
				{"TL999901-E700000N9048000", plan.ScopeSuco, math.Hypot(1000, 1025), 21111, true},
				{"TL999901-E702000N9048000", plan.ScopeSuco, math.Hypot(1000, 1025), 21111, true},
			},
			reasons: []string{plan.ReasonPartialOnly},
		},
		{
			// The zone leaves a 50 m strip of the first row (5 % of a cell, under the 10 %
			// minimum): those slivers are no sites.
			name: "slivers left out", y0: 9048050, row: relocCommunity("D", "TL999901", 701500, 9049500, 300),
			want: []wantOption{
				{"TL999901-E701000N9047000", plan.ScopeSuco, 2000, 22222, false},
				{"TL999901-E700000N9047000", plan.ScopeSuco, math.Sqrt(5) * 1000, 22222, false},
				{"TL999901-E702000N9047000", plan.ScopeSuco, math.Sqrt(5) * 1000, 22222, false},
			},
		},
		{
			// A suco wholly in the zone: the nearest cells of the other sucos of its posto.
			name: "posto when the suco has none", y0: 9049000, row: relocCommunity("E", "TL999903", 709500, 9049500, 300),
			want: []wantOption{
				{"TL999902-E708000N9048000", plan.ScopeSuco, math.Sqrt2 * 1000, 22222, false},
				{"TL999902-E707000N9048000", plan.ScopeSuco, math.Hypot(2000, 1000), 22222, false},
				{"TL999902-E708000N9047000", plan.ScopeSuco, math.Hypot(1000, 2000), 22222, false},
			},
		},
		{
			name: "no posto", y0: 9049000, row: relocCommunity("F", "TL888801", 710500, 9049500, 300),
			reasons: []string{plan.ReasonNoPosto, plan.ReasonNoSite, plan.ReasonNoSafeLand},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := plan.RelocationInputs{Zone: relocZone, Zones: relocZones(tt.y0), Units: relocUnits()}
			p, err := plan.Relocate(context.Background(), relocAssessment(tt.row), in, opt)
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Rows) != 1 {
				t.Fatalf("%d rows, want 1", len(p.Rows))
			}
			r := p.Rows[0]
			want := tt.want
			for i := range want {
				if tt.row.Community.UnitCode == "TL999903" {
					want[i].scope = plan.ScopePosto
				}
			}
			checkOptions(t, r, want)
			if !slices.Equal(r.Reasons, tt.reasons) {
				t.Errorf("reasons %v, want %v", r.Reasons, tt.reasons)
			}
			if p.ElevationApplied || !strings.Contains(strings.Join(p.Caveats, " "), "not applied") {
				t.Errorf("without a DEM: applied %v, caveats %q", p.ElevationApplied, p.Caveats)
			}
			people := tt.row.Exposure[1].People
			if r.People != people || r.Land != people*45 || r.Covered != people*3.5 {
				t.Errorf("people %g, land %g m², covered %g m²; want %g, %g, %g", r.People, r.Land, r.Covered, people, people*45, people*3.5)
			}
			for _, o := range r.Options {
				if !math.IsNaN(o.Elevation) || !math.IsNaN(o.Slope) || !slices.Contains(o.Reasons, plan.ReasonNoDEM) {
					t.Errorf("option %s without a DEM: elevation %g, slope %g, reasons %v", o.Site.Code, o.Elevation, o.Slope, o.Reasons)
				}
				if o.Site.Kind != plan.SiteGridCell || o.Capacity != math.Floor(o.Area/45) {
					t.Errorf("option %s: kind %q, area %g, capacity %g", o.Site.Code, o.Site.Kind, o.Area, o.Capacity)
				}
			}
		})
	}
}

// TestRelocateWho: communities with nobody in the zone are left out, those the zone
// counts as unknown take their own count, and rows keep the at-risk list's order.
func TestRelocateWho(t *testing.T) {
	empty := relocCommunity("empty", "TL999901", 701500, 9049500, 0)
	own := relocCommunity("own", "TL999901", 701500, 9049500, math.NaN())
	own.Community.Population, own.Community.Households = 120, 24
	unknown := relocCommunity("unknown", "TL999901", 701500, 9049500, math.NaN())
	outside := relocCommunity("outside", "TL999901", 701500, 9045500, 50)
	outside.Exposure[1].InBand = false
	opt := plan.DefaultRelocationOptions()
	opt.Cell = 1000
	in := plan.RelocationInputs{Zone: relocZone, Zones: relocZones(9049000), Units: relocUnits()}
	p, err := plan.Relocate(context.Background(), relocAssessment(empty, own, unknown, outside), in, opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Rows) != 2 || p.Rows[0].AtRisk.Community.Code != "own" || p.Rows[1].AtRisk.Community.Code != "unknown" {
		t.Fatalf("%d rows, want own and unknown", len(p.Rows))
	}
	if r := p.Rows[0]; r.People != 120 || r.Households != 24 || !slices.Contains(r.Reasons, plan.ReasonOwnCount) {
		t.Errorf("own: %g people, %g households, reasons %v", r.People, r.Households, r.Reasons)
	}
	if r := p.Rows[1]; !math.IsNaN(r.People) || !slices.Contains(r.Reasons, plan.ReasonCapacityUnknown) || len(r.Options) != 3 || r.Options[0].Partial {
		t.Errorf("unknown: %g people, reasons %v, %d options", r.People, r.Reasons, len(r.Options))
	}
	if p.Horizon.Years != 30 || p.Setback != 50 || p.Cell != 1000 || p.AreaPerPerson != 45 || p.CoveredPerPerson != 3.5 {
		t.Errorf("plan settings: horizon %d, setback %g, cell %g, %g/%g m² per person", p.Horizon.Years, p.Setback, p.Cell, p.AreaPerPerson, p.CoveredPerPerson)
	}
}

// relocDEM is a synthetic DEM in lon/lat over the hand-built coast: a plane rising 1 m
// per 100 m inland from 0 m at the coast (y = 9050 km), so that its elevation is
// (9,050,000 − y) / 100 m and its slope atan(0.01) = 0.573°.
func relocDEM(t *testing.T) *raster.Grid {
	t.Helper()
	b := project.MultiPolygon(relocRect(698000, 9043000, 712000, 9051000), relocZone.Inverse).Bound()
	const cell = 0.0005 // about 55 m
	g, err := raster.New(orb.Point{b.Min[0], b.Max[1]}, cell, cell, int((b.Max[0]-b.Min[0])/cell)+1, int((b.Max[1]-b.Min[1])/cell)+1)
	if err != nil {
		t.Fatal(err)
	}
	for row := range g.Height {
		for col := range g.Width {
			y := relocZone.Forward(g.Centre(col, row))[1]
			g.Set(col, row, float32((9050000-y)/100))
		}
	}
	return g
}

// TestRelocateElevation applies the DEM criteria: cells whose mean elevation is under the
// minimum, or whose slope is over the maximum, are left out and the rows say so.
func TestRelocateElevation(t *testing.T) {
	dem := relocDEM(t)
	wantSlope := math.Atan(0.01) * 180 / math.Pi
	tests := []struct {
		name            string
		minElev, maxSlp float64
		want            []wantOption
		elevations      []float64 // of the options, ±0.5 m
		reasons         []string
	}{
		{
			// The first safe row's cells (centroids 1.5 km inland, 15 m) are too low for
			// 20 m: the second row's (25 m) serve.
			name: "low cells left out", minElev: 20, maxSlp: plan.DefaultMaxSlope,
			want: []wantOption{
				{"TL999901-E701000N9047000", plan.ScopeSuco, 2000, 22222, false},
				{"TL999901-E700000N9047000", plan.ScopeSuco, math.Sqrt(5) * 1000, 22222, false},
				{"TL999901-E702000N9047000", plan.ScopeSuco, math.Sqrt(5) * 1000, 22222, false},
			},
			elevations: []float64{25, 25, 25},
		},
		{
			name: "all above", minElev: 10, maxSlp: plan.DefaultMaxSlope,
			want: []wantOption{
				{"TL999901-E701000N9048000", plan.ScopeSuco, 1000, 22222, false},
				{"TL999901-E700000N9048000", plan.ScopeSuco, math.Sqrt2 * 1000, 22222, false},
				{"TL999901-E702000N9048000", plan.ScopeSuco, math.Sqrt2 * 1000, 22222, false},
			},
			elevations: []float64{15, 15, 15},
		},
		{
			// 0.5° is steeper than the plane allows: no site anywhere.
			name: "too steep", minElev: 10, maxSlp: 0.5,
			reasons: []string{plan.ReasonNoSite, plan.ReasonSteep},
		},
		{
			// Nothing reaches 100 m: low everywhere.
			name: "too low", minElev: 100, maxSlp: plan.DefaultMaxSlope,
			reasons: []string{plan.ReasonNoSite, plan.ReasonLowElevation},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opt := plan.DefaultRelocationOptions()
			opt.Cell, opt.MinElevation, opt.MaxSlope = 1000, tt.minElev, tt.maxSlp
			in := plan.RelocationInputs{Zone: relocZone, Zones: relocZones(9049000), Units: relocUnits(), DEM: dem, DEMSource: "plane.tif"}
			p, err := plan.Relocate(context.Background(), relocAssessment(relocCommunity("A", "TL999901", 701500, 9049500, 300)), in, opt)
			if err != nil {
				t.Fatal(err)
			}
			r := p.Rows[0]
			checkOptions(t, r, tt.want)
			if !slices.Equal(r.Reasons, tt.reasons) {
				t.Errorf("reasons %v, want %v", r.Reasons, tt.reasons)
			}
			for i, o := range r.Options {
				if !relocNear(o.Elevation, tt.elevations[i], 0.5) || !relocNear(o.Slope, wantSlope, 0.01*wantSlope) {
					t.Errorf("option %s: elevation %.2f m, slope %.4f°; want %.1f m, %.4f°", o.Site.Code, o.Elevation, o.Slope, tt.elevations[i], wantSlope)
				}
				if !slices.Contains(o.Reasons, plan.ReasonElevationOK) || !slices.Contains(o.Reasons, plan.ReasonSlopeOK) {
					t.Errorf("option %s: reasons %v", o.Site.Code, o.Reasons)
				}
			}
			if !p.ElevationApplied || p.DEM != "plane.tif" || !strings.Contains(strings.Join(p.Caveats, " "), "Elevation criterion applied") {
				t.Errorf("with a DEM: applied %v, DEM %q, caveats %q", p.ElevationApplied, p.DEM, p.Caveats)
			}
		})
	}
	// Where the DEM has no data, sites cannot be checked and are left out.
	hole := relocDEM(t)
	for i := range hole.Values {
		hole.Values[i] = float32(math.NaN())
	}
	in := plan.RelocationInputs{Zone: relocZone, Zones: relocZones(9049000), Units: relocUnits(), DEM: hole}
	opt := plan.DefaultRelocationOptions()
	opt.Cell = 1000
	p, err := plan.Relocate(context.Background(), relocAssessment(relocCommunity("A", "TL999901", 701500, 9049500, 300)), in, opt)
	if err != nil {
		t.Fatal(err)
	}
	if r := p.Rows[0]; len(r.Options) != 0 || !slices.Equal(r.Reasons, []string{plan.ReasonNoSite, plan.ReasonNoElevationData}) {
		t.Errorf("DEM without data: %d options, reasons %v", len(r.Options), r.Reasons)
	}
}

// TestRelocateSites ranks the sites of a file: a site in the zone is left out, a point
// takes its given capacity, a polygon its area ÷ 45 m².
func TestRelocateSites(t *testing.T) {
	ll := func(x, y float64) orb.Point { return relocZone.Inverse(orb.Point{x, y}) }
	poly := func(x0, y0, x1, y1 float64) orb.Polygon {
		return project.MultiPolygon(relocRect(x0, y0, x1, y1), relocZone.Inverse)[0]
	}
	nan := math.NaN()
	sites := []plan.Site{
		{Code: "school", Name: "School", Geometry: ll(701500, 9048000), Area: nan, Capacity: 100, UnitCode: "TL999901", ParentCode: "TL9999"},
		{Code: "field", Name: "Field", Geometry: poly(702000, 9047000, 702200, 9047200), Area: nan, Capacity: nan, UnitCode: "TL999901", ParentCode: "TL9999"},
		{Code: "beach", Name: "Beach", Geometry: ll(701000, 9049500), Area: nan, Capacity: 500, UnitCode: "TL999901", ParentCode: "TL9999"},
		{Code: "dune", Name: "Dune", Geometry: poly(700000, 9048900, 700300, 9049100), Area: nan, Capacity: nan, UnitCode: "TL999901", ParentCode: "TL9999"},
		{Code: "church", Name: "Church", Geometry: ll(705000, 9048000), Area: 9000, Capacity: nan, UnitCode: "TL999902", ParentCode: "TL9999"},
	}
	in := plan.RelocationInputs{Zone: relocZone, Zones: relocZones(9049000), Units: relocUnits(), Sites: sites, SitesSource: "sites.geojson"}
	p, err := plan.Relocate(context.Background(), relocAssessment(relocCommunity("A", "TL999901", 701500, 9049500, 150)), in, plan.DefaultRelocationOptions())
	if err != nil {
		t.Fatal(err)
	}
	// field: 40,000 m² → 888 people, centroid (702100, 9047100); church: 9,000 m² → 200
	// people in the posto; school: 100 people < 150, partial.
	checkOptions(t, p.Rows[0], []wantOption{
		{"field", plan.ScopeSuco, math.Hypot(600, 2400), 888, false},
		{"church", plan.ScopePosto, math.Hypot(3500, 1500), 200, false},
		{"school", plan.ScopeSuco, 1500, 100, true},
	})
	if p.Sites != "sites.geojson" || p.Cell != 0 || p.Rows[0].Options[0].Site.Kind != plan.SiteFromFile {
		t.Errorf("sites %q, cell %g", p.Sites, p.Cell)
	}
	if got := p.Rows[0].Reasons; len(got) != 0 {
		t.Errorf("reasons %v, want none", got)
	}
	// Without the church, two sites and the reason: the others lie in the zone.
	p, err = plan.Relocate(context.Background(), relocAssessment(relocCommunity("A", "TL999901", 701500, 9049500, 150)),
		plan.RelocationInputs{Zone: relocZone, Zones: relocZones(9049000), Units: relocUnits(), Sites: sites[:4]}, plan.DefaultRelocationOptions())
	if err != nil {
		t.Fatal(err)
	}
	if got, want := p.Rows[0].Reasons, []string{plan.ReasonFewerSites, plan.ReasonInHazardZone}; !slices.Equal(got, want) {
		t.Errorf("reasons %v, want %v", got, want)
	}

	for _, tt := range []struct {
		name  string
		sites []plan.Site
		want  string
	}{
		{"no code", []plan.Site{{Name: "X", Geometry: ll(701500, 9048000), Capacity: 10, Area: nan}}, "no code"},
		{"duplicate", []plan.Site{sites[0], sites[0]}, `code "school" is also site 1's`},
		{"point without capacity", []plan.Site{{Code: "p", Geometry: ll(701500, 9048000), Capacity: nan, Area: nan}}, "needs a capacity or an area"},
		{"line", []plan.Site{{Code: "l", Geometry: orb.LineString{ll(0, 0), ll(1, 1)}, Capacity: 1, Area: nan}}, "want a point or polygon"},
	} {
		_, err := plan.Relocate(context.Background(), relocAssessment(), plan.RelocationInputs{Zone: relocZone, Units: relocUnits(), Sites: tt.sites}, plan.DefaultRelocationOptions())
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
}

// TestRelocateOptions refuses options that cannot make a plan, and honours ctx.
func TestRelocateOptions(t *testing.T) {
	in := plan.RelocationInputs{Zone: relocZone, Zones: relocZones(9049000), Units: relocUnits()}
	for _, tt := range []struct {
		name string
		edit func(*plan.RelocationOptions)
		want string
	}{
		{"zero", func(o *plan.RelocationOptions) { *o = plan.RelocationOptions{} }, "cell 0 m"},
		{"area", func(o *plan.RelocationOptions) { o.AreaPerPerson = -1 }, "area per person"},
		{"covered", func(o *plan.RelocationOptions) { o.CoveredPerPerson = 50 }, "covered area per person"},
		{"slope", func(o *plan.RelocationOptions) { o.MaxSlope = 91 }, "maximum slope"},
		{"elevation", func(o *plan.RelocationOptions) { o.MinElevation = math.NaN() }, "minimum elevation"},
	} {
		opt := plan.DefaultRelocationOptions()
		tt.edit(&opt)
		if _, err := plan.Relocate(context.Background(), relocAssessment(), in, opt); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
	if _, err := plan.Relocate(context.Background(), &plan.Assessment{}, in, plan.DefaultRelocationOptions()); !errors.Is(err, plan.ErrNoHorizon) {
		t.Errorf("no horizon: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := plan.Relocate(ctx, relocAssessment(relocCommunity("A", "TL999901", 701500, 9049500, 300)), in, plan.DefaultRelocationOptions()); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}
