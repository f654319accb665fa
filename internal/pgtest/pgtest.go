// Package pgtest gives tests a real PostgreSQL server with PostGIS: a throwaway cluster in
// a temporary directory, started on first use and shared by every test of one test binary,
// with a fresh database per test so tests can run in parallel.
//
// Use it from TestMain, which owns the cluster:
//
//	var pg *pgtest.Cluster
//
//	func TestMain(m *testing.M) {
//		pg = pgtest.New()
//		code := m.Run()
//		if err := pg.Close(); err != nil {
//			fmt.Fprintln(os.Stderr, err)
//		}
//		os.Exit(code)
//	}
//
//	func TestSomething(t *testing.T) {
//		url := pg.Database(t) // a new database with postgis, dropped with the cluster
//		...
//	}
//
// Where the server comes from, in order:
//
//  1. TASI_TEST_DATABASE_URL: an existing server. Its role must be allowed to create
//     databases and roles and to CREATE EXTENSION postgis (a superuser, as in the
//     postgis/postgis Docker image). Each test database is created there and dropped
//     after the test.
//  2. A new cluster made with initdb in a temporary directory, from the PostgreSQL binaries
//     in TASI_TEST_PG_BIN, else the directory of initdb on PATH, else the newest
//     /usr/lib/postgresql/*/bin (Debian, Ubuntu) or /usr/pgsql-*/bin (RHEL). As root,
//     initdb and postgres run as the user postgres. The server listens on a free TCP port
//     on 127.0.0.1 with scram-sha-256 password authentication and on a unix socket in the
//     temporary directory with trust authentication; fsync is off. It stops with the test
//     binary (Close, or the parent-death signal on Linux when the binary is killed).
//
// When neither is available, Database skips the test with a message saying what to
// install, except under CI=true, where it fails the test.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// ErrUnavailable reports that no PostgreSQL server with PostGIS can be started here:
// binaries, the postgres user or the postgis extension are missing.
var ErrUnavailable = errors.New("no PostgreSQL with PostGIS available")

// EnvURL names the environment variable holding the URL of an existing server to test
// against instead of starting one.
const EnvURL = "TASI_TEST_DATABASE_URL"

// EnvBin names the environment variable holding the directory of the PostgreSQL server
// binaries (initdb, postgres).
const EnvBin = "TASI_TEST_PG_BIN"

// Cluster is a PostgreSQL server shared by the tests of one test binary. It starts on the
// first call to Database; its methods are safe for concurrent use.
type Cluster struct {
	once sync.Once
	err  error
	srv  *server       // the local cluster, nil when external
	url  *url.URL      // superuser URL of the maintenance database
	pool *pgxpool.Pool // on url, for creating databases and roles
	tmpl string        // template database with postgis
	id   string        // unique prefix of the databases this Cluster creates
	mu   sync.Mutex    // guards seq and dbs
	seq  int           // databases created
	dbs  []string      // databases to drop on Close (external servers only)
}

// New returns a Cluster that starts when first used. It starts nothing itself.
func New() *Cluster {
	return &Cluster{}
}

// Option changes how Database makes a database.
type Option func(*dbOptions)

type dbOptions struct {
	postgis bool
}

// WithoutPostGIS makes Database return a database without the postgis extension.
func WithoutPostGIS() Option {
	return func(o *dbOptions) { o.postgis = false }
}

// Database creates a new, empty database for tb and returns its URL, for a superuser,
// over TCP with a password. The database has the postgis extension unless WithoutPostGIS
// is given. It skips tb (fails it under CI=true) when no server is available, and fails
// tb on any other error.
func (c *Cluster) Database(tb testing.TB, opts ...Option) string {
	tb.Helper()
	o := dbOptions{postgis: true}
	for _, opt := range opts {
		opt(&o)
	}
	if err := c.start(); err != nil {
		Unavailable(tb, err)
	}
	c.mu.Lock()
	c.seq++
	name := fmt.Sprintf("%s_%d", c.id, c.seq)
	if c.srv == nil {
		c.dbs = append(c.dbs, name)
	}
	c.mu.Unlock()

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	tmpl := "template0"
	if o.postgis {
		tmpl = c.tmpl
	}
	sql := "CREATE DATABASE " + pgx.Identifier{name}.Sanitize() + " TEMPLATE " + pgx.Identifier{tmpl}.Sanitize()
	if _, err := c.pool.Exec(ctx, sql); err != nil {
		tb.Fatalf("pgtest: create database %s: %v", name, err)
	}
	if c.srv == nil {
		tb.Cleanup(func() { c.dropDatabase(name) })
	}
	return c.urlFor(name)
}

// Exec runs sql as the superuser in the database of dbURL (a URL Database returned), with
// args as its $n parameters, failing tb on error. Tests use it to create roles and grants.
func (c *Cluster) Exec(tb testing.TB, dbURL, sql string, args ...any) {
	tb.Helper()
	ctx, conn, done := connect(tb, dbURL)
	defer done()
	if _, err := conn.Exec(ctx, sql, args...); err != nil {
		tb.Fatalf("pgtest: %s: %v", sql, err)
	}
}

// connect opens a connection to dbURL for one statement of at most a minute, failing tb
// on error; done closes it.
func connect(tb testing.TB, dbURL string) (ctx context.Context, conn *pgx.Conn, done func()) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		cancel()
		tb.Fatalf("pgtest: connect: %v", err)
	}
	return ctx, conn, func() {
		conn.Close(ctx)
		cancel()
	}
}

// Close stops the local cluster and removes its directory, or drops the databases made on
// an external server. It is safe to call when the Cluster never started.
func (c *Cluster) Close() error {
	var errs []error
	if c.pool != nil {
		if c.srv == nil {
			c.mu.Lock()
			dbs := append([]string(nil), c.dbs...)
			c.mu.Unlock()
			for _, name := range append(dbs, c.tmpl) {
				if err := c.dropDatabase(name); err != nil {
					errs = append(errs, err)
				}
			}
		}
		c.pool.Close()
	}
	if c.srv != nil {
		errs = append(errs, c.srv.stop())
	}
	return errors.Join(errs...)
}

// Stop stops the server as pg_ctl stop -m fast does: sessions end, connections break and
// new ones are refused until Start; what was committed is kept. Every database of c goes with it, so a test that
// stops its server makes a Cluster of its own (New, and Close when it ends) rather than
// stopping the one its test binary shares. It skips tb when c is an external server
// (EnvURL), which this process cannot stop, and fails tb when c has not started.
func (c *Cluster) Stop(tb testing.TB) {
	tb.Helper()
	c.mustBeLocal(tb)
	c.srv.halt(sigFast)
}

// Start starts a server Stop stopped again, on the same address with the same data, and
// returns when it accepts connections; pools on it reconnect by themselves.
func (c *Cluster) Start(tb testing.TB) {
	tb.Helper()
	c.mustBeLocal(tb)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := c.srv.restart(ctx); err != nil {
		tb.Fatalf("pgtest: %v", err)
	}
}

func (c *Cluster) mustBeLocal(tb testing.TB) {
	tb.Helper()
	if err := c.start(); err != nil {
		Unavailable(tb, err)
	}
	if c.srv == nil {
		tb.Skipf("pgtest: %s names a server this process did not start and cannot stop", EnvURL)
	}
}

// QueryInt runs sql, a query returning one integer, as the superuser in the database of
// dbURL, failing tb on error. Tests use it to count rows.
func (c *Cluster) QueryInt(tb testing.TB, dbURL, sql string, args ...any) int {
	tb.Helper()
	ctx, conn, done := connect(tb, dbURL)
	defer done()
	var n int
	if err := conn.QueryRow(ctx, sql, args...).Scan(&n); err != nil {
		tb.Fatalf("pgtest: %s: %v", sql, err)
	}
	return n
}

// UniqueRole returns a role name starting with prefix that no other test uses: roles
// belong to the whole server, which may be shared (EnvURL).
func UniqueRole(prefix string) string {
	return fmt.Sprintf("%s_%d_%d", prefix, os.Getpid(), roleSeq.Add(1))
}

var roleSeq atomic.Int64

// WithUser returns dbURL with another user and password, failing tb when it is no URL.
func WithUser(tb testing.TB, dbURL, user, password string) string {
	tb.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		tb.Fatal(err)
	}
	u.User = url.UserPassword(user, password)
	return u.String()
}

// Run runs the tests of m and closes c, returning the exit code for os.Exit: the tests'
// code, or 1 when they passed but c failed to close. A TestMain that owns c ends with
// os.Exit(c.Run(m)).
func (c *Cluster) Run(m *testing.M) int {
	code := m.Run()
	if err := c.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// Unavailable skips tb because of err, or fails it when CI=true: under CI a missing
// server is a broken build, not a reason to skip.
func Unavailable(tb testing.TB, err error) {
	tb.Helper()
	if !errors.Is(err, ErrUnavailable) {
		tb.Fatalf("pgtest: %v", err)
	}
	if os.Getenv("CI") == "true" {
		tb.Fatalf("pgtest: %v (CI=true: PostgreSQL tests must not be skipped)", err)
	}
	tb.Skipf("pgtest: %v", err)
}

// start starts the server once; later calls return the first call's error.
func (c *Cluster) start() error {
	c.once.Do(func() { c.err = c.doStart() })
	return c.err
}

func (c *Cluster) doStart() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c.id = fmt.Sprintf("pgtest_%d_%d", os.Getpid(), time.Now().UnixNano()%1e6)
	if raw := os.Getenv(EnvURL); raw != "" {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			return fmt.Errorf("%s: want a postgres:// URL", EnvURL)
		}
		c.url = u
	} else {
		srv, err := startServer(ctx)
		if err != nil {
			return err
		}
		c.srv, c.url = srv, srv.url
	}
	pool, err := pgxpool.New(context.Background(), c.url.String())
	if err != nil {
		return c.fail(fmt.Errorf("connect to the test server: %w", err))
	}
	c.pool = pool
	if err := pool.Ping(ctx); err != nil {
		return c.fail(fmt.Errorf("connect to the test server: %w", err))
	}
	c.tmpl = c.id + "_template"
	if _, err := pool.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{c.tmpl}.Sanitize()+" TEMPLATE template0"); err != nil {
		return c.fail(fmt.Errorf("create template database: %w", err))
	}
	conn, err := pgx.Connect(ctx, c.urlFor(c.tmpl))
	if err != nil {
		return c.fail(fmt.Errorf("connect to template database: %w", err))
	}
	_, err = conn.Exec(ctx, "CREATE EXTENSION postgis")
	conn.Close(ctx)
	if err != nil {
		return c.fail(fmt.Errorf("%w: CREATE EXTENSION postgis: %v (install postgresql-%s-postgis-3)", ErrUnavailable, err, c.major(ctx)))
	}
	return nil
}

// fail tears down whatever doStart made and returns err.
func (c *Cluster) fail(err error) error {
	if c.pool != nil {
		if c.srv == nil && c.tmpl != "" {
			_ = c.dropDatabase(c.tmpl)
		}
		c.pool.Close()
		c.pool = nil
	}
	if c.srv != nil {
		_ = c.srv.stop()
		c.srv = nil
	}
	return err
}

// major returns the server's major version, or "NN" when it cannot be read.
func (c *Cluster) major(ctx context.Context) string {
	var v int
	if err := c.pool.QueryRow(ctx, "SELECT current_setting('server_version_num')::int / 10000").Scan(&v); err != nil {
		return "NN"
	}
	return strconv.Itoa(v)
}

func (c *Cluster) dropDatabase(name string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := c.pool.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("pgtest: drop database %s: %w", name, err)
	}
	return nil
}

// urlFor returns the superuser URL of database name.
func (c *Cluster) urlFor(name string) string {
	u := *c.url
	u.Path = "/" + name
	return u.String()
}
