package postgis_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/data/postgis"
	"github.com/tasi-gis/tasi/input/demo"
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

// straightRun analyses demo.StraightCoast(2): a 3 km straight coast in one unit whose
// shoreline advances 2 m/yr over 2000–2004.
func straightRun(t testing.TB) *analysis.Result {
	t.Helper()
	res, err := analysis.Run(context.Background(), demo.StraightCoast(2), analysis.DefaultParams())
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
	unit := analysis.AdminUnit{Code: "TL999901", Name: "Big", Population: 1000, Households: 200,
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
