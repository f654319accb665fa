package postgis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/data"
	"github.com/tasi-gis/tasi/plan"
)

// failTimeout bounds how long WriteRun waits to record a failed run once its load has
// failed: the server may still be finishing the statement the load was in.
const failTimeout = 30 * time.Second

// maxErrorText is the longest error message stored in runs.error.
const maxErrorText = 4000

// WriteOption changes what WriteRun stores.
type WriteOption func(*writeOptions)

type writeOptions struct {
	hazard *plan.Hazard
}

// WithHazard makes WriteRun store the run's forecast with it: the settings in the runs
// row and the zones in hazard_zones, in the same transaction as the rest of the run. h's
// geometry is in the run's UTM zone. A nil h stores no forecast, as without the option.
func WithHazard(h *plan.Hazard) WriteOption {
	return func(o *writeOptions) { o.hazard = h }
}

// WriteRun stores res and its provenance as a new run and returns the run's id.
//
// All of the run lands or none of it does. The runs row is committed first with status
// 'running'; the shorelines, baseline, transects, intersections, admin_change and
// hazard_zones rows are then loaded with COPY in one transaction that also sets the
// status to 'succeeded'. If the load fails or ctx ends, WriteRun records the run as
// 'failed' with the error (in a fresh transaction that ignores ctx's cancellation) and
// returns the error, with the run's id so the caller can name it; no row of the run's data
// is visible. Other runs, written before or at the same time, are not touched. WriteRun
// returns id 0 when even the runs row could not be written (for example for a read-only
// role): then nothing was written at all.
//
// Statistics that are NaN in res are stored as NULL, and times with microsecond precision.
func (s *Store) WriteRun(ctx context.Context, res *analysis.Result, prov analysis.Provenance, opts ...WriteOption) (int64, error) {
	var o writeOptions
	for _, opt := range opts {
		opt(&o)
	}
	if res == nil {
		return 0, errors.New("write run: nil result")
	}
	if err := checkResult(res, o.hazard); err != nil {
		return 0, fmt.Errorf("write run: %w", err)
	}
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return 0, fmt.Errorf("write run: connect: %w", err)
	}
	defer conn.Release()
	if err := s.checkSchema(ctx, conn); err != nil {
		return 0, fmt.Errorf("write run: %w", err)
	}
	id, err := recordRun(ctx, conn, res, prov, o.hazard)
	if err != nil {
		return 0, fmt.Errorf("write run: record it: %w", permissionHint(err, "INSERT and UPDATE on the tables of schema "+s.schema))
	}
	if err := loadRun(ctx, conn.Conn(), id, res, o.hazard); err != nil {
		err = permissionHint(err, "INSERT on the tables of schema "+s.schema)
		if ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
			// pgx reports a cancelled COPY as a closed connection.
			err = fmt.Errorf("%w: %w", context.Cause(ctx), err)
		}
		if ferr := s.failRun(ctx, id, err); ferr != nil {
			if errors.Is(ferr, errSucceeded) {
				return id, nil
			}
			return id, fmt.Errorf("write run %d: %w (and marking it failed: %v)", id, err, ferr)
		}
		return id, fmt.Errorf("write run %d: %w", id, err)
	}
	return id, nil
}

// checkResult rejects a Result, or a Hazard, whose cross references do not hold.
func checkResult(res *analysis.Result, h *plan.Hazard) error {
	if h != nil {
		if len(h.Horizons) == 0 || h.RefDate.IsZero() {
			return errors.New("hazard: no horizons or no reference date")
		}
		for i, z := range h.Zones {
			if z.Horizon < 0 || z.Horizon >= len(h.Horizons) {
				return fmt.Errorf("hazard zone %d: horizon %d out of range [0, %d)", i, z.Horizon, len(h.Horizons))
			}
		}
	}
	for _, t := range res.Transects {
		if t.Unit < -1 || t.Unit >= len(res.Units) {
			return fmt.Errorf("transect %s: unit %d out of range [-1, %d)", t.Label, t.Unit, len(res.Units))
		}
	}
	for i, x := range res.Intersections {
		if x.Transect < 0 || x.Transect >= len(res.Transects) {
			return fmt.Errorf("intersection %d: transect %d out of range [0, %d)", i, x.Transect, len(res.Transects))
		}
	}
	return nil
}

// recordRun commits the runs row of res with status 'running' and returns its id.
func recordRun(ctx context.Context, conn *pgxpool.Conn, res *analysis.Result, prov analysis.Provenance, h *plan.Hazard) (int64, error) {
	params := prov.Parameters
	if params == nil {
		params = map[string]string{}
	}
	inputs := prov.Inputs
	if inputs == nil {
		inputs = []analysis.InputFile{}
	}
	ap, err := json.Marshal(res.Params)
	if err != nil {
		return 0, fmt.Errorf("encode analysis parameters: %w", err)
	}
	var refDate, horizons, rate, confidence, setback any // NULL: no forecast
	if h != nil {
		years := make([]int32, len(h.Horizons))
		for i, hz := range h.Horizons {
			years[i] = int32(hz.Years)
		}
		refDate, horizons, rate, confidence, setback = h.RefDate, years, h.RateKind.String(), h.Confidence, h.Setback
	}
	period, sats := res.Period(), res.Satellites()
	if sats == nil {
		sats = []string{}
	}
	var id int64
	err = conn.QueryRow(ctx, `
		INSERT INTO runs (tasi_version, analysis_started, analysis_finished, epsg, parameters, analysis_params, inputs,
			n_shorelines, n_transects, n_intersections, n_missed_transects, n_units, backend_pid,
			forecast_ref_date, forecast_horizons, forecast_rate, forecast_confidence, forecast_setback_m,
			synthetic, period_first, period_last, satellites)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, pg_backend_pid(), $13, $14, $15, $16, $17, $18, $19, $20, $21)
		RETURNING id`,
		prov.Version, nullTime(prov.Started), nullTime(prov.Finished), res.Zone.EPSG(), params, string(ap), inputs,
		len(res.Shorelines), len(res.Transects), len(res.Intersections), len(res.Missed), len(res.Units),
		refDate, horizons, rate, confidence, setback,
		prov.Synthetic, nullTime(period.First), nullTime(period.Last), sats,
	).Scan(&id)
	return id, err
}

// loadRun copies the rows of run id in one transaction and marks the run succeeded.
func loadRun(ctx context.Context, conn *pgx.Conn, id int64, res *analysis.Result, h *plan.Hazard) error {
	tx, err := conn.Begin(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }() // after Commit it does nothing

	// Hold the runs row until commit, so that failRun and DeleteRun wait for this
	// transaction to end, and FailAbandoned leaves the run alone while it lives.
	var status string
	if err := tx.QueryRow(ctx, "SELECT status FROM runs WHERE id = $1 FOR UPDATE", id).Scan(&status); err != nil {
		return fmt.Errorf("lock run: %w", err)
	}
	if status != "running" {
		return fmt.Errorf("run has status %s, want running", status)
	}
	type cut struct {
		pieces []piece
		err    error
	}
	cutDone := make(chan cut, 1)
	go func() {
		p, err := cutPieces(res)
		cutDone <- cut{p, err}
	}()
	srid := res.Zone.EPSG()
	for _, load := range []func(context.Context, pgx.Tx, int64, int, *analysis.Result) error{
		loadShorelines, loadBaseline, loadTransects, loadIntersections, loadAdminChange,
	} {
		if err := load(ctx, tx, id, srid, res); err != nil {
			<-cutDone
			return err
		}
	}
	c := <-cutDone
	if c.err != nil {
		return c.err
	}
	if err := loadShorelinePieces(ctx, tx, id, c.pieces); err != nil {
		return err
	}
	if err := loadHazardZones(ctx, tx, id, srid, h); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `UPDATE runs SET status = 'succeeded', write_finished = clock_timestamp() WHERE id = $1`, id); err != nil {
		return fmt.Errorf("mark run succeeded: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

func loadShorelines(ctx context.Context, tx pgx.Tx, id int64, srid int, res *analysis.Result) error {
	_, err := copyRows(ctx, tx, "shorelines", []string{"run_id", "shoreline", "date", "uncertainty_m", "source", "satname", "geom", "points"}, len(res.Shorelines),
		func(i int, row []any) error {
			s := res.Shorelines[i]
			lines := s.Geometry
			if lines == nil {
				lines = orb.MultiLineString{} // a point shoreline: an empty line, its points beside it
			}
			g, err := encode(lines, srid)
			if err != nil {
				return err
			}
			var pts any
			if len(s.Points) > 0 {
				if pts, err = encode(s.Points, srid); err != nil {
					return err
				}
			}
			row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7] = id, i+1, s.Date, s.Uncertainty, s.Source, data.NullString(s.Satellite), g, pts
			return nil
		})
	return err
}

// piece is one row of shoreline_tiles.
type piece struct {
	shoreline, level int
	geom             []byte // EWKB, SRID 3857
}

// cutPieces cuts the tile server's pieces of every shoreline on all cores. WriteRun runs
// it alongside the first COPYs, which keep the server busy, and copies its result last.
func cutPieces(res *analysis.Result) ([]piece, error) {
	perShoreline := make([][]piece, len(res.Shorelines))
	errs := make([]error, len(res.Shorelines))
	next := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				errs[i] = shorelinePieces(res.Shorelines[i].Geometry, res.Zone, func(level int, l orb.LineString) error {
					g, err := encode(l, 3857)
					perShoreline[i] = append(perShoreline[i], piece{i + 1, level, g})
					return err
				})
			}
		}()
	}
	for i := range res.Shorelines {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("shoreline tile pieces: %w", err)
	}
	return slices.Concat(perShoreline...), nil
}

// loadShorelinePieces copies pieces into shoreline_tiles.
func loadShorelinePieces(ctx context.Context, tx pgx.Tx, id int64, pieces []piece) error {
	_, err := copyRows(ctx, tx, "shoreline_tiles", []string{"run_id", "shoreline", "level", "geom"}, len(pieces),
		func(i int, row []any) error {
			p := pieces[i]
			row[0], row[1], row[2], row[3] = id, p.shoreline, p.level, p.geom
			return nil
		})
	return err
}

func loadBaseline(ctx context.Context, tx pgx.Tx, id int64, srid int, res *analysis.Result) error {
	_, err := copyRows(ctx, tx, "baseline", []string{"run_id", "part", "length_m", "geom"}, len(res.Baseline),
		func(i int, row []any) error {
			l := res.Baseline[i]
			g, err := encode(l, srid)
			row[0], row[1], row[2], row[3] = id, i, planar.Length(l), g
			return err
		})
	return err
}

// transectColumns are the columns loadTransects fills, in order.
var transectColumns = []string{
	"run_id", "transect", "transect_id", "cast_id", "pcode", "part", "chainage_m", "azimuth", "base_m", "width_m",
	"n", "date_first", "date_last", "sce", "nsm", "epr", "eprunc", "lrr", "lr2", "lse", "lci", "wlr", "wr2", "wse", "wci", "geom",
}

func loadTransects(ctx context.Context, tx pgx.Tx, id int64, srid int, res *analysis.Result) error {
	_, err := copyRows(ctx, tx, "transects", transectColumns, len(res.Transects), func(i int, row []any) error {
		t := &res.Transects[i]
		var pcode, part, first, last any
		if t.Unit >= 0 {
			pcode = res.Units[t.Unit].Unit.Code
		}
		if t.Part >= 0 {
			part = t.Part
		}
		if t.Stats.N > 0 {
			first, last = t.Stats.First, t.Stats.Last
		}
		g, err := encode(orb.LineString{t.Origin, t.End}, srid)
		if err != nil {
			return fmt.Errorf("transect %s: %w", t.Label, err)
		}
		st := &t.Stats
		row[0], row[1], row[2], row[3], row[4], row[5] = id, i+1, t.Label, t.ID, pcode, part
		row[6], row[7], row[8], row[9] = num(t.Chainage), t.Azimuth, t.Base, num(t.Width)
		row[10], row[11], row[12] = st.N, first, last
		row[13], row[14], row[15], row[16] = num(st.SCE), num(st.NSM), num(st.EPR), num(st.EPRunc)
		row[17], row[18], row[19], row[20] = num(st.LRR), num(st.LR2), num(st.LSE), num(st.LCI)
		row[21], row[22], row[23], row[24] = num(st.WLR), num(st.WR2), num(st.WSE), num(st.WCI)
		row[25] = g
		return nil
	})
	return err
}

func loadIntersections(ctx context.Context, tx pgx.Tx, id int64, srid int, res *analysis.Result) error {
	var enc pointEncoder
	_, err := copyRows(ctx, tx, "intersections", []string{"run_id", "transect", "shoreline", "date", "distance_m", "geom"}, len(res.Intersections),
		func(i int, row []any) error {
			x := &res.Intersections[i]
			row[0], row[1], row[2], row[3], row[4], row[5] = id, x.Transect+1, x.Shoreline+1, x.Date, x.Distance, enc.encode(x.Point, srid)
			return nil
		})
	return err
}

// adminChangeColumns are the columns loadAdminChange fills, in order.
var adminChangeColumns = []string{
	"run_id", "unit", "pcode", "name", "parent_pcode", "parent_name", "region_pcode", "region_name",
	"n_transects", "coast_km", "mean_lrr", "median_lrr", "min_lrr", "max_lrr", "mean_epr", "mean_nsm",
	"pct_eroding", "pct_accreting", "pct_sig_eroding", "pct_sig_accreting", "mean_lrr_unc", "n_effective",
	"area_lost_m2", "area_gained_m2", "population", "households", "geom",
}

func loadAdminChange(ctx context.Context, tx pgx.Tx, id int64, srid int, res *analysis.Result) error {
	_, err := copyRows(ctx, tx, "admin_change", adminChangeColumns, len(res.Units), func(i int, row []any) error {
		u := &res.Units[i]
		a := &u.Unit
		g, err := encode(a.Geometry, srid)
		if err != nil {
			return fmt.Errorf("unit %s: %w", a.Code, err)
		}
		row[0], row[1], row[2], row[3] = id, i+1, a.Code, a.Name
		row[4], row[5], row[6], row[7] = data.NullString(a.ParentCode), data.NullString(a.ParentName), data.NullString(a.RegionCode), data.NullString(a.RegionName)
		row[8], row[9], row[10], row[11], row[12], row[13] = u.Transects, num(u.CoastKm), num(u.MeanLRR), num(u.MedianLRR), num(u.MinLRR), num(u.MaxLRR)
		row[14], row[15], row[16], row[17] = num(u.MeanEPR), num(u.MeanNSM), num(u.PctEroding), num(u.PctAccreting)
		row[18], row[19], row[20], row[21] = num(u.PctSigEroding), num(u.PctSigAccreting), num(u.MeanLRRUnc), num(u.NEffective)
		row[22], row[23], row[24], row[25] = num(u.AreaLost), num(u.AreaGained), data.NullCount(a.Population), data.NullCount(a.Households)
		row[26] = g
		return nil
	})
	return err
}

// hazardColumns are the columns loadHazardZones fills, in order.
var hazardColumns = []string{"run_id", "zone", "horizon_years", "horizon_year", "horizon_date", "band", "unit_code", "area_m2", "geom"}

// loadHazardZones copies the zones of h, if any, numbered from 1 in their order.
func loadHazardZones(ctx context.Context, tx pgx.Tx, id int64, srid int, h *plan.Hazard) error {
	if h == nil || len(h.Zones) == 0 {
		return nil
	}
	_, err := copyRows(ctx, tx, "hazard_zones", hazardColumns, len(h.Zones), func(i int, row []any) error {
		z := &h.Zones[i]
		hz := h.Horizons[z.Horizon]
		g, err := encode(z.Geometry, srid)
		if err != nil {
			return fmt.Errorf("hazard zone %d: %w", i+1, err)
		}
		row[0], row[1], row[2], row[3], row[4] = id, i+1, hz.Years, hz.Year(), hz.Date
		row[5], row[6], row[7], row[8] = z.Band, data.NullString(z.UnitCode), z.Area, g
		return nil
	})
	return err
}

// errSucceeded tells WriteRun that a load it saw fail had committed after all.
var errSucceeded = errors.New("run succeeded")

// failRun records run id as failed with cause, in its own transaction on a fresh
// connection, whatever the state of ctx. It waits for the load transaction to end (the
// load holds the runs row), and returns errSucceeded when that transaction committed.
func (s *Store) failRun(ctx context.Context, id int64, cause error) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), failTimeout)
	defer cancel()
	msg := cause.Error()
	if len(msg) > maxErrorText {
		msg = msg[:maxErrorText]
	}
	tag, err := s.pool.Exec(ctx, `UPDATE runs SET status = 'failed', error = $2, write_finished = clock_timestamp()
		WHERE id = $1 AND status = 'running'`, id, msg)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 1 {
		return nil
	}
	// A new statement, with a snapshot taken after the load transaction ended.
	var status string
	if err := s.pool.QueryRow(ctx, "SELECT status FROM runs WHERE id = $1", id).Scan(&status); err != nil {
		return err
	}
	if status == "succeeded" {
		return errSucceeded
	}
	return nil
}

// num returns f, or nil (NULL) when it is NaN.
func num(f float64) any {
	if math.IsNaN(f) {
		return nil
	}
	return f
}

// nullTime returns t, or nil (NULL) when it is the zero time.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}
