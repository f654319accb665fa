package tiles

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/data"
	"github.com/tasi-gis/tasi/data/gpkg"
	"github.com/tasi-gis/tasi/data/postgis"
	"github.com/tasi-gis/tasi/input/demo"
	"github.com/tasi-gis/tasi/internal/pgtest"
	"github.com/tasi-gis/tasi/plan"
)

// pg is the test binary's PostgreSQL server, started on first use.
var pg *pgtest.Cluster

// tmpDir holds the files the tests share (the demo GeoPackage).
var tmpDir string

func TestMain(m *testing.M) {
	pg = pgtest.New()
	var err error
	if tmpDir, err = os.MkdirTemp("", "tasi-tiles-test-"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := pg.Run(m)
	os.RemoveAll(tmpDir)
	os.Exit(code)
}

// fixture is one demo run with its hazard zones, as analysed, and as read back from the
// GeoPackage it was written to.
type fixture struct {
	res    *analysis.Result // as analysed
	hazard *plan.Hazard     // forecast from res at 10, 20 and 30 years
	prov   analysis.Provenance
	ref    *data.Reference
	path   string           // the GeoPackage
	read   *analysis.Result // read back from path
	readHz *plan.Hazard     // read back from path
}

var (
	demoOnce sync.Once
	demo6    *fixture
	demoErr  error
)

// demoRun returns a demo run over the whole Timor-Leste coast with six yearly shorelines
// (2015–2020): 15,000 transects, 98 sucos, and its hazard zones at 10, 20 and 30 years. It
// is made once per test binary.
func demoRun(t testing.TB) *fixture {
	t.Helper()
	demoOnce.Do(func() { demo6, demoErr = makeDemo() })
	if demoErr != nil {
		t.Fatal(demoErr)
	}
	return demo6
}

func makeDemo() (*fixture, error) {
	ctx := context.Background()
	series, err := demo.TimorLeste(demo.Config{Seed: demo.DefaultConfig().Seed, Start: 2015, End: 2020, PerYear: 1})
	if err != nil {
		return nil, err
	}
	started := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	res, err := analysis.Run(ctx, series.Input(), analysis.DefaultParams())
	if err != nil {
		return nil, err
	}
	f := &fixture{res: res, ref: series.Reference, path: filepath.Join(tmpDir, "demo6.gpkg"), prov: analysis.Provenance{
		Version: "test", Started: started, Finished: started.Add(time.Minute),
		Parameters: map[string]string{"spacing": "50"},
	}}
	fc, err := plan.NewForecast(res, plan.Options{})
	if err != nil {
		return nil, err
	}
	f.hazard = fc.Hazard(plan.Zones(res, fc, nil))
	if err := gpkg.Write(ctx, f.path, res, f.prov, gpkg.WithHazard(f.hazard)); err != nil {
		return nil, err
	}
	r, err := gpkg.ReadRun(ctx, f.path, gpkg.WithoutIntersections())
	if err != nil {
		return nil, err
	}
	f.read, f.readHz = r.Result, r.Hazard
	return f, nil
}

// memorySource returns the in-memory source of the demo run, read back from its
// GeoPackage as `tasi serve --gpkg` does.
func memorySource(t testing.TB) *Memory {
	t.Helper()
	f := demoRun(t)
	m, err := NewMemory(Dataset{Run: Run{ID: f.prov.Finished.Unix(), Finished: f.prov.Finished}, Result: f.read, Reference: f.ref, Hazard: f.readHz}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// db is a database holding the demo run, shared by the tests that only read.
type db struct {
	url   string
	store *postgis.Store
	run   int64
}

var (
	dbOnce   sync.Once
	sharedDB *db
	dbErr    error
)

// demoDB returns the shared database with the reference data and the demo run, written
// as `tasi analyze --db` writes it.
func demoDB(t testing.TB) *db {
	t.Helper()
	f := demoRun(t)
	dbOnce.Do(func() {
		url := pg.Database(t) // skips, or fails under CI, when there is no PostGIS
		// Dates written the SQL way, day first: tile dates must not depend on the
		// server's DateStyle (the sources' equivalence tests compare them).
		pg.Exec(t, url, `DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET DateStyle = ''SQL, DMY''', current_database()); END $$`)
		sharedDB, dbErr = newDB(url, f)
	})
	if sharedDB == nil && dbErr == nil {
		t.Skip("no PostGIS (see the first test that asked)")
	}
	if dbErr != nil {
		t.Fatal(dbErr)
	}
	return sharedDB
}

// newDB migrates the database at url and stores the reference data and f's run.
func newDB(url string, f *fixture) (*db, error) {
	ctx := context.Background()
	s, err := postgis.Open(ctx, url)
	if err != nil {
		return nil, err
	}
	if _, err := s.Migrate(ctx); err != nil {
		return nil, err
	}
	if err := s.ImportReference(ctx, f.ref); err != nil {
		return nil, err
	}
	id, err := s.WriteRun(ctx, f.res, f.prov, postgis.WithHazard(f.hazard))
	if err != nil {
		return nil, err
	}
	return &db{url: url, store: s, run: id}, nil
}

// postgisSource returns a PostGIS source on the shared database.
func postgisSource(t testing.TB) (*PostGIS, *db) {
	t.Helper()
	d := demoDB(t)
	p, err := NewPostGIS(d.store.Pool(), d.store.Schema(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return p, d
}
