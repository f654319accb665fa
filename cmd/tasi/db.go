package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/data/postgis"
	"github.com/tasi-gis/tasi/plan"
)

// envDatabaseURL names the environment variable that gives the database when --db does
// not, so that a URL with a password need not appear on command lines (and so in shell
// history and process lists).
const envDatabaseURL = "TASI_DATABASE_URL"

// dbFlagUsage is the help text of every command's --db flag.
const dbFlagUsage = "PostGIS database: a postgres:// URL or a key=value DSN (default $" + envDatabaseURL + ")"

// openTimeout bounds connecting to the database: pgx would otherwise wait for the
// operating system's TCP timeout (minutes) on a host that drops packets.
const openTimeout = 30 * time.Second

// databaseURL returns the database the flag names, else the one TASI_DATABASE_URL names,
// else "".
func databaseURL(flagValue string) string {
	if flagValue != "" {
		return flagValue
	}
	return os.Getenv(envDatabaseURL)
}

// openStore connects to the database named by flagValue or TASI_DATABASE_URL. Errors
// never show the password: the library redacts its own, and what is added here is
// redacted too.
func openStore(ctx context.Context, cmd, flagValue string, opts ...postgis.Option) (*postgis.Store, error) {
	url := databaseURL(flagValue)
	if url == "" {
		return nil, fmt.Errorf("%s: give --db URL or set %s", cmd, envDatabaseURL)
	}
	octx, cancel := context.WithTimeout(ctx, openTimeout)
	defer cancel()
	s, err := postgis.Open(octx, url, opts...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cmd, err)
	}
	return s, nil
}

// checkSchemaCurrent returns an error, wrapping postgis.ErrNotMigrated or
// postgis.ErrSchemaTooNew, unless the database schema is at the version this tasi knows.
// Commands call it before any slow work so that a database they cannot use fails them at
// once rather than after the analysis.
func checkSchemaCurrent(ctx context.Context, s *postgis.Store) error {
	cur, latest, err := s.SchemaVersion(ctx)
	switch {
	case err != nil:
		return err
	case cur > latest:
		return fmt.Errorf("%w: schema %s is at version %d, this tasi knows versions up to %d: upgrade tasi",
			postgis.ErrSchemaTooNew, s.Schema(), cur, latest)
	case cur == 0:
		return fmt.Errorf("%w: schema %s does not exist yet: run tasi migrate", postgis.ErrNotMigrated, s.Schema())
	case cur < latest:
		return fmt.Errorf("%w: schema %s is at version %d, this tasi needs version %d: run tasi migrate",
			postgis.ErrNotMigrated, s.Schema(), cur, latest)
	}
	return nil
}

// runDB is where `tasi analyze --db` stores its run. A nil *runDB stores nothing, so
// analyze calls its methods whether or not --db was given.
type runDB struct {
	store *postgis.Store
	where string // redacted URL, for logs
	log   *slog.Logger
	id    int64 // the stored run, once writeRun has succeeded
}

// openRunDB connects to the database analyze stores its run in and checks, before the
// analysis starts, that the run can be stored there: the server answers, the schema is
// current, and the role may record runs. It returns nil when url is "" or "none".
//
// Checking that the role may record runs is done by failing abandoned runs (runs whose
// writer was killed), which needs the same UPDATE right on the runs table as storing a
// run, and is housekeeping every writer may as well do.
func openRunDB(ctx context.Context, e *env, url string) (*runDB, error) {
	if url == "" || url == "none" {
		return nil, nil
	}
	s, err := openStore(ctx, "analyze", url)
	if err != nil {
		return nil, err
	}
	db := &runDB{store: s, where: postgis.Redact(url), log: e.log}
	if err := checkSchemaCurrent(ctx, s); err != nil {
		s.Close()
		return nil, fmt.Errorf("analyze: database %s: %w", db.where, err)
	}
	ids, err := s.FailAbandoned(ctx)
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("analyze: database %s: cannot store runs there: %w", db.where, err)
	}
	if len(ids) > 0 {
		e.log.Warn("marked runs whose writer was killed as failed", "runs", ids)
	}
	return db, nil
}

// close closes the connection pool.
func (db *runDB) close() {
	if db != nil {
		db.store.Close()
	}
}

// writer returns the function writeOutputs calls to store the run once every file is
// complete, or nil when there is no database.
//
// Order of the outputs, and why: the files are written first under temporary names (the
// step most likely to fail: a 70 MB GeoPackage on a full disk); then the run is stored in
// one database transaction, which lands whole or not at all (a failed or cancelled load
// is recorded as a failed run with no rows, a killed one is failed later by
// FailAbandoned); only then are the files renamed into place. So a failure in any step
// leaves the earlier files and the earlier runs as they were. The one step after the
// commit, renaming, can fail only if the folder changes under tasi; then the stored run
// is deleted again (undo) so that the database does not hold a run whose files are
// missing.
func (db *runDB) writer(ctx context.Context, res *analysis.Result, prov analysis.Provenance, hazard *plan.Hazard) func() (undo func(), err error) {
	if db == nil {
		return nil
	}
	return func() (func(), error) {
		if err := db.writeRun(ctx, res, prov, hazard); err != nil {
			return nil, err
		}
		return func() { db.undo(ctx) }, nil
	}
}

// writeRun stores res as a new run, with its hazard zones when hazard is not nil.
func (db *runDB) writeRun(ctx context.Context, res *analysis.Result, prov analysis.Provenance, hazard *plan.Hazard) error {
	step := time.Now()
	id, err := db.store.WriteRun(ctx, res, prov, postgis.WithHazard(hazard))
	if err != nil {
		if id != 0 {
			return fmt.Errorf("store run in %s (recorded as failed run %d): %w", db.where, id, err)
		}
		return fmt.Errorf("store run in %s: %w", db.where, err)
	}
	db.id = id
	db.log.Info("stored run", "db", db.where, "run", id, "schema", db.store.Schema(), "took", since(step))
	return nil
}

// undo deletes the run writeRun stored, after a later output failed. It runs even when
// ctx has been cancelled: the run must not outlive the failure.
func (db *runDB) undo(ctx context.Context) {
	if db.id == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), openTimeout)
	defer cancel()
	if err := db.store.DeleteRun(ctx, db.id); err != nil && !errors.Is(err, postgis.ErrNotFound) {
		db.log.Warn("could not remove the stored run after the files failed; delete it with tasi runs delete",
			"run", db.id, "err", err)
		return
	}
	db.log.Warn("removed the stored run because the files could not be put in place", "run", db.id)
	db.id = 0
}
