package postgis_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/data/postgis"
	"github.com/tasi-gis/tasi/data/results"
	"github.com/tasi-gis/tasi/vector/change"
	"github.com/tasi-gis/tasi/vector/transect"
	"github.com/tasi-gis/tasi/vector/utm"
)

// unitsResult makes a Result with five units side by side along a straight coast in UTM
// 51S, two transects each, whose summaries are chosen to exercise sorting: a tie, an
// undefined mean rate, an unknown population, names whose byte order differs from a
// dictionary's, and two municipalities. Transect labels repeat and are out of order.
func unitsResult() *analysis.Result {
	zone := utm.Zone{Number: 51, South: true}
	res := &analysis.Result{Zone: zone, Params: analysis.DefaultParams()}
	x0, y0 := 700000.0, 9050000.0
	dates := []time.Time{time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2005, 6, 1, 0, 0, 0, 0, time.UTC), time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC)}
	for s, d := range dates {
		y := y0 + float64(s)
		res.Shorelines = append(res.Shorelines, analysis.Shoreline{Source: fmt.Sprint("s", s), Date: d, Uncertainty: 10,
			Geometry: orb.MultiLineString{{{x0, y}, {x0 + 5000, y}}}})
	}
	res.Baseline = orb.MultiLineString{{{x0, y0}, {x0 + 5000, y0}}}
	nan := math.NaN()
	for i, u := range []struct {
		code, name, region, regionName string
		pop                            int
		mean, pct                      float64
	}{
		{"TL990001", "beta", "TL99", "Liquiçá", 100, -2, 100},
		{"TL990002", "Álvaro", "TL99", "Liquiçá", -1, nan, nan},
		{"TL990003", "Zeta", "TL98", "Dili", 300, 1.5, 0},
		{"TL990004", "alpha", "TL99", "Liquiçá", 200, -2, 50},
		{"TL980001", "Gamma", "TL98", "Dili", 50, 0.25, 50},
	} {
		ux := x0 + 1000*float64(i)
		res.Units = append(res.Units, analysis.UnitChange{
			Unit: analysis.AdminUnit{Code: u.code, Name: u.name, ParentCode: u.region + "01", ParentName: "Posto " + u.region,
				RegionCode: u.region, RegionName: u.regionName, Population: u.pop, Households: -1,
				Geometry: orb.MultiPolygon{{{{ux, y0 - 3000}, {ux + 1000, y0 - 3000}, {ux + 1000, y0}, {ux, y0}, {ux, y0 - 3000}}}}},
			Summary: change.Summary{Transects: 2, MeanLRR: u.mean, MedianLRR: u.mean, MinLRR: u.mean, MaxLRR: u.mean, MeanEPR: u.mean,
				MeanNSM: 10 * u.mean, PctEroding: u.pct, PctAccreting: 100 - u.pct, PctSigEroding: u.pct / 2, PctSigAccreting: nan,
				MeanLRRUnc: 0.1, NEffective: 2},
			CoastKm: 0.1 * float64(i+1), AreaLost: 1000 * float64(5-i), AreaGained: 0,
		})
		for k := 0; k < 2; k++ {
			x := ux + 250 + 500*float64(k)
			n := len(res.Transects)
			labels := []string{"3", "1", "1", "4", "5", "7", "7", "A", "9", "10"}
			st := change.Stats{N: 3, First: dates[0], Last: dates[2], SCE: 2, NSM: 2, EPR: 0.2, EPRunc: 1.4, LRR: u.mean, LR2: 0.9,
				LSE: 0.1, LCI: 0.3, WLR: u.mean, WR2: 0.9, WSE: 0.1, WCI: 0.3}
			if math.IsNaN(u.mean) {
				st = change.Stats{SCE: nan, NSM: nan, EPR: nan, EPRunc: nan, LRR: nan, LR2: nan, LSE: nan, LCI: nan, WLR: nan, WR2: nan, WSE: nan, WCI: nan}
				res.Missed = append(res.Missed, n)
			}
			res.Transects = append(res.Transects, analysis.Transect{
				Transect: transect.Transect{ID: n + 1, Origin: orb.Point{x, y0 - 300}, End: orb.Point{x, y0 + 300}, Base: 300, Part: 0, Chainage: x - x0},
				Label:    labels[n], Unit: i, Width: 500, Stats: st,
			})
			if st.N > 0 {
				for s, d := range dates {
					res.Intersections = append(res.Intersections, analysis.Intersection{Transect: n, Shoreline: s, Date: d,
						Distance: float64(s), Point: orb.Point{x, y0 + float64(s)}})
				}
			}
		}
	}
	return res
}

// TestQueries checks the API's queries against the memory store serving the same run:
// every sort key both ways, the filters, paging, and lookups by P-code and label.
func TestQueries(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := context.Background()
	if _, err := s.UnitsPage(ctx, results.UnitsQuery{Limit: 10}); !errors.Is(err, results.ErrNotFound) || err.Error() != "units of run latest: no run has succeeded yet" {
		t.Errorf("no runs: %v", err)
	}
	res := unitsResult()
	prov := provenance()
	id, err := s.WriteRun(ctx, res, prov)
	if err != nil {
		t.Fatal(err)
	}
	mem, err := results.NewMemory(results.Run{ID: id, Status: results.StatusSucceeded, Version: prov.Version,
		Started: prov.Started, Finished: prov.Finished, Parameters: prov.Parameters, Inputs: prov.Inputs}, res)
	if err != nil {
		t.Fatal(err)
	}
	codes := func(us []results.Unit) []string {
		var out []string
		for _, u := range us {
			out = append(out, u.Unit.Code)
		}
		return out
	}

	// Orders worked out by hand: undefined values last either way, ties by P-code.
	for _, tc := range []struct {
		sort string
		desc bool
		want []string
	}{
		{"", false, []string{"TL980001", "TL990001", "TL990002", "TL990003", "TL990004"}},
		{"pcode", true, []string{"TL990004", "TL990003", "TL990002", "TL990001", "TL980001"}},
		{"name", false, []string{"TL980001", "TL990003", "TL990004", "TL990001", "TL990002"}}, // Gamma Zeta alpha beta Álvaro
		{"name", true, []string{"TL990002", "TL990001", "TL990004", "TL990003", "TL980001"}},
		{"mean_lrr", false, []string{"TL990001", "TL990004", "TL980001", "TL990003", "TL990002"}},
		{"mean_lrr", true, []string{"TL990003", "TL980001", "TL990001", "TL990004", "TL990002"}},
		{"pct_eroding", true, []string{"TL990001", "TL980001", "TL990004", "TL990003", "TL990002"}},
		{"population", false, []string{"TL980001", "TL990001", "TL990004", "TL990003", "TL990002"}},
		{"population", true, []string{"TL990003", "TL990004", "TL990001", "TL980001", "TL990002"}},
		{"area_lost_m2", false, []string{"TL980001", "TL990004", "TL990003", "TL990002", "TL990001"}},
	} {
		q := results.UnitsQuery{Sort: tc.sort, Desc: tc.desc, Limit: 100}
		page, err := s.UnitsPage(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if got := codes(page.Units); !slices.Equal(got, tc.want) || page.Run != id || page.Total != 5 {
			t.Errorf("sort %q desc %v: run %d total %d %v, want %v", tc.sort, tc.desc, page.Run, page.Total, got, tc.want)
		}
	}
	// Every key, both ways, in both stores, pages of two.
	for _, key := range results.SortKeys() {
		for _, desc := range []bool{false, true} {
			var got, want []string
			for off := 0; off < 5; off += 2 {
				q := results.UnitsQuery{Run: results.RunRef(id), Sort: key, Desc: desc, Limit: 2, Offset: off}
				a, err := s.UnitsPage(ctx, q)
				if err != nil {
					t.Fatalf("sort %s: %v", key, err)
				}
				b, _ := mem.UnitsPage(ctx, q)
				got, want = append(got, codes(a.Units)...), append(want, codes(b.Units)...)
			}
			if !slices.Equal(got, want) || len(got) != 5 {
				t.Errorf("sort %s desc %v: postgis %v, memory %v", key, desc, got, want)
			}
		}
	}
	if _, err := s.UnitsPage(ctx, results.UnitsQuery{Sort: "lrr; DROP TABLE runs", Limit: 1}); err == nil {
		t.Error("unknown sort key accepted")
	}

	// Filters. The box covers units 2 and 3 (x 701000–703000) in lon/lat.
	zone := res.Zone
	lo, hi := zone.Inverse(orb.Point{701100, 9049000}), zone.Inverse(orb.Point{702900, 9049500})
	for _, tc := range []struct {
		name string
		q    results.UnitsQuery
		want []string
	}{
		{"municipality code", results.UnitsQuery{Municipality: "TL98"}, []string{"TL980001", "TL990003"}},
		{"municipality code, lower case", results.UnitsQuery{Municipality: "tl98"}, []string{"TL980001", "TL990003"}},
		{"municipality name", results.UnitsQuery{Municipality: "LIQUIÇÁ"}, []string{"TL990001", "TL990002", "TL990004"}},
		{"unknown municipality", results.UnitsQuery{Municipality: "Atlantis"}, nil},
		{"bbox", results.UnitsQuery{BBox: &orb.Bound{Min: lo, Max: hi}}, []string{"TL990002", "TL990003"}},
		{"bbox and municipality", results.UnitsQuery{BBox: &orb.Bound{Min: lo, Max: hi}, Municipality: "Dili"}, []string{"TL990003"}},
		{"bbox at the pole", results.UnitsQuery{BBox: &orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}}},
			[]string{"TL980001", "TL990001", "TL990002", "TL990003", "TL990004"}},
	} {
		tc.q.Limit = 100
		page, err := s.UnitsPage(ctx, tc.q)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		mpage, _ := mem.UnitsPage(ctx, tc.q)
		if got := codes(page.Units); !slices.Equal(got, tc.want) || page.Total != len(tc.want) || !slices.Equal(codes(mpage.Units), tc.want) {
			t.Errorf("%s: postgis %v (total %d), memory %v, want %v", tc.name, got, page.Total, codes(mpage.Units), tc.want)
		}
	}

	// Values, geometry only when asked for.
	page, err := s.UnitsPage(ctx, results.UnitsQuery{Limit: 100, Geometry: true})
	if err != nil {
		t.Fatal(err)
	}
	mpage, _ := mem.UnitsPage(ctx, results.UnitsQuery{Limit: 100, Geometry: true})
	if !equalNaN(page, mpage) {
		t.Errorf("units with geometry differ:\npostgis %+v\nmemory  %+v", page.Units[0], mpage.Units[0])
	}
	if g := page.Units[1].Unit.Geometry; len(g) != 1 || !g.Bound().Intersects(orb.Bound{Min: orb.Point{124.8, -8.7}, Max: orb.Point{124.9, -8.5}}) {
		t.Errorf("unit geometry %v, want lon/lat near 124.8, -8.6", g)
	}
	page, _ = s.UnitsPage(ctx, results.UnitsQuery{Limit: 100})
	if page.Units[0].Unit.Geometry != nil {
		t.Error("geometry returned unasked")
	}

	// One unit and its transects; transects by label (labels repeat: the first wins).
	d, err := s.Unit(ctx, results.Latest, "TL990004", true)
	if err != nil {
		t.Fatal(err)
	}
	md, _ := mem.Unit(ctx, results.Latest, "TL990004", true)
	if !equalNaN(d, md) || len(d.Transects) != 2 || d.Transects[0].Seq != 7 || d.Transects[0].Label != "7" || d.Unit.Unit.Geometry == nil {
		t.Errorf("unit:\npostgis %+v\nmemory  %+v", d, md)
	}
	for _, tc := range []struct {
		label string
		seq   int
		n     int
	}{
		{"3", 1, 3}, {"1", 2, 3}, {"4", 4, 0}, {"5", 5, 3}, {"7", 6, 3}, {"A", 8, 3}, {"10", 10, 3},
	} {
		td, err := s.TransectSeries(ctx, results.RunRef(id), tc.label)
		if err != nil {
			t.Fatalf("transect %s: %v", tc.label, err)
		}
		mtd, _ := mem.TransectSeries(ctx, results.RunRef(id), tc.label)
		if td.Transect.Seq != tc.seq || len(td.Series) != tc.n || !equalNaN(td, mtd) {
			t.Errorf("transect %s: seq %d, %d positions, want %d, %d; memory %+v", tc.label, td.Transect.Seq, len(td.Series), tc.seq, tc.n, mtd)
		}
	}
	td, _ := s.TransectSeries(ctx, results.Latest, "5")
	var want []results.Position
	for i, sh := range res.Shorelines {
		want = append(want, results.Position{Shoreline: i + 1, Date: sh.Date, Distance: float64(i)})
	}
	if !reflect.DeepEqual(td.Series, want) {
		t.Errorf("series %+v, want %+v", td.Series, want)
	}
	ll := zone.Inverse(orb.Point{702250, 9050000})
	if b := td.Transect.Baseline; math.Abs(b[0]-ll[0]) > 1e-7 || math.Abs(b[1]-ll[1]) > 1e-7 || td.Transect.PCode != "TL990003" {
		t.Errorf("transect 5 crosses the baseline at %v in %s, want %v in TL990003", b, td.Transect.PCode, ll)
	}

	// Runs.
	runs, err := s.ListRuns(ctx)
	mruns, _ := mem.ListRuns(ctx)
	if err != nil || !reflect.DeepEqual(runs, mruns) {
		t.Errorf("runs:\npostgis %+v %v\nmemory  %+v", runs, err, mruns)
	}

	// Not found.
	for _, f := range []func() error{
		func() error { _, err := s.Unit(ctx, results.Latest, "TL000000", false); return err },
		func() error { _, err := s.Unit(ctx, results.RunRef(id+1), "TL990001", false); return err },
		func() error { _, err := s.TransectSeries(ctx, results.Latest, "2"); return err },
		func() error { _, err := s.TransectSeries(ctx, results.Latest, "99"); return err },
		func() error { _, err := s.FindRun(ctx, results.RunRef(id+1)); return err },
		func() error { _, err := s.UnitsPage(ctx, results.UnitsQuery{Run: results.RunRef(id + 1)}); return err },
	} {
		var nf *results.NotFoundError
		if err := f(); !errors.Is(err, results.ErrNotFound) || !errors.As(err, &nf) {
			t.Errorf("%v: want a results.NotFoundError", err)
		}
	}

	// Out of time.
	tctx, cancel := context.WithTimeout(ctx, time.Nanosecond)
	defer cancel()
	<-tctx.Done()
	if _, err := s.UnitsPage(tctx, results.UnitsQuery{Limit: 1}); !errors.Is(err, results.ErrTimeout) {
		t.Errorf("expired context: %v, want ErrTimeout", err)
	}
	if err := s.Ping(ctx); err != nil {
		t.Errorf("ping: %v", err)
	}
}

// TestStatementTimeout checks that a read stops on the server after QueryTimeout even when
// the request has no deadline of its own, and at the request's deadline when that comes
// first: another session holds a lock the query waits for.
func TestStatementTimeout(t *testing.T) {
	t.Parallel()
	s, dbURL := newStore(t)
	ctx := context.Background()
	if _, err := s.WriteRun(ctx, unitsResult(), provenance()); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, "LOCK TABLE tasi.admin_change IN ACCESS EXCLUSIVE MODE"); err != nil {
		t.Fatal(err)
	}
	// Each case asserts against the clock that times the query out: the request's
	// deadline (an instant, compared with the time the call returned), or the statement
	// timeout, which the server starts after the call does. A stopwatch started after
	// context.WithTimeout started the deadline's clock measured less than the deadline
	// (returned after 299.95 ms, want 300 ms). Upper bounds tell the two cases apart by
	// seconds, not milliseconds: a loaded CI machine must not fail them.
	{
		// The request's deadline comes first: the query ends there, not at QueryTimeout.
		qctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
		defer cancel()
		deadline, _ := qctx.Deadline()
		_, err := s.UnitsPage(qctx, results.UnitsQuery{Limit: 1})
		returned := time.Now()
		if !errors.Is(err, results.ErrTimeout) {
			t.Errorf("request deadline: %v, want ErrTimeout", err)
		}
		if returned.Before(deadline) {
			t.Errorf("request deadline: returned %v before it", deadline.Sub(returned))
		}
		if late := returned.Sub(deadline); late >= postgis.QueryTimeout {
			t.Errorf("request deadline: returned %v after it, as late as the statement timeout (%v)", late, postgis.QueryTimeout)
		}
	}
	{
		// No deadline: the statement timeout ends the query.
		start := time.Now()
		_, err := s.UnitsPage(ctx, results.UnitsQuery{Limit: 1})
		took := time.Since(start)
		if !errors.Is(err, results.ErrTimeout) {
			t.Errorf("statement timeout: %v, want ErrTimeout", err)
		}
		// The outcome says which clock ended it (ErrTimeout without a request deadline);
		// the bounds only tell "the statement timeout" from "at once" or "never", with
		// room on both sides: the server's timer is not the test's clock.
		if took < postgis.QueryTimeout/2 || took > 3*postgis.QueryTimeout {
			t.Errorf("statement timeout: returned after %v, want about %v", took, postgis.QueryTimeout)
		}
	}
}

// TestReadStrayCancel: a cancel request that reaches a query it was not meant for does not
// fail the read, which is tried once more. Here the query cancels its own backend, as a
// late cancel request for an earlier query of the same pooled connection would.
func TestReadStrayCancel(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := context.Background()
	calls := 0
	err := s.Read(ctx, func(tx pgx.Tx) error {
		calls++
		if calls == 1 {
			_, err := tx.Exec(ctx, "SELECT pg_cancel_backend(pg_backend_pid()), pg_sleep(5)")
			return err
		}
		var one int
		return tx.QueryRow(ctx, "SELECT 1").Scan(&one)
	})
	if err != nil || calls != 2 {
		t.Errorf("read after a stray cancel: %v after %d tries, want success on the second", err, calls)
	}
	// Cancelled on every try: tried twice, then the error.
	calls = 0
	err = s.Read(ctx, func(tx pgx.Tx) error {
		calls++
		_, err := tx.Exec(ctx, "SELECT pg_cancel_backend(pg_backend_pid()), pg_sleep(5)")
		return err
	})
	if !errors.Is(err, results.ErrTimeout) || calls != 2 {
		t.Errorf("cancelled twice: %v after %d tries, want ErrTimeout after 2", err, calls)
	}
}
