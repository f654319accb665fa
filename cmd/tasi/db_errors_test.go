package main

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tasi-gis/tasi/internal/pgtest"
)

// TestDBBadInput gives analyze --db, import and runs databases they cannot use. Each must
// fail with an error saying what is wrong, never show the password, and write nothing:
// not to the database, and not the files analyze was asked to write beside it.
func TestDBBadInput(t *testing.T) {
	t.Parallel()
	const secret = "Sekr1t-horse-42"
	closedPort := func() int {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		return l.Addr().(*net.TCPAddr).Port
	}()

	tests := []struct {
		name string
		// setup returns the URL to give --db, and the superuser URL of the same database
		// to count rows with ("" when there is no database).
		setup func(t *testing.T) (dbURL, admin string)
		want  []string // in every command's error
	}{
		{
			name: "unreachable",
			setup: func(t *testing.T) (string, string) {
				return fmt.Sprintf("postgres://tasi:%s@127.0.0.1:%d/tasi?connect_timeout=5", secret, closedPort), ""
			},
			want: []string{"cannot reach the server", fmt.Sprintf("127.0.0.1:%d", closedPort)},
		},
		{
			name: "wrong password",
			setup: func(t *testing.T) (string, string) {
				admin := migratedDB(t)
				role := pgtest.UniqueRole("tasi_pw")
				pg.Exec(t, admin, "CREATE ROLE "+role+" LOGIN PASSWORD 'the-right-one'")
				t.Cleanup(func() { pg.Exec(t, admin, "DROP ROLE "+role) })
				if os.Getenv(pgtest.EnvURL) != "" {
					t.Skipf("the server at %s may not check passwords", pgtest.EnvURL)
				}
				return pgtest.WithUser(t, admin, role, secret), admin
			},
			want: []string{"wrong user name or password"},
		},
		{
			name: "no postgis",
			setup: func(t *testing.T) (string, string) {
				admin := pg.Database(t, pgtest.WithoutPostGIS())
				return admin, admin
			},
			want: []string{"postgis extension missing", "CREATE EXTENSION postgis"},
		},
		{
			name: "not migrated",
			setup: func(t *testing.T) (string, string) {
				admin := pg.Database(t)
				return admin, admin
			},
			want: []string{"run tasi migrate"},
		},
		{
			name: "read-only role",
			setup: func(t *testing.T) (string, string) {
				admin := migratedDB(t)
				role := pgtest.UniqueRole("tasi_reader")
				pg.Exec(t, admin, "CREATE ROLE "+role+" LOGIN PASSWORD '"+secret+"'")
				t.Cleanup(func() {
					pg.Exec(t, admin, "DROP OWNED BY "+role)
					pg.Exec(t, admin, "DROP ROLE "+role)
				})
				pg.Exec(t, admin, "GRANT USAGE ON SCHEMA tasi TO "+role)
				pg.Exec(t, admin, "GRANT SELECT ON ALL TABLES IN SCHEMA tasi TO "+role)
				return pgtest.WithUser(t, admin, role, secret), admin
			},
			want: []string{"permission denied", "the database role needs"},
		},
		{
			name: "schema from a newer tasi",
			setup: func(t *testing.T) (string, string) {
				admin := migratedDB(t)
				pg.Exec(t, admin, "INSERT INTO tasi.schema_migrations (version, name) VALUES (9999, '9999_from_the_future')")
				return admin, admin
			},
			want: []string{"newer than this tasi", "upgrade tasi"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dbURL, admin := tc.setup(t)
			password := urlPassword(t, dbURL)
			dir := t.TempDir()
			args := straightCoastArgs(t, dir)
			results := filepath.Join(dir, "results.gpkg")
			if err := os.WriteFile(results, []byte("earlier run"), 0o644); err != nil {
				t.Fatal(err)
			}
			csvDir := filepath.Join(dir, "csv")

			for _, cmd := range [][]string{
				append(args, "--db", dbURL, "--out", results, "--csv-dir", csvDir),
				{"import", "--db", dbURL},
				{"runs", "--db", dbURL},
			} {
				out, err := runCLIErr(t, cmd...)
				if err == nil {
					if tc.name == "read-only role" && cmd[0] == "runs" {
						continue // reading is what the role may do
					}
					t.Fatalf("%s succeeded, want an error\n%s", cmd[0], out)
				}
				t.Logf("tasi %s: %v", cmd[0], err)
				for _, w := range tc.want {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("%s: error %q does not say %q", cmd[0], err, w)
					}
				}
				if !strings.Contains(err.Error(), cmd[0]+": ") {
					t.Errorf("error %q does not name the command %s", err, cmd[0])
				}
				if strings.Contains(err.Error(), password) || strings.Contains(out, password) {
					t.Errorf("%s shows the password: %v\n%s", cmd[0], err, out)
				}
				if cmd[0] == "analyze" && strings.Contains(out, "computed change") {
					t.Errorf("analyze ran the analysis before finding the database unusable:\n%s", out)
				}
			}

			if b, _ := os.ReadFile(results); string(b) != "earlier run" {
				t.Errorf("the earlier results.gpkg was changed")
			}
			if _, err := os.Stat(filepath.Join(csvDir, "transects.csv")); err == nil {
				t.Errorf("a failed run left transects.csv behind")
			}
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				if strings.Contains(e.Name(), ".tmp") {
					t.Errorf("a failed run left %s behind", e.Name())
				}
			}
			if admin == "" {
				return
			}
			if n := pg.QueryInt(t, admin, "SELECT count(*) FROM pg_namespace WHERE nspname = 'tasi'"); n == 0 {
				return // nothing can have been written
			}
			for _, table := range append([]string{"runs", "admin_units", "coastline"}, runTables...) {
				if n := pg.QueryInt(t, admin, "SELECT count(*) FROM tasi."+table); n != 0 {
					t.Errorf("%d rows written to %s", n, table)
				}
			}
		})
	}
}
