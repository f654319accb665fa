package postgis

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/plan"
	"github.com/tasi-gis/tasi/vector/change"
	"github.com/tasi-gis/tasi/vector/utm"
)

// Transect is a stored transect. Its Unit indexes the run's RunAdminChange, -1 for none.
type Transect struct {
	analysis.Transect
	PCode string // P-code of the admin unit it lies in, empty for none
}

// ReadRun returns the stored result of succeeded run id, rebuilt as WriteRun was given it,
// with its runs row and, in Run.Hazard, its forecast and hazard zones (nil for a run
// stored without a forecast). NULL statistics come back as NaN, times in UTC with
// microsecond precision. Intersections are in order of transect, then shoreline, which
// may differ from the order of the Result that was written; Missed is derived from the
// transects with no shoreline position. It returns an error wrapping ErrNotFound for an
// unknown run and an error for a run that did not succeed.
func (s *Store) ReadRun(ctx context.Context, id int64) (*analysis.Result, Run, error) {
	res, run, err := s.readRun(ctx, id)
	if err != nil {
		return nil, Run{}, fmt.Errorf("read run %d: %w", id, err)
	}
	return res, run, nil
}

func (s *Store) readRun(ctx context.Context, id int64) (*analysis.Result, Run, error) {
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, Run{}, err
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	if err := s.checkSchema(ctx, tx); err != nil {
		return nil, Run{}, err
	}
	run, err := s.getRun(ctx, tx, id)
	if err != nil {
		return nil, Run{}, err
	}
	if run.Status != Succeeded {
		return nil, run, fmt.Errorf("run has status %s, so no stored result", run.Status)
	}
	res := &analysis.Result{}
	if res.Zone, err = utm.ZoneFromEPSG(run.EPSG); err != nil {
		return nil, run, err
	}
	var params []byte
	if err := tx.QueryRow(ctx, "SELECT analysis_params::text FROM runs WHERE id = $1", id).Scan(&params); err != nil {
		return nil, run, err
	}
	if err := json.Unmarshal(params, &res.Params); err != nil {
		return nil, run, fmt.Errorf("decode analysis parameters: %w", err)
	}
	if res.Shorelines, err = readShorelines(ctx, tx, id); err != nil {
		return nil, run, err
	}
	if res.Baseline, err = readBaseline(ctx, tx, id); err != nil {
		return nil, run, err
	}
	ts, err := readTransects(ctx, tx, id)
	if err != nil {
		return nil, run, err
	}
	res.Transects = make([]analysis.Transect, len(ts))
	for i, t := range ts {
		res.Transects[i] = t.Transect
		if t.Stats.N == 0 {
			res.Missed = append(res.Missed, i)
		}
	}
	if res.Intersections, err = readIntersections(ctx, tx, id); err != nil {
		return nil, run, err
	}
	if res.Units, err = readAdminChange(ctx, tx, id); err != nil {
		return nil, run, err
	}
	if run.Hazard, err = readHazard(ctx, tx, id); err != nil {
		return nil, run, err
	}
	return res, run, nil
}

// readHazard reads the forecast of run id and its zones, nil when it has none.
func readHazard(ctx context.Context, tx pgx.Tx, id int64) (*plan.Hazard, error) {
	var ref *time.Time
	var years []int32
	var rate *string
	var confidence, setback *float64
	if err := tx.QueryRow(ctx, `SELECT forecast_ref_date, forecast_horizons, forecast_rate, forecast_confidence, forecast_setback_m
		FROM runs WHERE id = $1`, id).Scan(&ref, &years, &rate, &confidence, &setback); err != nil {
		return nil, fmt.Errorf("forecast: %w", err)
	}
	if ref == nil {
		return nil, nil
	}
	h := &plan.Hazard{RefDate: ref.UTC(), Confidence: *confidence, Setback: *setback}
	if *rate == "WLR" {
		h.RateKind = change.WeightedRate
	}
	index := make(map[int]int, len(years))
	for i, y := range years {
		h.Horizons = append(h.Horizons, plan.Horizon{Years: int(y), Date: h.RefDate.AddDate(int(y), 0, 0)})
		index[int(y)] = i
	}
	rows, err := tx.Query(ctx, `SELECT z.horizon_years, z.band, coalesce(z.unit_code, ''), coalesce(a.unit - 1, -1), z.area_m2, ST_AsBinary(z.geom)
		FROM hazard_zones z LEFT JOIN admin_change a ON a.run_id = z.run_id AND a.pcode = z.unit_code
		WHERE z.run_id = $1 ORDER BY z.zone`, id)
	if err != nil {
		return nil, fmt.Errorf("hazard zones: %w", err)
	}
	h.Zones, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (plan.Zone, error) {
		var z plan.Zone
		var y int
		var g []byte
		if err := row.Scan(&y, &z.Band, &z.UnitCode, &z.Unit, &z.Area, &g); err != nil {
			return z, err
		}
		i, ok := index[y]
		if !ok {
			return z, fmt.Errorf("a zone of horizon %d years, not one of the run's %v", y, years)
		}
		z.Horizon = i
		z.Geometry, err = decode[orb.MultiPolygon](g)
		return z, err
	})
	if err != nil {
		return nil, fmt.Errorf("hazard zones: %w", err)
	}
	return h, nil
}

// RunTransects returns the transects of run id in their order in the run, or an error
// wrapping ErrNotFound for an unknown run. A run that did not succeed has none.
func (s *Store) RunTransects(ctx context.Context, id int64) ([]Transect, error) {
	ts, err := readFromRun(ctx, s, id, readTransects)
	if err != nil {
		return nil, fmt.Errorf("read transects of run %d: %w", id, err)
	}
	return ts, nil
}

// RunIntersections returns the shoreline positions of run id in order of transect, then
// shoreline, or an error wrapping ErrNotFound for an unknown run.
func (s *Store) RunIntersections(ctx context.Context, id int64) ([]analysis.Intersection, error) {
	xs, err := readFromRun(ctx, s, id, readIntersections)
	if err != nil {
		return nil, fmt.Errorf("read intersections of run %d: %w", id, err)
	}
	return xs, nil
}

// RunAdminChange returns the admin-unit summaries of run id in the run's unit order, with
// unit geometry in the run's UTM zone, or an error wrapping ErrNotFound for an unknown run.
func (s *Store) RunAdminChange(ctx context.Context, id int64) ([]analysis.UnitChange, error) {
	us, err := readFromRun(ctx, s, id, readAdminChange)
	if err != nil {
		return nil, fmt.Errorf("read admin change of run %d: %w", id, err)
	}
	return us, nil
}

// readFromRun checks the schema and that run id exists, then reads with read, all in one
// snapshot.
func readFromRun[T any](ctx context.Context, s *Store, id int64, read func(context.Context, pgx.Tx, int64) (T, error)) (T, error) {
	var zero T
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return zero, err
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	if err := s.checkSchema(ctx, tx); err != nil {
		return zero, err
	}
	if _, err := s.getRun(ctx, tx, id); err != nil {
		return zero, err
	}
	return read(ctx, tx, id)
}

func readShorelines(ctx context.Context, tx pgx.Tx, id int64) ([]analysis.Shoreline, error) {
	rows, err := tx.Query(ctx, `SELECT date, uncertainty_m, source, coalesce(satname, ''), ST_AsBinary(geom), ST_AsBinary(points)
		FROM shorelines WHERE run_id = $1 ORDER BY shoreline`, id)
	if err != nil {
		return nil, fmt.Errorf("shorelines: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (analysis.Shoreline, error) {
		var s analysis.Shoreline
		var g, pts []byte
		if err := row.Scan(&s.Date, &s.Uncertainty, &s.Source, &s.Satellite, &g, &pts); err != nil {
			return s, err
		}
		s.Date = s.Date.UTC()
		if pts != nil {
			s.Points, err = decode[orb.MultiPoint](pts)
			return s, err
		}
		s.Geometry, err = decode[orb.MultiLineString](g)
		return s, err
	})
	if err != nil {
		return nil, fmt.Errorf("shorelines: %w", err)
	}
	return out, nil
}

func readBaseline(ctx context.Context, tx pgx.Tx, id int64) (orb.MultiLineString, error) {
	rows, err := tx.Query(ctx, "SELECT ST_AsBinary(geom) FROM baseline WHERE run_id = $1 ORDER BY part", id)
	if err != nil {
		return nil, fmt.Errorf("baseline: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (orb.LineString, error) {
		var g []byte
		if err := row.Scan(&g); err != nil {
			return nil, err
		}
		return decode[orb.LineString](g)
	})
	if err != nil {
		return nil, fmt.Errorf("baseline: %w", err)
	}
	return orb.MultiLineString(out), nil
}

func readTransects(ctx context.Context, tx pgx.Tx, id int64) ([]Transect, error) {
	rows, err := tx.Query(ctx, `SELECT t.transect_id, t.cast_id, coalesce(t.pcode, ''), coalesce(a.unit - 1, -1),
			coalesce(t.part, -1), t.chainage_m, t.azimuth, t.base_m, t.width_m,
			t.n, t.date_first, t.date_last, t.sce, t.nsm, t.epr, t.eprunc, t.lrr, t.lr2, t.lse, t.lci, t.wlr, t.wr2, t.wse, t.wci,
			ST_AsBinary(t.geom)
		FROM transects t LEFT JOIN admin_change a ON a.run_id = t.run_id AND a.pcode = t.pcode
		WHERE t.run_id = $1 ORDER BY t.transect`, id)
	if err != nil {
		return nil, fmt.Errorf("transects: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Transect, error) {
		var t Transect
		var chainage, width *float64
		var first, last *time.Time
		var v [12]*float64
		var g []byte
		if err := row.Scan(&t.Label, &t.ID, &t.PCode, &t.Unit, &t.Part, &chainage, &t.Azimuth, &t.Base, &width,
			&t.Stats.N, &first, &last, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9], &v[10], &v[11], &g); err != nil {
			return t, err
		}
		t.Chainage, t.Width = orNaN(chainage), orNaN(width)
		t.Stats.First, t.Stats.Last = utc(first), utc(last)
		st := &t.Stats
		for i, f := range []*float64{&st.SCE, &st.NSM, &st.EPR, &st.EPRunc, &st.LRR, &st.LR2, &st.LSE, &st.LCI, &st.WLR, &st.WR2, &st.WSE, &st.WCI} {
			*f = orNaN(v[i])
		}
		line, err := decode[orb.LineString](g)
		if err != nil {
			return t, err
		}
		if len(line) != 2 {
			return t, fmt.Errorf("transect %s: %d vertices, want 2", t.Label, len(line))
		}
		t.Origin, t.End = line[0], line[1]
		return t, nil
	})
	if err != nil {
		return nil, fmt.Errorf("transects: %w", err)
	}
	return out, nil
}

func readIntersections(ctx context.Context, tx pgx.Tx, id int64) ([]analysis.Intersection, error) {
	rows, err := tx.Query(ctx, `SELECT transect - 1, shoreline - 1, date, distance_m, ST_X(geom), ST_Y(geom)
		FROM intersections WHERE run_id = $1 ORDER BY transect, shoreline`, id)
	if err != nil {
		return nil, fmt.Errorf("intersections: %w", err)
	}
	var out []analysis.Intersection
	var x analysis.Intersection
	_, err = pgx.ForEachRow(rows, []any{&x.Transect, &x.Shoreline, &x.Date, &x.Distance, &x.Point[0], &x.Point[1]}, func() error {
		x.Date = x.Date.UTC()
		out = append(out, x)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("intersections: %w", err)
	}
	return out, nil
}

func readAdminChange(ctx context.Context, tx pgx.Tx, id int64) ([]analysis.UnitChange, error) {
	rows, err := tx.Query(ctx, "SELECT "+unitColumns+" FROM admin_change WHERE run_id = $1 ORDER BY unit", id, true)
	if err != nil {
		return nil, fmt.Errorf("admin change: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (analysis.UnitChange, error) { return scanUnit(row, nil) })
	if err != nil {
		return nil, fmt.Errorf("admin change: %w", err)
	}
	return out, nil
}

// orNaN returns *p, or NaN for NULL.
func orNaN(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}
