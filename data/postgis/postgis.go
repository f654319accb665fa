// Package postgis is tasi's shared store: analysis runs and the reference data in a
// PostgreSQL database with PostGIS, the system of record that the tile server, the API and
// many users read. The GeoPackage store (package gpkg) is the single-user alternative and
// holds the same layers.
//
// All tables live in one schema, "tasi" unless WithSchema says otherwise; the schema is
// created and upgraded by Migrate from SQL files embedded in the binary. Reference data is
// in WGS84 (EPSG:4326); run results keep the UTM zone the rates were measured in
// (runs.epsg, EPSG:326xx/327xx), as DSAS does. Tile-facing tables carry generated
// Web Mercator (EPSG:3857) copies, simplified for low zooms where that matters. See
// migrations/0001_init.sql for every table and column, and the later migrations for what
// they changed (0007 adds a run's forecast settings and its hazard_zones, written with
// the run when WriteRun is given WithHazard; 0008 whether its shorelines were synthetic,
// and the period and satellites they cover).
//
// A run is written in two steps: its runs row is committed first with status 'running',
// then all its rows are loaded with COPY in a second transaction that also sets the status
// to 'succeeded'. A run that fails or is cancelled is marked 'failed' with the error and
// leaves no rows behind. A writer killed outright leaves its runs row 'running'; Runs
// reports it as Abandoned once its server process is gone, and FailAbandoned records it as
// failed.
//
// Errors never contain the password of the database URL: see Redact.
package postgis

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"
	"github.com/jackc/pgx/v5/pgxpool"
)

// DefaultSchema is the schema holding tasi's tables unless WithSchema names another.
const DefaultSchema = "tasi"

// Errors callers branch on.
var (
	// ErrNotFound reports that a run does not exist.
	ErrNotFound = errors.New("not found")
	// ErrNoPostGIS reports that the database lacks the postgis extension.
	ErrNoPostGIS = errors.New("postgis extension missing")
	// ErrSchemaTooNew reports a schema migrated by a newer tasi than this one.
	ErrSchemaTooNew = errors.New("database schema is newer than this tasi")
	// ErrNotMigrated reports a schema that is missing or older than this tasi needs.
	ErrNotMigrated = errors.New("database schema is not up to date")
	// ErrBusy reports a run that is still being written.
	ErrBusy = errors.New("run is being written")
)

// Store is a connection pool to a tasi database. It is safe for concurrent use.
type Store struct {
	pool       *pgxpool.Pool
	health     *pgxpool.Pool // Ping's own pool: readiness must not queue behind tiles in pool
	schema     string        // tasi's schema
	extSchema  string        // schema holding postgis
	where      string        // redacted URL, for messages
	migrations []migration
}

// Option changes how Open connects.
type Option func(*options)

type options struct {
	schema        string
	maxConns      int32
	createPostGIS bool
}

// WithSchema makes the Store keep its tables in schema name instead of DefaultSchema, for
// example to give each test its own.
func WithSchema(name string) Option {
	return func(o *options) { o.schema = name }
}

// WithMaxConns bounds the connections the Store's pool (Pool) opens to n. Without it, or
// with n ≤ 0, the URL's pool_max_conns decides, else pgx's default of max(4, CPUs). Ping
// does not count against it: it has one connection of its own.
func WithMaxConns(n int) Option {
	return func(o *options) { o.maxConns = int32(min(max(n, 0), math.MaxInt32)) }
}

// WithCreatePostGIS makes Open create the postgis extension in a database that lacks it
// (CREATE EXTENSION IF NOT EXISTS postgis), for setting a database up (tasi migrate).
// PostGIS is not a trusted extension: only a superuser may create it. For any other role
// Open's error says what a superuser must run, and where.
func WithCreatePostGIS() Option {
	return func(o *options) { o.createPostGIS = true }
}

// cancelGrace is how long a cancelled query has to end on the server before its
// connection is closed after all.
const cancelGrace = 2 * time.Second

// Open connects to the database at url, a postgres:// URL or a key=value DSN (libpq
// syntax; PG* environment variables and ~/.pgpass fill in what it leaves out). It checks
// that the server answers and that the database has the postgis extension, and returns an
// error wrapping ErrNoPostGIS, saying how to install it, when it does not. It does not
// create or check tasi's tables: Migrate does. Errors never include the password.
func Open(ctx context.Context, url string, opts ...Option) (*Store, error) {
	o := options{schema: DefaultSchema}
	for _, opt := range opts {
		opt(&o)
	}
	if o.schema == "" {
		return nil, errors.New("open database: empty schema name")
	}
	ms, err := loadMigrations()
	if err != nil {
		return nil, err
	}
	where := Redact(url)
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// The parse error quotes the URL; keep only the redacted message, not the chain.
		return nil, fmt.Errorf("open database %s: %s", where, redactSecrets(err.Error(), ""))
	}
	secret := cfg.ConnConfig.Password
	// A query whose context ends (a map that pans away aborts its tile requests; a
	// request times out) is cancelled on the server and its connection kept. pgx's
	// default closes the connection instead, and the next query on a new one pays
	// 100-200 ms for a fresh backend to load PostGIS.
	cfg.ConnConfig.BuildContextWatcherHandler = func(c *pgconn.PgConn) ctxwatch.Handler {
		return &pgconn.CancelRequestContextWatcherHandler{Conn: c, DeadlineDelay: cancelGrace}
	}
	if _, ok := cfg.ConnConfig.RuntimeParams["application_name"]; !ok {
		cfg.ConnConfig.RuntimeParams["application_name"] = "tasi"
	}

	conn, err := pgx.ConnectConfig(ctx, cfg.ConnConfig.Copy())
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", where, connectError(err, secret))
	}
	defer conn.Close(context.WithoutCancel(ctx))
	ext, err := checkPostGIS(ctx, conn, o.createPostGIS)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", where, redactError(err, secret))
	}

	// Unqualified names resolve in tasi's schema, then in postgis's (geometry, ST_*).
	path := pgx.Identifier{o.schema}.Sanitize()
	if ext != o.schema {
		path += ", " + pgx.Identifier{ext}.Sanitize()
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = path
	if o.maxConns > 0 {
		cfg.MaxConns = o.maxConns
	}
	// Readiness gets a pool of its own, of one connection, opened when first asked for:
	// in the shared pool a readiness probe waits behind every tile being cut, and under
	// load a healthy server was reported unready (a load balancer pulls every replica at
	// peak). A second pool rather than a reserved connection of the first keeps pgxpool's
	// reconnection and health checks for it.
	hcfg := cfg.Copy()
	hcfg.MaxConns, hcfg.MinConns = 1, 0
	hcfg.ConnConfig.RuntimeParams["application_name"] = cfg.ConnConfig.RuntimeParams["application_name"] + " readiness"
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", where, redactError(err, secret))
	}
	health, err := pgxpool.NewWithConfig(ctx, hcfg)
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("open database %s: %w", where, redactError(err, secret))
	}
	return &Store{pool: pool, health: health, schema: o.schema, extSchema: ext, where: where, migrations: ms}, nil
}

// Close closes every connection of the pools, waiting for those in use to be released.
func (s *Store) Close() {
	s.pool.Close()
	s.health.Close()
}

// MaxConns returns the most connections Pool opens (Ping's own connection aside).
func (s *Store) MaxConns() int { return int(s.pool.Config().MaxConns) }

// Schema returns the schema holding tasi's tables.
func (s *Store) Schema() string { return s.schema }

// checkPostGIS returns the schema holding the postgis extension, creating it first when
// create is set and the server has it, or an error wrapping ErrNoPostGIS that says how to
// get it.
func checkPostGIS(ctx context.Context, conn *pgx.Conn, create bool) (string, error) {
	const find = `SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
		WHERE e.extname = 'postgis'`
	var schema string
	err := conn.QueryRow(ctx, find).Scan(&schema)
	if err == nil {
		return schema, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return "", fmt.Errorf("check postgis extension: %w", err)
	}
	var db, role string
	var major int
	var available bool
	if err := conn.QueryRow(ctx, `SELECT current_database(), current_user, current_setting('server_version_num')::int / 10000,
		EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'postgis')`).Scan(&db, &role, &major, &available); err != nil {
		return "", fmt.Errorf("check postgis extension: %w", err)
	}
	howTo := fmt.Sprintf("connect to database %q as a superuser (such as postgres) and run CREATE EXTENSION postgis; "+
		"for example: psql -U postgres -d %q -c 'CREATE EXTENSION postgis;'", db, db)
	if available && create {
		// Tried whatever the role: besides superusers, managed services (RDS, Cloud SQL)
		// let their admin roles create allow-listed extensions.
		_, err := conn.Exec(ctx, "CREATE EXTENSION IF NOT EXISTS postgis")
		var pgErr *pgconn.PgError
		switch {
		case errors.As(err, &pgErr) && pgErr.Code == "42501": // insufficient_privilege
			return "", fmt.Errorf("%w: database %q does not have it, and role %q may not create it (PostGIS needs a superuser): %s",
				ErrNoPostGIS, db, role, howTo)
		case err != nil:
			return "", fmt.Errorf("%w: create it in database %q: %w", ErrNoPostGIS, db, err)
		}
		if err := conn.QueryRow(ctx, find).Scan(&schema); err != nil {
			return "", fmt.Errorf("check postgis extension after creating it: %w", err)
		}
		return schema, nil
	}
	if available {
		return "", fmt.Errorf("%w: database %q does not have it: run tasi migrate as a superuser, or %s", ErrNoPostGIS, db, howTo)
	}
	return "", fmt.Errorf("%w: the server has no PostGIS: install it (Debian/Ubuntu: apt-get install postgresql-%d-postgis-3), "+
		"then run CREATE EXTENSION postgis; in database %q as a superuser", ErrNoPostGIS, major, db)
}

// connectError explains a failed connection and removes secret from its message.
func connectError(err error, secret string) error {
	var pgErr *pgconn.PgError
	var netErr net.Error
	var opErr *net.OpError
	switch {
	case errors.As(err, &pgErr) && pgErr.Code == "28P01":
		err = fmt.Errorf("wrong user name or password: %w", err)
	case errors.As(err, &pgErr) && pgErr.Code == "3D000":
		err = fmt.Errorf("no such database: %w", err)
	case errors.As(err, &opErr) && strings.Contains(opErr.Err.Error(), "refused"),
		errors.As(err, &netErr) && netErr.Timeout():
		err = fmt.Errorf("cannot reach the server (is PostgreSQL running and accepting connections there?): %w", err)
	}
	return redactError(err, secret)
}
