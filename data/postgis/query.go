package postgis

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/project"
	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/data/results"
	"github.com/tasi-gis/tasi/internal/pgcancel"
	"github.com/tasi-gis/tasi/vector/utm"
)

// This file answers the API's questions (package results) with SQL: what one request of
// `tasi serve` reads. Each method runs in one read-only transaction, so that the run
// 'latest' resolves to and the rows read from it belong to one snapshot, under a statement
// timeout so that no request can hold a connection for long. Values are always $n
// parameters; the one piece of SQL chosen by the request, the sort order, comes from a
// fixed table. Geometry is read in the run's UTM zone and projected to lon/lat in Go with
// package results, so that the answers equal those of results.Memory to the last digit.

// QueryTimeout is the longest a statement of these queries may run, unless the request's
// deadline is sooner.
const QueryTimeout = 5 * time.Second

// ListRuns returns every run, latest first (runOrder), as the API shows them.
func (s *Store) ListRuns(ctx context.Context) ([]results.Run, error) {
	var out []results.Run
	err := s.read(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, "SELECT "+runColumns+" FROM runs r ORDER BY "+runOrder)
		if err != nil {
			return err
		}
		runs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Run, error) { return scanRun(row) })
		if err != nil {
			return err
		}
		out = make([]results.Run, len(runs))
		for i, r := range runs {
			out[i] = r.result()
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list runs: %w", err)
	}
	return out, nil
}

// FindRun returns run ref, whatever its status; for results.Latest, the succeeded run
// published last (runOrder). It returns an error wrapping results.ErrNotFound when there is none.
func (s *Store) FindRun(ctx context.Context, ref results.RunRef) (results.Run, error) {
	var out results.Run
	err := s.read(ctx, func(tx pgx.Tx) error {
		sql, args := "SELECT "+runColumns+" FROM runs r WHERE r.id = $1", []any{int64(ref)}
		if ref == results.Latest {
			sql, args = "SELECT "+runColumns+" FROM runs r WHERE r.status = 'succeeded' ORDER BY "+runOrder+" LIMIT 1", nil
		}
		r, err := scanRun(tx.QueryRow(ctx, sql, args...))
		if errors.Is(err, pgx.ErrNoRows) {
			return results.RunNotFound(ref)
		}
		out = r.result()
		return err
	})
	if err != nil {
		return results.Run{}, fmt.Errorf("find run: %w", err)
	}
	return out, nil
}

// result returns r as the API shows it.
func (r Run) result() results.Run {
	return results.Run{
		ID: r.ID, Status: string(r.Status), Error: r.Error, Version: r.Version,
		Started: r.AnalysisStarted, Finished: r.AnalysisFinished, EPSG: r.EPSG, Parameters: r.Parameters, Inputs: r.Inputs,
		Shorelines: r.Shorelines, Transects: r.Transects, Intersections: r.Intersections, Missed: r.Missed, Units: r.Units,
		Synthetic: r.Synthetic, Period: r.Period, Satellites: r.Satellites,
	}
}

// unitSorts is the ORDER BY of each sort key, ascending and descending. Text sorts in
// byte order (COLLATE "C"), as Go compares strings; undefined values sort last.
var unitSorts = func() map[string][2]string {
	m := map[string][2]string{
		results.SortPCode: {`pcode COLLATE "C"`, `pcode COLLATE "C" DESC`},
		results.SortName:  {`name COLLATE "C", pcode COLLATE "C"`, `name COLLATE "C" DESC, pcode COLLATE "C"`},
	}
	for key, col := range map[string]string{
		results.SortMeanLRR: "mean_lrr", results.SortMedianLRR: "median_lrr", results.SortMeanEPR: "mean_epr",
		results.SortPctEroding: "pct_eroding", results.SortPctSigEroding: "pct_sig_eroding", results.SortCoastKm: "coast_km",
		results.SortAreaLost: "area_lost_m2", results.SortPopulation: "population",
	} {
		m[key] = [2]string{col + ` NULLS LAST, pcode COLLATE "C"`, col + ` DESC NULLS LAST, pcode COLLATE "C"`}
	}
	return m
}()

// unitColumns are the admin_change columns scanUnit reads, then the geometry when $2 is
// true.
const unitColumns = `pcode, name, coalesce(parent_pcode, ''), coalesce(parent_name, ''),
	coalesce(region_pcode, ''), coalesce(region_name, ''), coalesce(population, -1), coalesce(households, -1),
	n_transects, coast_km, mean_lrr, median_lrr, min_lrr, max_lrr, mean_epr, mean_nsm,
	pct_eroding, pct_accreting, pct_sig_eroding, pct_sig_accreting, mean_lrr_unc, n_effective,
	area_lost_m2, area_gained_m2, CASE WHEN $2::boolean THEN ST_AsBinary(geom) END`

// scanUnit reads one row of unitColumns. Its geometry stays in the run's UTM zone, as
// stored, when project is nil (reading a run back whole), and goes through project
// otherwise (lonLat for the API).
func scanUnit(row pgx.Row, project func(orb.MultiPolygon) orb.MultiPolygon) (results.Unit, error) {
	var u results.Unit
	a := &u.Unit
	var v [15]*float64
	var g []byte
	if err := row.Scan(&a.Code, &a.Name, &a.ParentCode, &a.ParentName, &a.RegionCode, &a.RegionName, &a.Population, &a.Households,
		&u.Transects, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9], &v[10], &v[11], &v[12], &v[13], &v[14], &g); err != nil {
		return u, err
	}
	for i, f := range []*float64{&u.CoastKm, &u.MeanLRR, &u.MedianLRR, &u.MinLRR, &u.MaxLRR, &u.MeanEPR, &u.MeanNSM,
		&u.PctEroding, &u.PctAccreting, &u.PctSigEroding, &u.PctSigAccreting, &u.MeanLRRUnc, &u.NEffective, &u.AreaLost, &u.AreaGained} {
		*f = orNaN(v[i])
	}
	if g != nil {
		mp, err := decode[orb.MultiPolygon](g)
		if err != nil {
			return u, fmt.Errorf("unit %s: %w", a.Code, err)
		}
		if project != nil {
			mp = project(mp)
		}
		a.Geometry = mp
	}
	return u, nil
}

// lonLat projects a unit's geometry from zone to WGS84 lon/lat.
func lonLat(zone utm.Zone) func(orb.MultiPolygon) orb.MultiPolygon {
	return func(mp orb.MultiPolygon) orb.MultiPolygon { return results.MultiPolygonLonLat(zone, mp) }
}

// maxMercatorLat is the latitude where the Web Mercator grid ends.
const maxMercatorLat = 85.05112877980659

// UnitsPage returns the admin units of a run that q selects, in its order, with the number
// that match before paging. An unknown run, or one that did not succeed, gives an error
// wrapping results.ErrNotFound; a municipality that matches nothing gives an empty page.
// The bounding-box filter uses the spatial index on the Web Mercator copy of the units.
func (s *Store) UnitsPage(ctx context.Context, q results.UnitsQuery) (results.UnitsPage, error) {
	order, ok := unitSorts[q.Sort]
	if q.Sort == "" {
		order, ok = unitSorts[results.SortPCode], true
	}
	if !ok {
		return results.UnitsPage{}, fmt.Errorf("units: unknown sort key %q", q.Sort)
	}
	sortSQL := order[0]
	if q.Desc {
		sortSQL = order[1]
	}
	page := results.UnitsPage{Units: []results.Unit{}}
	err := s.read(ctx, func(tx pgx.Tx) error {
		id, zone, err := resolveRun(ctx, tx, q.Run)
		if err != nil {
			return err
		}
		page.Run = id
		// $1 run, $2 geometry, $3 municipality P-codes or NULL, $4-$7 Web Mercator box or NULL.
		args := []any{id, q.Geometry, nil, nil, nil, nil, nil}
		if q.Municipality != "" {
			codes, err := municipalityCodes(ctx, tx, id, q.Municipality)
			if err != nil || len(codes) == 0 {
				return err
			}
			args[2] = codes
		}
		if b := q.BBox; b != nil {
			clamp := func(p orb.Point) orb.Point {
				return project.WGS84.ToMercator(orb.Point{p[0], math.Max(-maxMercatorLat, math.Min(maxMercatorLat, p[1]))})
			}
			lo, hi := clamp(b.Min), clamp(b.Max)
			args[3], args[4], args[5], args[6] = lo[0], lo[1], hi[0], hi[1]
		}
		const where = `WHERE run_id = $1 AND ($3::text[] IS NULL OR region_pcode = ANY($3))
			AND ($4::float8 IS NULL OR geom_3857 && ST_MakeEnvelope($4, $5, $6, $7, 3857))`
		// The count takes the same arguments; "$2 IS NOT NULL" only gives $2 a use there.
		if err := tx.QueryRow(ctx, "SELECT count(*) FROM admin_change "+where+" AND $2::boolean IS NOT NULL", args...).Scan(&page.Total); err != nil {
			return err
		}
		if page.Total <= q.Offset || q.Limit <= 0 {
			return nil
		}
		rows, err := tx.Query(ctx, "SELECT "+unitColumns+" FROM admin_change "+where+
			" ORDER BY "+sortSQL+" LIMIT $8 OFFSET $9", append(args, q.Limit, q.Offset)...)
		if err != nil {
			return err
		}
		page.Units, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (results.Unit, error) { return scanUnit(row, lonLat(zone)) })
		return err
	})
	if err != nil {
		return results.UnitsPage{}, fmt.Errorf("units of run %s: %w", refString(q.Run), err)
	}
	return page, nil
}

// municipalityCodes returns the P-codes of the municipalities of run id that f names.
// Matching is done in Go, with the rule results.Memory uses, so that it does not depend on
// the database's collation (lower() leaves "Ç" alone under the C locale).
func municipalityCodes(ctx context.Context, tx pgx.Tx, id int64, f string) ([]string, error) {
	rows, err := tx.Query(ctx, `SELECT DISTINCT region_pcode, coalesce(region_name, '')
		FROM admin_change WHERE run_id = $1 AND region_pcode IS NOT NULL`, id)
	if err != nil {
		return nil, err
	}
	var codes []string
	var code, name string
	_, err = pgx.ForEachRow(rows, []any{&code, &name}, func() error {
		if results.MatchesMunicipality(f, code, name) {
			codes = append(codes, code)
		}
		return nil
	})
	return codes, err
}

// Unit returns the admin unit with P-code pcode in run ref, with its transects in run
// order and, when geometry is true, its geometry; or an error wrapping
// results.ErrNotFound.
func (s *Store) Unit(ctx context.Context, ref results.RunRef, pcode string, geometry bool) (results.UnitDetail, error) {
	var d results.UnitDetail
	err := s.read(ctx, func(tx pgx.Tx) error {
		id, zone, err := resolveRun(ctx, tx, ref)
		if err != nil {
			return err
		}
		d.Run = id
		d.Unit, err = scanUnit(tx.QueryRow(ctx, "SELECT "+unitColumns+" FROM admin_change WHERE run_id = $1 AND pcode = $3",
			id, geometry, pcode), lonLat(zone))
		if errors.Is(err, pgx.ErrNoRows) {
			return results.UnitNotFound(id, pcode)
		}
		if err != nil {
			return err
		}
		rows, err := tx.Query(ctx, "SELECT "+transectQueryColumns+" FROM transects WHERE run_id = $1 AND pcode = $2 ORDER BY transect", id, pcode)
		if err != nil {
			return err
		}
		d.Transects, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (results.Transect, error) { return scanTransect(row, zone) })
		return err
	})
	if err != nil {
		return results.UnitDetail{}, fmt.Errorf("unit %q of run %s: %w", pcode, refString(ref), err)
	}
	return d, nil
}

// transectQueryColumns are the transects columns scanTransect reads.
const transectQueryColumns = `transect, transect_id, coalesce(pcode, ''), azimuth, base_m, width_m,
	n, date_first, date_last, sce, nsm, epr, eprunc, lrr, lr2, lse, lci, wlr, wr2, wse, wci,
	ST_X(ST_StartPoint(geom)), ST_Y(ST_StartPoint(geom)), ST_X(ST_EndPoint(geom)), ST_Y(ST_EndPoint(geom))`

// scanTransect reads one row of transectQueryColumns, projecting it from zone.
func scanTransect(row pgx.Row, zone utm.Zone) (results.Transect, error) {
	var t analysis.Transect
	var seq int
	var pcode string
	var first, last *time.Time
	var v [12]*float64
	if err := row.Scan(&seq, &t.Label, &pcode, &t.Azimuth, &t.Base, &t.Width,
		&t.Stats.N, &first, &last, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9], &v[10], &v[11],
		&t.Origin[0], &t.Origin[1], &t.End[0], &t.End[1]); err != nil {
		return results.Transect{}, err
	}
	t.Stats.First, t.Stats.Last = utc(first), utc(last)
	st := &t.Stats
	for i, f := range []*float64{&st.SCE, &st.NSM, &st.EPR, &st.EPRunc, &st.LRR, &st.LR2, &st.LSE, &st.LCI, &st.WLR, &st.WR2, &st.WSE, &st.WCI} {
		*f = orNaN(v[i])
	}
	return results.NewTransect(zone, seq, t, pcode), nil
}

// TransectSeries returns the transect labelled label in run ref (the first in run order,
// should labels repeat) with every shoreline position on it in shoreline order, or an
// error wrapping results.ErrNotFound.
func (s *Store) TransectSeries(ctx context.Context, ref results.RunRef, label string) (results.TransectDetail, error) {
	var d results.TransectDetail
	err := s.read(ctx, func(tx pgx.Tx) error {
		id, zone, err := resolveRun(ctx, tx, ref)
		if err != nil {
			return err
		}
		d.Run = id
		// The index transects_label (migration 3) finds the first transect with the label.
		d.Transect, err = scanTransect(tx.QueryRow(ctx, "SELECT "+transectQueryColumns+
			" FROM transects WHERE run_id = $1 AND transect_id = $2 ORDER BY transect LIMIT 1", id, label), zone)
		if errors.Is(err, pgx.ErrNoRows) {
			return results.TransectNotFound(id, label)
		}
		if err != nil {
			return err
		}
		rows, err := tx.Query(ctx, "SELECT shoreline, date, distance_m FROM intersections WHERE run_id = $1 AND transect = $2 ORDER BY shoreline",
			id, d.Transect.Seq)
		if err != nil {
			return err
		}
		var p results.Position
		_, err = pgx.ForEachRow(rows, []any{&p.Shoreline, &p.Date, &p.Distance}, func() error {
			p.Date = p.Date.UTC()
			d.Series = append(d.Series, p)
			return nil
		})
		return err
	})
	if err != nil {
		return results.TransectDetail{}, fmt.Errorf("transect %q of run %s: %w", label, refString(ref), err)
	}
	return d, nil
}

// Ping checks that the database answers, for a readiness probe. It uses a connection of
// its own, so it answers while every connection of Pool is busy. Its error wraps
// results.ErrUnavailable or results.ErrTimeout when that is the cause.
func (s *Store) Ping(ctx context.Context) error {
	err := s.health.Ping(ctx)
	if err != nil && errors.Is(classify(ctx, err), results.ErrUnavailable) {
		err = s.health.Ping(ctx) // once more, past a pooled connection the server closed
	}
	if err != nil {
		return fmt.Errorf("ping database %s: %w", s.where, classify(ctx, err))
	}
	return nil
}

// resolveRun returns the id and zone of the run ref names, which must have succeeded.
func resolveRun(ctx context.Context, tx pgx.Tx, ref results.RunRef) (int64, utm.Zone, error) {
	var r results.Run
	sql, args := "SELECT id, status, epsg FROM runs WHERE id = $1", []any{int64(ref)}
	if ref == results.Latest {
		sql, args = "SELECT id, status, epsg FROM runs r WHERE status = 'succeeded' ORDER BY "+runOrder+" LIMIT 1", nil
	}
	err := tx.QueryRow(ctx, sql, args...).Scan(&r.ID, &r.Status, &r.EPSG)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return 0, utm.Zone{}, results.RunNotFound(ref)
	case err != nil:
		return 0, utm.Zone{}, err
	case r.Status != string(Succeeded):
		return 0, utm.Zone{}, results.NoResults(r)
	}
	zone, err := utm.ZoneFromEPSG(r.EPSG)
	return r.ID, zone, err
}

// read runs f in a read-only transaction whose statements may run QueryTimeout, or until
// ctx's deadline if that is sooner. Its error wraps results.ErrUnavailable when the
// database cannot be reached, results.ErrTimeout when time ran out, and ErrNotMigrated when
// tasi's tables are missing.
//
// A query cancelled "due to user request" while ctx is still live was hit by a cancel
// request meant for an earlier query of its pooled connection (package pgcancel;
// TestStatementTimeout saw it). The read is tried once more; it is read-only, so that is
// safe.
func (s *Store) read(ctx context.Context, f func(pgx.Tx) error) error {
	return pgcancel.Retry(ctx, func() error { return s.readOnce(ctx, f) })
}

// readOnce is one try of read.
func (s *Store) readOnce(ctx context.Context, f func(pgx.Tx) error) error {
	timeout := QueryTimeout
	if dl, ok := ctx.Deadline(); ok {
		timeout = min(timeout, max(time.Until(dl), time.Millisecond))
	}
	// One round trip: BEGIN and SET LOCAL go as one simple-protocol query.
	opts := pgx.TxOptions{BeginQuery: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET LOCAL statement_timeout = " +
		strconv.FormatInt(timeout.Milliseconds(), 10)}
	tx, err := s.pool.BeginTx(ctx, opts)
	if err != nil && errors.Is(classify(ctx, err), results.ErrUnavailable) {
		// A pooled connection the server closed (restarted, or the backend was terminated)
		// fails on first use and leaves the pool; try once more on a fresh one. Safe: the
		// transaction is read-only.
		tx, err = s.pool.BeginTx(ctx, opts)
	}
	if err != nil {
		return classify(ctx, err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	if err := f(tx); err != nil {
		return classify(ctx, err)
	}
	return classify(ctx, tx.Commit(ctx))
}

// classify wraps err in the results error that says what went wrong, with passwords
// masked in its message.
func classify(ctx context.Context, err error) error {
	if err == nil || errors.Is(err, results.ErrNotFound) {
		return err
	}
	var pgErr *pgconn.PgError
	var connErr *pgconn.ConnectError
	var netErr net.Error
	switch {
	case ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) || pgconn.Timeout(err):
		if errors.Is(ctx.Err(), context.Canceled) {
			return fmt.Errorf("%w: %w", context.Canceled, redactError(err, ""))
		}
		return fmt.Errorf("%w: %w", results.ErrTimeout, redactError(err, ""))
	case errors.As(err, &connErr):
		// Whatever the server said (it is starting, shutting down, refuses connections to
		// this database): it cannot be used now.
		return fmt.Errorf("%w: %w", results.ErrUnavailable, redactError(err, ""))
	case errors.As(err, &pgErr):
		switch code := pgErr.Code; {
		case code == "57014": // query_canceled: the statement timeout
			return fmt.Errorf("%w: %w", results.ErrTimeout, err)
		case code == "42P01", code == "3F000": // undefined_table, invalid_schema_name
			return fmt.Errorf("%w: %w", ErrNotMigrated, err)
		case code[:2] == "08", code == "57P01", code == "57P02", code == "57P03", code == "53300", code == "3D000":
			// connection exception, admin or crash shutdown, cannot connect now, too many
			// connections, database gone
			return fmt.Errorf("%w: %w", results.ErrUnavailable, redactError(err, ""))
		}
		return err
	case errors.As(err, &netErr), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, pgconn.ErrConnClosed), pgconn.SafeToRetry(err):
		return fmt.Errorf("%w: %w", results.ErrUnavailable, redactError(err, ""))
	}
	return err
}

// refString names ref in messages.
func refString(ref results.RunRef) string {
	if ref == results.Latest {
		return "latest"
	}
	return strconv.FormatInt(int64(ref), 10)
}
