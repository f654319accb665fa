package pgtest_test

import (
	"context"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/tasi-gis/tasi/internal/pgtest"
)

var pg *pgtest.Cluster

func TestMain(m *testing.M) {
	pg = pgtest.New()
	os.Exit(pg.Run(m))
}

func TestDatabase(t *testing.T) {
	for _, tc := range []struct {
		name    string
		opts    []pgtest.Option
		postgis bool
	}{
		{"postgis", nil, true},
		{"plain", []pgtest.Option{pgtest.WithoutPostGIS()}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			url := pg.Database(t, tc.opts...)
			ctx := context.Background()
			conn, err := pgx.Connect(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close(ctx)
			var n int
			if err := conn.QueryRow(ctx, "SELECT count(*) FROM pg_extension WHERE extname = 'postgis'").Scan(&n); err != nil {
				t.Fatal(err)
			}
			if (n == 1) != tc.postgis {
				t.Errorf("postgis installed: %v, want %v", n == 1, tc.postgis)
			}
		})
	}
}

// TestDatabasesAreSeparate checks that each call gives a new database, so tests can run in
// parallel without seeing each other's tables.
func TestDatabasesAreSeparate(t *testing.T) {
	ctx := context.Background()
	names := map[string]bool{}
	for i := 0; i < 3; i++ {
		conn, err := pgx.Connect(ctx, pg.Database(t))
		if err != nil {
			t.Fatal(err)
		}
		var name string
		if err := conn.QueryRow(ctx, "SELECT current_database()").Scan(&name); err != nil {
			t.Fatal(err)
		}
		conn.Close(ctx)
		if names[name] {
			t.Errorf("database %s handed out twice", name)
		}
		names[name] = true
	}
}

// TestStopStart checks that a stopped server refuses connections and that a started one
// serves the same databases, with their data, at the same URL.
func TestStopStart(t *testing.T) {
	own := pgtest.New()
	t.Cleanup(func() {
		if err := own.Close(); err != nil {
			t.Error(err)
		}
	})
	url := own.Database(t)
	own.Exec(t, url, "CREATE TABLE kept AS SELECT 42 AS n")
	own.Stop(t)
	ctx := context.Background()
	if conn, err := pgx.Connect(ctx, url); err == nil {
		conn.Close(ctx)
		t.Fatal("connected to a stopped server")
	}
	own.Start(t)
	if n := own.QueryInt(t, url, "SELECT n FROM kept"); n != 42 {
		t.Errorf("after a restart: %d, want 42", n)
	}
}
