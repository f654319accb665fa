package postgis_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/tasi-gis/tasi/data/postgis"
	"github.com/tasi-gis/tasi/internal/pgtest"
)

func TestRedact(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"url", "postgres://tasi:s3cret@db.example:5432/tasi?sslmode=require",
			"postgres://tasi:xxxxx@db.example:5432/tasi?sslmode=require"},
		{"postgresql scheme", "postgresql://tasi:s3cret@localhost/tasi", "postgresql://tasi:xxxxx@localhost/tasi"},
		{"escaped password", "postgres://tasi:p%40ss%2Fw0rd@localhost/tasi", "postgres://tasi:xxxxx@localhost/tasi"},
		{"raw @ in password", "postgres://tasi:p@ss@localhost/tasi", "postgres://tasi:xxxxx@localhost/tasi"},
		{"no path", "postgres://tasi:s3cret@localhost", "postgres://tasi:xxxxx@localhost"},
		{"user only", "postgres://tasi@localhost/tasi", "postgres://tasi@localhost/tasi"},
		{"no user", "postgres://localhost:5432/tasi", "postgres://localhost:5432/tasi"},
		{"other scheme", "mysql://tasi:s3cret@localhost/tasi", "mysql://tasi:xxxxx@localhost/tasi"},
		{"host and port only", "see http://localhost:8080/x@y", "see http://localhost:8080/x@y"},
		{"multiple hosts", "postgres://tasi:s3cret@h1:5432,h2:5433/tasi", "postgres://tasi:xxxxx@h1:5432,h2:5433/tasi"},
		{"query password", "postgres://localhost/tasi?user=tasi&password=s3cret&sslmode=disable",
			"postgres://localhost/tasi?user=tasi&password=xxxxx"},
		{"sslpassword", "postgres://localhost/tasi?sslpassword=s3cret", "postgres://localhost/tasi?sslpassword=xxxxx"},
		{"dsn", "host=localhost user=tasi password=s3cret dbname=tasi", "host=localhost user=tasi password=xxxxx dbname=tasi"},
		{"dsn spaces", "host=localhost password = s3cret dbname=tasi", "host=localhost password = xxxxx dbname=tasi"},
		{"dsn quoted", `host=localhost password='s3 c\'ret' dbname=tasi`, "host=localhost password=xxxxx dbname=tasi"},
		{"dsn quoted unterminated", `host=localhost password='s3 cret dbname=tasi`, "host=localhost password=xxxxx"},
		{"dsn upper case", "HOST=localhost PASSWORD=s3cret", "HOST=localhost PASSWORD=xxxxx"},
		{"in a message", `cannot parse "postgres://tasi:s3cret@localhost:x/tasi": invalid port`,
			`cannot parse "postgres://tasi:xxxxx@localhost:x/tasi": invalid port`},
		{"two urls", "from postgres://a:s3cret@h1/db to postgres://b:s3cret@h2/db",
			"from postgres://a:xxxxx@h1/db to postgres://b:xxxxx@h2/db"},
		{"nothing to hide", "failed to connect to `user=tasi database=tasi`", "failed to connect to `user=tasi database=tasi`"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := postgis.Redact(tc.in)
			if got != tc.want {
				t.Errorf("Redact(%q)\n got %q\nwant %q", tc.in, got, tc.want)
			}
			if strings.Contains(got, "s3") || strings.Contains(got, "ret'") {
				t.Errorf("Redact(%q) = %q still holds the password", tc.in, got)
			}
		})
	}
}

// closedPort returns a TCP port on 127.0.0.1 that nothing listens on.
func closedPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return port
}

// TestOpenErrors checks that Open says what is wrong and never shows the password. None
// of these needs a server.
func TestOpenErrors(t *testing.T) {
	t.Parallel()
	const secret = "Sekr1t-horse"
	port := closedPort(t)
	for _, tc := range []struct {
		name, url string
		want      string
	}{
		{"unreachable url", fmt.Sprintf("postgres://tasi:%s@127.0.0.1:%d/tasi?sslmode=disable&connect_timeout=5", secret, port),
			"cannot reach the server"},
		{"unreachable dsn", fmt.Sprintf("host=127.0.0.1 port=%d user=tasi password=%s dbname=tasi sslmode=disable connect_timeout=5", port, secret),
			"cannot reach the server"},
		{"bad port", fmt.Sprintf("postgres://tasi:%s@127.0.0.1:notaport/tasi", secret), "open database"},
		{"bad dsn", fmt.Sprintf("host=127.0.0.1 port=notaport password=%s", secret), "open database"},
		{"bad scheme", fmt.Sprintf("mysql://tasi:%s@127.0.0.1/tasi", secret), "open database"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			s, err := postgis.Open(ctx, tc.url)
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded, want an error")
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.want) {
				t.Errorf("error %q does not say %q", msg, tc.want)
			}
			if strings.Contains(msg, secret) || strings.Contains(fmt.Sprintf("%+v %#v", err, err), secret) {
				t.Errorf("error shows the password: %q", msg)
			}
		})
	}
}

func TestOpenWrongPassword(t *testing.T) {
	t.Parallel()
	dbURL := pg.Database(t)
	const right, wrong = "right-horse-battery", "wrong-staple-7"
	role := pgtest.UniqueRole("tasi_pw")
	pg.Exec(t, dbURL, "CREATE ROLE "+role+" LOGIN PASSWORD '"+right+"'")
	t.Cleanup(func() { pg.Exec(t, dbURL, "DROP ROLE "+role) })
	ctx := context.Background()

	s, err := postgis.Open(ctx, pgtest.WithUser(t, dbURL, role, wrong))
	if err == nil {
		s.Close()
		if os.Getenv(pgtest.EnvURL) != "" {
			t.Skipf("the server at %s does not check passwords", pgtest.EnvURL)
		}
		t.Fatal("Open with a wrong password succeeded")
	}
	if msg := err.Error(); !strings.Contains(msg, "wrong user name or password") || strings.Contains(msg, wrong) || strings.Contains(msg, right) {
		t.Errorf("error %q: want it to name the problem and hide the password", msg)
	}
	s, err = postgis.Open(ctx, pgtest.WithUser(t, dbURL, role, right))
	if err != nil {
		t.Fatalf("Open with the right password: %v", err)
	}
	s.Close()
}

func TestOpenWithoutPostGIS(t *testing.T) {
	t.Parallel()
	dbURL := pg.Database(t, pgtest.WithoutPostGIS())
	s, err := postgis.Open(context.Background(), dbURL)
	if err == nil {
		s.Close()
		t.Fatal("Open succeeded on a database without postgis")
	}
	if !errors.Is(err, postgis.ErrNoPostGIS) || !strings.Contains(err.Error(), "CREATE EXTENSION postgis") {
		t.Errorf("error %q: want ErrNoPostGIS saying how to install it", err)
	}
	if n := pg.QueryInt(t, dbURL, "SELECT count(*) FROM pg_namespace WHERE nspname = 'tasi'"); n != 0 {
		t.Errorf("Open created the tasi schema")
	}
}

func TestMigrate(t *testing.T) {
	t.Parallel()
	dbURL := pg.Database(t)
	ctx := context.Background()
	s, err := postgis.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if cur, latest, err := s.SchemaVersion(ctx); err != nil || cur != 0 || latest < 1 {
		t.Fatalf("SchemaVersion before Migrate = %d, %d, %v; want 0, ≥1, nil", cur, latest, err)
	}
	if _, err := s.Runs(ctx); !errors.Is(err, postgis.ErrNotMigrated) {
		t.Errorf("Runs before Migrate: %v, want ErrNotMigrated", err)
	}

	// Four at once, on separate connections: exactly one applies each version.
	var wg sync.WaitGroup
	applied := make([][]int, 4)
	errs := make([]error, 4)
	for i := range applied {
		wg.Add(1)
		go func() {
			defer wg.Done()
			applied[i], errs[i] = s.Migrate(ctx)
		}()
	}
	wg.Wait()
	var all []int
	for i := range applied {
		if errs[i] != nil {
			t.Fatalf("concurrent Migrate %d: %v", i, errs[i])
		}
		all = append(all, applied[i]...)
	}
	_, latest, _ := s.SchemaVersion(ctx)
	want := []int{}
	for v := 1; v <= latest; v++ {
		want = append(want, v)
	}
	slices.Sort(all)
	if !slices.Equal(all, want) {
		t.Errorf("concurrent Migrate applied %v in all, want %v once each", all, want)
	}
	if again, err := s.Migrate(ctx); err != nil || len(again) != 0 {
		t.Errorf("second Migrate applied %v, %v; want nothing", again, err)
	}
	if cur, latest, err := s.SchemaVersion(ctx); err != nil || cur != latest {
		t.Errorf("SchemaVersion after Migrate = %d, %d, %v", cur, latest, err)
	}
	if runs, err := s.Runs(ctx); err != nil || len(runs) != 0 {
		t.Errorf("Runs after Migrate = %v, %v; want none", runs, err)
	}
}

func TestSchemaTooNew(t *testing.T) {
	t.Parallel()
	s, dbURL := newStore(t)
	ctx := context.Background()
	before := pg.QueryInt(t, dbURL, "SELECT count(*) FROM tasi.schema_migrations")
	pg.Exec(t, dbURL, "INSERT INTO tasi.schema_migrations (version, name) VALUES (9999, '9999_from_the_future')")

	if _, err := s.Migrate(ctx); !errors.Is(err, postgis.ErrSchemaTooNew) || !strings.Contains(err.Error(), "upgrade tasi") {
		t.Errorf("Migrate: %v, want ErrSchemaTooNew telling to upgrade", err)
	}
	if id, err := s.WriteRun(ctx, straightRun(t), provenance()); !errors.Is(err, postgis.ErrSchemaTooNew) || id != 0 {
		t.Errorf("WriteRun: %d, %v; want 0, ErrSchemaTooNew", id, err)
	}
	if _, err := s.Runs(ctx); !errors.Is(err, postgis.ErrSchemaTooNew) {
		t.Errorf("Runs: %v, want ErrSchemaTooNew", err)
	}
	if n := pg.QueryInt(t, dbURL, "SELECT count(*) FROM tasi.runs"); n != 0 {
		t.Errorf("%d runs written to a newer schema", n)
	}
	if n := pg.QueryInt(t, dbURL, "SELECT count(*) FROM tasi.schema_migrations"); n != before+1 {
		t.Errorf("schema_migrations has %d rows, want %d (Migrate must not touch it)", n, before+1)
	}
}

// TestSchemas checks that stores in different schemas of one database do not see each
// other's runs.
func TestSchemas(t *testing.T) {
	t.Parallel()
	dbURL := pg.Database(t)
	ctx := context.Background()
	a := openMigrated(t, dbURL, postgis.WithSchema("tasi_a"))
	b := openMigrated(t, dbURL, postgis.WithSchema("Tasi B")) // needs quoting
	if _, err := a.WriteRun(ctx, straightRun(t), provenance()); err != nil {
		t.Fatal(err)
	}
	ra, err := a.Runs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rb, err := b.Runs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(ra) != 1 || len(rb) != 0 {
		t.Errorf("schema tasi_a has %d runs, \"Tasi B\" %d; want 1 and 0", len(ra), len(rb))
	}
	if n := pg.QueryInt(t, dbURL, `SELECT count(*) FROM "Tasi B".transects`); n != 0 {
		t.Errorf("\"Tasi B\".transects has %d rows", n)
	}
}

// TestCancelledQueryKeepsConnection cancels a query mid-flight, as a map that pans away
// cancels its tile requests: the server stops the query, and the connection, with its
// backend, serves the next query rather than being closed and replaced.
func TestCancelledQueryKeepsConnection(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	conn, err := s.Pool().Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	var pid int
	if err := conn.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
		t.Fatal(err)
	}
	qctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = conn.Exec(qctx, "SELECT pg_sleep(10)")
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "57014" { // query_canceled
		t.Fatalf("cancelled query: %v, want the server's query_canceled (57014)", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the cancelled query took %v to end", d)
	}
	var again int
	if err := conn.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&again); err != nil || again != pid {
		t.Fatalf("after the cancel: backend %d, %v; want the same backend %d", again, err, pid)
	}
}

// TestPingWhilePoolBusy checks that readiness does not queue behind the pool: with every
// connection of Pool provably taken (held by the test, as slow tile queries would hold
// them), Ping still answers, and WithMaxConns sizes the pool.
func TestPingWhilePoolBusy(t *testing.T) {
	t.Parallel()
	dbURL := pg.Database(t)
	for _, tc := range []struct {
		name string
		opts []postgis.Option
		want int
	}{
		{"default", nil, max(4, runtime.NumCPU())},
		{"one connection", []postgis.Option{postgis.WithMaxConns(1)}, 1},
		{"three connections", []postgis.Option{postgis.WithMaxConns(3)}, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			s := openMigrated(t, dbURL, tc.opts...)
			if got := s.MaxConns(); got != tc.want {
				t.Fatalf("MaxConns %d, want %d", got, tc.want)
			}
			var held []*pgxpool.Conn
			defer func() {
				for _, c := range held {
					c.Release()
				}
			}()
			for range tc.want {
				c, err := s.Pool().Acquire(ctx)
				if err != nil {
					t.Fatal(err)
				}
				held = append(held, c)
			}
			if st := s.Pool().Stat(); st.AcquiredConns() != int32(tc.want) || st.MaxConns() != int32(tc.want) {
				t.Fatalf("pool: %d of %d connections taken, want all %d", st.AcquiredConns(), st.MaxConns(), tc.want)
			}
			// The pool is full: another query would wait. (The context is already over, so
			// this cannot take a connection even if one were free; it shows nothing is.)
			expired, cancel := context.WithCancel(ctx)
			cancel()
			if c, err := s.Pool().Acquire(expired); err == nil {
				c.Release()
				t.Fatal("acquired a connection from a full pool")
			}
			// Before readiness had a connection of its own, this waited until its context
			// ended: ten seconds, then ErrTimeout.
			pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			if err := s.Ping(pctx); err != nil {
				t.Fatalf("ping with the pool full: %v", err)
			}
			if st := s.Pool().Stat(); st.AcquiredConns() != int32(tc.want) {
				t.Errorf("after the ping %d connections taken, want %d", st.AcquiredConns(), tc.want)
			}
		})
	}
}
