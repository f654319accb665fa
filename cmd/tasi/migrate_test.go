package main

import (
	"strings"
	"testing"

	"github.com/tasi-gis/tasi/internal/pgtest"
)

// TestMigrateCreatesPostGIS runs tasi migrate on fresh databases without postgis: as a
// superuser it creates the extension and the schema (it used to fail with "postgis
// extension missing"); as a role that may not, it says what to run, where and as whom.
func TestMigrateCreatesPostGIS(t *testing.T) {
	t.Parallel()
	const password = "migrate-secret"
	for _, tc := range []struct {
		name  string
		user  func(t *testing.T, admin string) string // the URL to migrate with
		want  []string                                // in the output, or in the error
		fails bool
	}{
		{"superuser", func(t *testing.T, admin string) string { return admin },
			[]string{"applied version 1"}, false},
		{"role without rights", func(t *testing.T, admin string) string {
			role := pgtest.UniqueRole("tasi_plain")
			pg.Exec(t, admin, "CREATE ROLE "+role+" LOGIN PASSWORD '"+password+"'")
			t.Cleanup(func() { pg.Exec(t, admin, "DROP ROLE "+role) })
			return pgtest.WithUser(t, admin, role, password)
		}, []string{"postgis extension missing", "may not create it", "as a superuser", "CREATE EXTENSION postgis;", "psql -U postgres -d"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			admin := pg.Database(t, pgtest.WithoutPostGIS())
			dbURL := tc.user(t, admin)
			out, err := runCLIErr(t, "migrate", "--db", dbURL)
			if (err != nil) != tc.fails {
				t.Fatalf("migrate: %v, want failure %v\n%s", err, tc.fails, out)
			}
			msg := out
			if err != nil {
				msg = err.Error()
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("%q does not say %q", msg, w)
				}
			}
			if tc.fails && strings.Contains(msg, password) {
				t.Errorf("the error shows the password: %s", msg)
			}
			want := 0
			if !tc.fails {
				want = 1
			}
			if n := pg.QueryInt(t, admin, "SELECT count(*) FROM pg_extension WHERE extname = 'postgis'"); n != want {
				t.Errorf("%d postgis extensions, want %d", n, want)
			}
			if n := pg.QueryInt(t, admin, "SELECT count(*) FROM pg_namespace WHERE nspname = 'tasi'"); n != want {
				t.Errorf("%d tasi schemas, want %d", n, want)
			}
		})
	}
}
