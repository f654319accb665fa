package postgis

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// migrationFiles are the schema's versions: NNNN_name.sql, applied in order of NNNN.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// migration is one embedded SQL file.
type migration struct {
	version int
	name    string
	sql     string
}

// loadMigrations returns the embedded migrations in version order.
func loadMigrations() ([]migration, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, fmt.Errorf("list migrations: %w", err)
	}
	ms := make([]migration, 0, len(names))
	for _, name := range names {
		base := path.Base(name)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name must start with a positive version and an underscore", base)
		}
		b, err := migrationFiles.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", base, err)
		}
		ms = append(ms, migration{version: v, name: strings.TrimSuffix(base, ".sql"), sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i := 1; i < len(ms); i++ {
		if ms[i].version == ms[i-1].version {
			return nil, fmt.Errorf("migrations %s and %s share version %d", ms[i-1].name, ms[i].name, ms[i].version)
		}
	}
	return ms, nil
}

// latest returns the newest schema version this tasi knows.
func (s *Store) latest() int {
	if len(s.migrations) == 0 {
		return 0
	}
	return s.migrations[len(s.migrations)-1].version
}

// Migrate creates tasi's schema or brings it up to date, and returns the versions it
// applied (none when the schema was current). It runs in one transaction under an
// advisory lock, so running it twice, or from several processes at once, is safe: the
// second waits for the first and then finds nothing to do. It refuses, with an error
// wrapping ErrSchemaTooNew, a schema that a newer tasi has migrated beyond the versions
// this one knows. The role needs the right to create the schema (or own it) and tables.
func (s *Store) Migrate(ctx context.Context) ([]int, error) {
	applied, err := s.migrate(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate schema %s: %w", s.schema, permissionHint(err, "CREATE on the database (or ownership of the schema)"))
	}
	return applied, nil
}

func (s *Store) migrate(ctx context.Context) ([]int, error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }() // after Commit it does nothing

	// Advisory locks are per database; the key is the schema's, so that migrations of
	// different schemas do not wait for each other.
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", "tasi migrate "+s.schema); err != nil {
		return nil, fmt.Errorf("take migration lock: %w", err)
	}
	schema := pgx.Identifier{s.schema}.Sanitize()
	if _, err := tx.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+schema); err != nil {
		return nil, fmt.Errorf("create schema: %w", err)
	}
	searchPath := schema
	if s.extSchema != s.schema {
		searchPath += ", " + pgx.Identifier{s.extSchema}.Sanitize()
	}
	if _, err := tx.Exec(ctx, "SET LOCAL search_path TO "+searchPath); err != nil {
		return nil, fmt.Errorf("set search_path: %w", err)
	}
	if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    integer PRIMARY KEY,
		name       text NOT NULL,
		applied_at timestamptz NOT NULL DEFAULT now()
	)`); err != nil {
		return nil, fmt.Errorf("create schema_migrations: %w", err)
	}
	rows, err := tx.Query(ctx, "SELECT version FROM schema_migrations")
	if err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	done, err := pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	have := make(map[int]bool, len(done))
	current := 0
	for _, v := range done {
		have[v] = true
		current = max(current, v)
	}
	if current > s.latest() {
		return nil, s.tooNew(current)
	}
	var applied []int
	for _, m := range s.migrations {
		if have[m.version] {
			continue
		}
		if _, err := tx.Exec(ctx, m.sql); err != nil {
			return nil, fmt.Errorf("apply migration %s: %w", m.name, err)
		}
		if _, err := tx.Exec(ctx, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", m.version, m.name); err != nil {
			return nil, fmt.Errorf("record migration %s: %w", m.name, err)
		}
		applied = append(applied, m.version)
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("commit: %w", err)
	}
	return applied, nil
}

// SchemaVersion returns the version the database schema is at (0 when tasi's schema has
// not been created) and the newest version this tasi knows.
func (s *Store) SchemaVersion(ctx context.Context) (current, latest int, err error) {
	current, err = s.schemaVersion(ctx, s.pool)
	if err != nil {
		return 0, 0, fmt.Errorf("read schema version of %s: %w", s.schema, err)
	}
	return current, s.latest(), nil
}

// querier is what pgxpool.Pool, pgxpool.Conn, pgx.Conn and pgx.Tx share.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func (s *Store) schemaVersion(ctx context.Context, q querier) (int, error) {
	var v *int
	table := pgx.Identifier{s.schema, "schema_migrations"}.Sanitize()
	var exists bool
	if err := q.QueryRow(ctx, "SELECT to_regclass($1) IS NOT NULL", table).Scan(&exists); err != nil {
		return 0, err
	}
	if !exists {
		return 0, nil
	}
	if err := q.QueryRow(ctx, "SELECT max(version) FROM "+table).Scan(&v); err != nil {
		return 0, err
	}
	if v == nil {
		return 0, nil
	}
	return *v, nil
}

// checkSchema returns an error unless the schema is at exactly the version this tasi knows.
func (s *Store) checkSchema(ctx context.Context, q querier) error {
	v, err := s.schemaVersion(ctx, q)
	if err != nil {
		return fmt.Errorf("read schema version of %s: %w", s.schema, err)
	}
	switch {
	case v > s.latest():
		return s.tooNew(v)
	case v < s.latest():
		return fmt.Errorf("%w: schema %s is at version %d, this tasi needs version %d: run tasi migrate",
			ErrNotMigrated, s.schema, v, s.latest())
	}
	return nil
}

func (s *Store) tooNew(v int) error {
	return fmt.Errorf("%w: schema %s is at version %d, this tasi knows versions up to %d: upgrade tasi",
		ErrSchemaTooNew, s.schema, v, s.latest())
}

// permissionHint adds what privilege was missing to an insufficient-privilege error.
func permissionHint(err error, need string) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "42501" {
		return fmt.Errorf("%w (the database role needs %s)", err, need)
	}
	return err
}
