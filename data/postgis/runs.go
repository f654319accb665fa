package postgis

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/plan"
)

// Status is where a run is in its life.
type Status string

// The statuses of a run.
const (
	Running   Status = "running"   // being written, or its writer was killed (see Run.Abandoned)
	Succeeded Status = "succeeded" // every row is stored
	Failed    Status = "failed"    // no row is stored; Run.Error says why
)

// Run is one stored analysis run: its runs row.
type Run struct {
	ID     int64
	Status Status
	Error  string // why it failed; empty unless Failed
	// Abandoned is true for a Running run whose writer's database session is gone: the
	// writing process was killed. None of its rows are stored. FailAbandoned marks such
	// runs as failed.
	Abandoned bool
	// WriterLost is true for a run FailAbandoned marked failed: its WriteFinished is when
	// another process noticed the writer was gone, which may be days after it was killed.
	// Nothing in the schema records the writer's last sign of life.
	WriterLost bool

	Version                           string    // tasi version that wrote it
	AnalysisStarted, AnalysisFinished time.Time // from the provenance; zero when not given
	WriteStarted, WriteFinished       time.Time // when it was stored; WriteFinished zero while Running
	EPSG                              int       // the UTM zone of all its geometry
	Parameters                        map[string]string
	Inputs                            []analysis.InputFile

	// Synthetic says a shoreline of the run was generated, not seen (false for runs
	// stored before schema version 8); Period and Satellites are what its shorelines
	// cover (analysis.Result.Period and Satellites), computed once when it was written.
	Synthetic  bool
	Period     analysis.Period
	Satellites []string

	// Row counts of the result, known before its rows are written.
	Shorelines, Transects, Intersections, Missed, Units int

	// Hazard is the run's forecast and hazard zones (geometry in the run's UTM zone,
	// Zone.Unit indexing the run's units), nil for a run stored without a forecast.
	// Only ReadRun reads it; Runs and GetRun leave it nil.
	Hazard *plan.Hazard
}

// runOrder orders runs (the table as r) latest first, so that the first succeeded run of
// a list is the one results.Latest names: the runs still being stored, then the others by
// when their storing ended, the succeeded run that was published last first. Of two
// analyses run at once the one that finishes last is the latest, whichever began first,
// as for a GeoPackage, where the file written last is served (package tiles orders alike).
const runOrder = `r.write_finished DESC NULLS FIRST, r.id DESC`

// runColumns are the columns scanRun reads, with r the runs table.
const runColumns = `r.id, r.status, coalesce(r.error, ''),
	r.status = 'running' AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = r.backend_pid),
	r.status = 'failed' AND starts_with(r.error, 'abandoned: '),
	r.tasi_version, r.analysis_started, r.analysis_finished, r.write_started, r.write_finished, r.epsg,
	r.parameters, r.inputs, r.n_shorelines, r.n_transects, r.n_intersections, r.n_missed_transects, r.n_units,
	r.synthetic, r.period_first, r.period_last, r.satellites`

func scanRun(row pgx.Row) (Run, error) {
	var r Run
	var started, finished, writeFinished, first, last *time.Time
	err := row.Scan(&r.ID, &r.Status, &r.Error, &r.Abandoned, &r.WriterLost,
		&r.Version, &started, &finished, &r.WriteStarted, &writeFinished, &r.EPSG,
		&r.Parameters, &r.Inputs, &r.Shorelines, &r.Transects, &r.Intersections, &r.Missed, &r.Units,
		&r.Synthetic, &first, &last, &r.Satellites)
	r.AnalysisStarted, r.AnalysisFinished, r.WriteFinished = utc(started), utc(finished), utc(writeFinished)
	r.Period = analysis.Period{First: utc(first), Last: utc(last)}
	if len(r.Satellites) == 0 {
		r.Satellites = nil // as analysis.Result.Satellites gives none
	}
	r.WriteStarted = r.WriteStarted.UTC()
	return r, err
}

// Runs returns every run, latest first (runOrder).
func (s *Store) Runs(ctx context.Context) ([]Run, error) {
	if err := s.checkSchema(ctx, s.pool); err != nil {
		return nil, fmt.Errorf("list runs: %w", err)
	}
	rows, err := s.pool.Query(ctx, "SELECT "+runColumns+" FROM runs r ORDER BY "+runOrder)
	if err != nil {
		return nil, fmt.Errorf("list runs: %w", err)
	}
	runs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Run, error) { return scanRun(row) })
	if err != nil {
		return nil, fmt.Errorf("list runs: %w", err)
	}
	return runs, nil
}

// GetRun returns run id, or an error wrapping ErrNotFound.
func (s *Store) GetRun(ctx context.Context, id int64) (Run, error) {
	if err := s.checkSchema(ctx, s.pool); err != nil {
		return Run{}, fmt.Errorf("get run %d: %w", id, err)
	}
	r, err := s.getRun(ctx, s.pool, id)
	if err != nil {
		return Run{}, fmt.Errorf("get run %d: %w", id, err)
	}
	return r, nil
}

func (s *Store) getRun(ctx context.Context, q querier, id int64) (Run, error) {
	r, err := scanRun(q.QueryRow(ctx, "SELECT "+runColumns+" FROM runs r WHERE r.id = $1", id))
	if errors.Is(err, pgx.ErrNoRows) {
		return Run{}, fmt.Errorf("run %d: %w", id, ErrNotFound)
	}
	return r, err
}

// DeleteRun removes run id and every row it owns. It returns an error wrapping ErrNotFound
// when there is no such run, and one wrapping ErrBusy while the run is being written.
// An abandoned run can be deleted.
func (s *Store) DeleteRun(ctx context.Context, id int64) error {
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var status string
		err := tx.QueryRow(ctx, "SELECT status FROM runs WHERE id = $1 FOR UPDATE NOWAIT", id).Scan(&status)
		var pgErr *pgconn.PgError
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			return fmt.Errorf("no run %d: %w", id, ErrNotFound)
		case errors.As(err, &pgErr) && pgErr.Code == "55P03": // lock_not_available
			return fmt.Errorf("%w: wait until it has finished or failed", ErrBusy)
		case err != nil:
			return err
		}
		// The shorelines, baseline, transects, intersections, admin_change and hazard_zones
		// rows go with it (ON DELETE CASCADE).
		_, err = tx.Exec(ctx, "DELETE FROM runs WHERE id = $1", id)
		return err
	})
	if err != nil {
		return fmt.Errorf("delete run %d: %w", id, err)
	}
	return nil
}

// abandonedError is the error FailAbandoned records. Run.WriterLost knows its runs by its
// start, "abandoned: ", which every tasi has written.
const abandonedError = "abandoned: the writer's database session ended before the run was stored"

// FailAbandoned marks as failed every run left 'running' by a writer that is gone (killed
// before it could record the failure), and returns their ids. A run whose writer is alive
// is left alone: the writer holds a lock on it. None of an abandoned run's rows are stored:
// the server rolled its load back when the writer's connection closed.
func (s *Store) FailAbandoned(ctx context.Context) ([]int64, error) {
	rows, err := s.pool.Query(ctx, `
		UPDATE runs SET status = 'failed', write_finished = clock_timestamp(), error = $1
		WHERE id IN (
			SELECT r.id FROM runs r
			WHERE r.status = 'running'
				AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = r.backend_pid)
			FOR UPDATE SKIP LOCKED)
		RETURNING id`, abandonedError)
	if err != nil {
		return nil, fmt.Errorf("fail abandoned runs: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("fail abandoned runs: %w", permissionHint(err, "UPDATE on the runs table"))
	}
	return ids, nil
}

// utc returns *t in UTC, or the zero time for nil.
func utc(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}
