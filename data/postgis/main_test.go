package postgis_test

import (
	"context"
	"fmt"
	"math"
	"net/url"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/project"
	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/data"
	"github.com/tasi-gis/tasi/data/postgis"
	"github.com/tasi-gis/tasi/internal/pgtest"
	"github.com/tasi-gis/tasi/vector/change"
	"github.com/tasi-gis/tasi/vector/transect"
	"github.com/tasi-gis/tasi/vector/utm"
)

// pg is the test binary's PostgreSQL server, started on first use.
var pg *pgtest.Cluster

func TestMain(m *testing.M) {
	pg = pgtest.New()
	os.Exit(pg.Run(m))
}

// newStore returns a migrated Store on a new database, and the database's superuser URL.
func newStore(t testing.TB, opts ...postgis.Option) (*postgis.Store, string) {
	t.Helper()
	dbURL := pg.Database(t)
	return openMigrated(t, dbURL, opts...), dbURL
}

// openMigrated opens dbURL and migrates it, closing the Store when t ends.
func openMigrated(t testing.TB, dbURL string, opts ...postgis.Option) *postgis.Store {
	t.Helper()
	ctx := context.Background()
	s, err := postgis.Open(ctx, dbURL, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

// runTables are the tables holding a run's rows.
var runTables = []string{"shorelines", "baseline", "transects", "intersections", "admin_change"}

// runRows returns how many rows of run id each run table holds, as another session sees them.
func runRows(t testing.TB, dbURL string, id int64) map[string]int {
	t.Helper()
	got := map[string]int{}
	for _, table := range runTables {
		got[table] = pg.QueryInt(t, dbURL, "SELECT count(*) FROM tasi."+table+" WHERE run_id = $1", id)
	}
	return got
}

// uniqueRole returns a role name starting with prefix that no other test uses: roles
// belong to the whole server, which may be shared (TASI_TEST_DATABASE_URL).
func uniqueRole(prefix string) string {
	return fmt.Sprintf("%s_%d_%d", prefix, os.Getpid(), roleSeq.Add(1))
}

var roleSeq atomic.Int64

// withUser returns dbURL with another user and password.
func withUser(t testing.TB, dbURL, user, password string) string {
	t.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(user, password)
	return u.String()
}

// straightRun analyses a 3 km straight coast in UTM 51S, land to the south, one unit,
// whose shoreline advances 2 m/yr over 2000–2004 (as in package gpkg's tests).
func straightRun(t testing.TB) *analysis.Result {
	t.Helper()
	zone := utm.Zone{Number: 51, South: true}
	inv := orb.Projection(zone.Inverse)
	line := func(x0, x1, y float64) orb.MultiLineString {
		return project.MultiLineString(orb.MultiLineString{{{x0, 9050000 + y}, {x1, 9050000 + y}}}, inv)
	}
	unit := project.MultiPolygon(orb.MultiPolygon{{{{699000, 9045000}, {704000, 9045000}, {704000, 9050000}, {699000, 9050000}, {699000, 9045000}}}}, inv)
	in := analysis.Input{
		Coast: line(700000, 703000, 0),
		Units: []data.AdminUnit{{Code: "TL999901", Name: "Test", ParentCode: "TL9999", ParentName: "Posto", RegionCode: "TL99",
			RegionName: "Municipality", Population: 500, Households: -1, Geometry: unit}},
	}
	for y := 2000; y <= 2004; y++ {
		in.Shorelines = append(in.Shorelines, analysis.Shoreline{
			Source: fmt.Sprintf("test %d", y), Date: time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), Uncertainty: 10,
			Geometry: line(699500, 703500, 2*float64(y-2000)),
		})
	}
	res, err := analysis.Run(context.Background(), in, analysis.DefaultParams())
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// bigResult makes a Result with nt transects on a straight coast, each crossed by ns
// shorelines: nt·ns intersections. Its values are made up but consistent.
func bigResult(nt, ns int) *analysis.Result {
	zone := utm.Zone{Number: 51, South: true}
	res := &analysis.Result{Zone: zone, Params: analysis.DefaultParams()}
	x0, y0 := 600000.0, 9050000.0
	length := 50 * float64(nt)
	dates := make([]time.Time, ns)
	for s := range dates {
		dates[s] = time.Date(1987, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 30*s)
		y := y0 + 0.5*float64(s)
		res.Shorelines = append(res.Shorelines, analysis.Shoreline{
			Source: fmt.Sprintf("synthetic %d", s), Date: dates[s], Uncertainty: 10,
			Geometry: orb.MultiLineString{{{x0, y}, {x0 + length, y}}},
		})
	}
	res.Baseline = orb.MultiLineString{{{x0, y0}, {x0 + length, y0}}}
	unit := data.AdminUnit{Code: "TL999901", Name: "Big", Population: 1000, Households: 200,
		Geometry: orb.MultiPolygon{{{{x0, y0 - 5000}, {x0 + length, y0 - 5000}, {x0 + length, y0}, {x0, y0}, {x0, y0 - 5000}}}}}
	res.Units = []analysis.UnitChange{{Unit: unit, Summary: change.Summary{Transects: nt, MeanLRR: 6, MedianLRR: 6, MinLRR: 6, MaxLRR: 6,
		MeanEPR: 6, MeanNSM: 100, PctAccreting: 100, PctSigAccreting: 100, MeanLRRUnc: 0.1, NEffective: 10}, CoastKm: length / 1000}}
	for i := 0; i < nt; i++ {
		x := x0 + 25 + 50*float64(i)
		t := transect.Transect{ID: i + 1, Origin: orb.Point{x, y0 - 300}, End: orb.Point{x, y0 + 300}, Base: 300, Azimuth: 0, Part: 0, Chainage: x - x0}
		res.Transects = append(res.Transects, analysis.Transect{Transect: t, Label: fmt.Sprint(i + 1), Unit: 0, Width: 50,
			Stats: change.Stats{N: ns, First: dates[0], Last: dates[ns-1], SCE: 0.5 * float64(ns-1), NSM: 0.5 * float64(ns-1), EPR: 6,
				EPRunc: 1, LRR: 6, LR2: 1, LSE: 0, LCI: 0.1, WLR: 6, WR2: 1, WSE: 0, WCI: math.NaN()}})
		for s := 0; s < ns; s++ {
			d := 0.5 * float64(s)
			res.Intersections = append(res.Intersections, analysis.Intersection{
				Transect: i, Shoreline: s, Date: dates[s], Distance: d, Point: orb.Point{x, y0 + d},
			})
		}
	}
	return res
}

// provenance is a Provenance for tests.
func provenance() analysis.Provenance {
	return analysis.Provenance{
		Version: "test", Started: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Finished: time.Date(2026, 1, 2, 3, 4, 6, 0, time.UTC),
		Parameters: map[string]string{"spacing": "50", "mode": "seaward"},
		Inputs:     []analysis.InputFile{{Role: "shorelines", Path: "s.geojson", SHA256: "abc"}},
	}
}
