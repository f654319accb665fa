package main

import (
	"bytes"
	"context"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/tasi-gis/tasi/data/postgis"
	"github.com/tasi-gis/tasi/export"
	"github.com/tasi-gis/tasi/internal/pgtest"
)

// pg is the test binary's PostgreSQL server, started by the first test that needs it.
var pg *pgtest.Cluster

func TestMain(m *testing.M) {
	// A developer's own database must never receive test runs: every test that wants a
	// database names it with --db or sets the variable itself.
	os.Unsetenv(envDatabaseURL)
	pg = pgtest.New()
	os.Exit(pg.Run(m))
}

// migratedDB returns the URL of a new database that `tasi migrate` has set up.
func migratedDB(t testing.TB) string {
	t.Helper()
	dbURL := pg.Database(t)
	out, err := runCLIErr(t, "migrate", "--db", dbURL)
	if err != nil || !strings.HasPrefix(out, "applied version 1") {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	return dbURL
}

// runCLIErr is runCLI for any testing.TB.
func runCLIErr(t testing.TB, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, &out, &errOut)
	return out.String() + errOut.String(), err
}

// runTables are the tables holding a run's rows that every schema version has; runRows
// counts those of later versions too.
var runTables = []string{"shorelines", "baseline", "transects", "intersections", "admin_change"}

// runRows returns how many rows of run id each table with a run_id column holds, as
// another session sees them.
func runRows(t testing.TB, dbURL string, id int64) map[string]int {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT c.table_name FROM information_schema.columns c
		JOIN information_schema.tables t USING (table_schema, table_name)
		WHERE c.table_schema = 'tasi' AND c.column_name = 'run_id' AND t.table_type = 'BASE TABLE'`)
	if err != nil {
		t.Fatal(err)
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, table := range tables {
		var n int
		if err := conn.QueryRow(ctx, "SELECT count(*) FROM "+pgx.Identifier{"tasi", table}.Sanitize()+" WHERE run_id = $1", id).Scan(&n); err != nil {
			t.Fatal(err)
		}
		got[table] = n
	}
	for _, table := range runTables {
		if _, ok := got[table]; !ok {
			t.Fatalf("schema tasi has no table %s with a run_id", table)
		}
	}
	return got
}

// openTestStore opens dbURL, closing the Store when t ends.
func openTestStore(t testing.TB, dbURL string) *postgis.Store {
	t.Helper()
	s, err := postgis.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// storedRuns returns the runs in dbURL, newest first.
func storedRuns(t testing.TB, dbURL string) []postgis.Run {
	t.Helper()
	runs, err := openTestStore(t, dbURL).Runs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return runs
}

// storedCSV reads run id back with ReadRun and writes it as transects.csv and
// admin_change.csv would be written: what the database holds, in the files' terms.
func storedCSV(t testing.TB, dbURL string, id int64) (transects, adminChange []byte) {
	t.Helper()
	res, run, err := openTestStore(t, dbURL).ReadRun(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if run.Status != postgis.Succeeded {
		t.Fatalf("run %d is %s", id, run.Status)
	}
	var tb, ab bytes.Buffer
	if err := export.TransectsCSV(&tb, res); err != nil {
		t.Fatal(err)
	}
	if err := export.AdminChangeCSV(&ab, res); err != nil {
		t.Fatal(err)
	}
	return tb.Bytes(), ab.Bytes()
}

// urlPassword returns the password in dbURL, "" when it has none.
func urlPassword(t testing.TB, dbURL string) string {
	t.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := u.User.Password()
	return p
}
