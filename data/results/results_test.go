package results_test

import (
	"context"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/data/results"
	"github.com/tasi-gis/tasi/vector/change"
	"github.com/tasi-gis/tasi/vector/transect"
	"github.com/tasi-gis/tasi/vector/utm"
)

func TestNewMemoryRejects(t *testing.T) {
	ok := results.Run{ID: 1, Status: results.StatusSucceeded}
	res := &analysis.Result{Zone: utm.Zone{Number: 51, South: true}}
	for _, tc := range []struct {
		name string
		run  results.Run
		res  *analysis.Result
		want string
	}{
		{"nil result", ok, nil, "nil result"},
		{"no id", results.Run{Status: results.StatusSucceeded}, res, "must be positive"},
		{"failed", results.Run{ID: 2, Status: results.StatusFailed}, res, "only a succeeded run"},
		{"no zone", ok, &analysis.Result{}, "no UTM zone"},
		{"bad unit", ok, &analysis.Result{Zone: res.Zone, Transects: []analysis.Transect{{Label: "1", Unit: 3}}}, "out of range"},
		{"bad intersection", ok, &analysis.Result{Zone: res.Zone, Intersections: []analysis.Intersection{{Transect: 5}}}, "out of range"},
	} {
		if _, err := results.NewMemory(tc.run, tc.res); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
}

// TestMemory checks the memory store on a hand-made run of two units in UTM 51S.
func TestMemory(t *testing.T) {
	zone := utm.Zone{Number: 51, South: true}
	square := func(x float64) orb.MultiPolygon {
		return orb.MultiPolygon{{{{x, 9049000}, {x + 1000, 9049000}, {x + 1000, 9050000}, {x, 9050000}, {x, 9049000}}}}
	}
	nan := math.NaN()
	res := &analysis.Result{Zone: zone, Units: []analysis.UnitChange{
		{Unit: analysis.AdminUnit{Code: "TL0102", Name: "B", RegionCode: "TL01", RegionName: "Díli", Population: -1, Households: -1, Geometry: square(700000)},
			Summary: change.Summary{Transects: 1, MeanLRR: -1}},
		{Unit: analysis.AdminUnit{Code: "TL0201", Name: "A", RegionCode: "TL02", RegionName: "Baucau", Population: 10, Households: 2, Geometry: square(701000)},
			Summary: change.Summary{Transects: 1, MeanLRR: nan}},
	}}
	for i, x := range []float64{700500, 701500, 702500} {
		unit := i
		if i == 2 {
			unit = -1
		}
		res.Transects = append(res.Transects, analysis.Transect{Label: []string{"a", "b", "a"}[i], Unit: unit,
			Transect: transect.Transect{Origin: orb.Point{x, 9049700}, End: orb.Point{x, 9050300}, Base: 300}})
	}
	res.Intersections = []analysis.Intersection{{Transect: 0, Shoreline: 2, Distance: 3}, {Transect: 0, Shoreline: 0, Distance: 1}}
	m, err := results.NewMemory(results.Run{ID: 7, Status: results.StatusSucceeded}, res)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	run, err := m.FindRun(ctx, results.Latest)
	if err != nil || run.ID != 7 || run.EPSG != 32751 || run.Transects != 3 || run.Units != 2 || run.Intersections != 2 {
		t.Errorf("run %+v %v", run, err)
	}
	if listed, _ := m.ListRuns(ctx); len(listed) != 1 || !reflect.DeepEqual(listed[0], run) || !reflect.DeepEqual(m.Run(), run) {
		t.Errorf("ListRuns %+v and Run %+v, want the run FindRun gives, counts included: %+v", listed, m.Run(), run)
	}
	if _, err := m.FindRun(ctx, 8); !errors.Is(err, results.ErrNotFound) || err.Error() != "run 8 not found" {
		t.Errorf("run 8: %v", err)
	}
	for _, tc := range []struct {
		q    results.UnitsQuery
		want string
	}{
		{results.UnitsQuery{Limit: 10}, "TL0102 TL0201"},
		{results.UnitsQuery{Limit: 10, Sort: results.SortName}, "TL0201 TL0102"},
		{results.UnitsQuery{Limit: 10, Sort: results.SortMeanLRR, Desc: true}, "TL0102 TL0201"}, // NaN last
		{results.UnitsQuery{Limit: 10, Sort: results.SortPopulation}, "TL0201 TL0102"},          // unknown last
		{results.UnitsQuery{Limit: 10, Municipality: "dÍli"}, "TL0102"},
		{results.UnitsQuery{Limit: 10, Municipality: "tl02"}, "TL0201"},
		{results.UnitsQuery{Limit: 1, Offset: 1}, "TL0201"},
		{results.UnitsQuery{Limit: 10, Offset: 5}, ""},
	} {
		page, err := m.UnitsPage(ctx, tc.q)
		var got []string
		for _, u := range page.Units {
			got = append(got, u.Unit.Code)
			if (u.Unit.Geometry != nil) != tc.q.Geometry {
				t.Errorf("%+v: geometry %v", tc.q, u.Unit.Geometry)
			}
		}
		if err != nil || strings.Join(got, " ") != tc.want || page.Run != 7 {
			t.Errorf("%+v: %v %v, want %s", tc.q, got, err, tc.want)
		}
	}
	// Geometry is lon/lat, rounded to 7 decimals.
	d, err := m.Unit(ctx, 7, "TL0102", true)
	if err != nil {
		t.Fatal(err)
	}
	p := d.Unit.Unit.Geometry[0][0][0]
	want := zone.Inverse(orb.Point{700000, 9049000})
	if math.Abs(p[0]-want[0]) > 5e-8 || math.Abs(p[1]-want[1]) > 5e-8 || p[0]*1e7 != math.Round(p[0]*1e7) {
		t.Errorf("corner %v, want %v rounded to 7 decimals", p, want)
	}
	if len(d.Transects) != 1 || d.Transects[0].Label != "a" || d.Transects[0].PCode != "TL0102" || d.Transects[0].Seq != 1 {
		t.Errorf("transects %+v", d.Transects)
	}
	// The first transect of a repeated label; its series in shoreline order.
	td, err := m.TransectSeries(ctx, results.Latest, "a")
	if err != nil || td.Transect.Seq != 1 || len(td.Series) != 2 || td.Series[0].Shoreline != 1 || td.Series[1].Shoreline != 3 {
		t.Errorf("transect a: %+v %v", td, err)
	}
	if _, err := m.TransectSeries(ctx, results.Latest, "z"); err == nil || err.Error() != `transect "z" not found in run 7` {
		t.Errorf("transect z: %v", err)
	}
	if _, err := m.Unit(ctx, results.Latest, "TL9", false); err == nil || err.Error() != `unit "TL9" not found in run 7` {
		t.Errorf("unit TL9: %v", err)
	}
}

func TestSortKeys(t *testing.T) {
	for _, k := range results.SortKeys() {
		if !results.ValidSortKey(k) {
			t.Errorf("%s not valid", k)
		}
	}
	for _, k := range []string{"", "-mean_lrr", "MEAN_LRR", "lrr"} {
		if results.ValidSortKey(k) {
			t.Errorf("%q valid", k)
		}
	}
}

// TestMemoryProvenance: the memory store fills in the period and satellites of a run from
// its result, keeps those the record gives, and keeps the record's synthetic flag.
func TestMemoryProvenance(t *testing.T) {
	day := func(y int) time.Time { return time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC) }
	res := &analysis.Result{Zone: utm.Zone{Number: 51, South: true}, Shorelines: []analysis.Shoreline{
		{Date: day(2001), Satellite: "L8"}, {Date: day(1999)}, {Date: day(2005), Satellite: "S2+L8"},
	}}
	given := analysis.Period{First: day(1990), Last: day(1991)}
	for _, tc := range []struct {
		name string
		run  results.Run
		want results.Run
	}{
		{"from the result", results.Run{Synthetic: true},
			results.Run{Synthetic: true, Period: analysis.Period{First: day(1999), Last: day(2005)}, Satellites: []string{"L8", "S2"}}},
		{"from the record", results.Run{Period: given, Satellites: []string{"L5"}},
			results.Run{Period: given, Satellites: []string{"L5"}}},
	} {
		tc.run.ID, tc.run.Status = 1, results.StatusSucceeded
		m, err := results.NewMemory(tc.run, res)
		if err != nil {
			t.Fatal(err)
		}
		got := m.Run()
		if got.Synthetic != tc.want.Synthetic || got.Period != tc.want.Period || !reflect.DeepEqual(got.Satellites, tc.want.Satellites) {
			t.Errorf("%s: synthetic %v, period %v, satellites %q; want %v, %v, %q", tc.name,
				got.Synthetic, got.Period, got.Satellites, tc.want.Synthetic, tc.want.Period, tc.want.Satellites)
		}
	}
}

// TestMemoryIntersections checks that the store gives back the intersections it was
// made from, as a forecast needs them: transect by transect, each transect's in the order
// given, with their dates to the nanosecond and without points; and that the API's
// series are in shoreline order, positions of one shoreline in the order given.
func TestMemoryIntersections(t *testing.T) {
	zone := utm.Zone{Number: 51, South: true}
	res := &analysis.Result{Zone: zone, Transects: []analysis.Transect{{Label: "a", Unit: -1}, {Label: "b", Unit: -1}, {Label: "c", Unit: -1}}}
	day := func(y int, ns int) time.Time { return time.Date(y, 3, 4, 1, 2, 3, ns, time.FixedZone("", 9*3600)) }
	res.Intersections = []analysis.Intersection{
		{Transect: 2, Shoreline: 1, Date: day(2001, 0), Distance: 5, Point: orb.Point{1, 2}},
		{Transect: 0, Shoreline: 3, Date: day(2003, 123456789), Distance: -1.5},
		{Transect: 2, Shoreline: 0, Date: day(1987, 1), Distance: 7},
		{Transect: 0, Shoreline: 0, Date: day(1987, 1), Distance: 2},
		{Transect: 0, Shoreline: 3, Date: day(2003, 5), Distance: -1.25}, // a second position on one shoreline
	}
	m, err := results.NewMemory(results.Run{ID: 1, Status: results.StatusSucceeded}, res)
	if err != nil {
		t.Fatal(err)
	}
	want := []analysis.Intersection{
		{Transect: 0, Shoreline: 3, Date: day(2003, 123456789).UTC(), Distance: -1.5},
		{Transect: 0, Shoreline: 0, Date: day(1987, 1).UTC(), Distance: 2},
		{Transect: 0, Shoreline: 3, Date: day(2003, 5).UTC(), Distance: -1.25},
		{Transect: 2, Shoreline: 1, Date: day(2001, 0).UTC(), Distance: 5},
		{Transect: 2, Shoreline: 0, Date: day(1987, 1).UTC(), Distance: 7},
	}
	if got := m.Intersections(); !reflect.DeepEqual(got, want) {
		t.Errorf("intersections\n got %+v\nwant %+v", got, want)
	}
	for _, tc := range []struct {
		label string
		want  []results.Position
	}{
		{"a", []results.Position{{Shoreline: 1, Date: day(1987, 1).UTC(), Distance: 2},
			{Shoreline: 4, Date: day(2003, 123456789).UTC(), Distance: -1.5}, {Shoreline: 4, Date: day(2003, 5).UTC(), Distance: -1.25}}},
		{"b", []results.Position{}},
		{"c", []results.Position{{Shoreline: 1, Date: day(1987, 1).UTC(), Distance: 7}, {Shoreline: 2, Date: day(2001, 0).UTC(), Distance: 5}}},
	} {
		td, err := m.TransectSeries(context.Background(), results.Latest, tc.label)
		if err != nil || !reflect.DeepEqual(td.Series, tc.want) {
			t.Errorf("transect %s: %+v %v, want %+v", tc.label, td.Series, err, tc.want)
		}
	}
}
