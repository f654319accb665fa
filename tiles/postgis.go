package tiles

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
	"github.com/tasi-gis/tasi/internal/pgcancel"
)

// DefaultStatementTimeout bounds each tile query on the server unless
// PostGIS.StatementTimeout says otherwise.
const DefaultStatementTimeout = 10 * time.Second

// PostGIS cuts tiles in the database with ST_AsMVTGeom and ST_AsMVT, from the EPSG:3857
// columns tasi's schema stores (made valid, and simplified for low zooms, when a run is
// written; see data/postgis/migrations). Each tile is one statement, run under
// SET LOCAL statement_timeout; only the tile (z, x, y) and the run id are parameters,
// every other piece of SQL comes from the layer registry.
type PostGIS struct {
	pool   *pgxpool.Pool
	schema string
	layers []Layer
	byName map[string]int

	// StatementTimeout bounds each tile query on the server; DefaultStatementTimeout
	// when zero. Set it before the first call.
	StatementTimeout time.Duration

	mu  sync.Mutex
	sql map[string]string // tile SQL by layer set and level
}

// NewPostGIS returns a Source reading tasi's tables in schema (data/postgis's Store.Schema,
// migrated to version 7 or later: version 7 added hazard_zones) through pool, such as
// Store.Pool. layers is the registry; nil means DefaultLayers. PostGIS functions must
// resolve on the pool's search_path (the Store's pool has the postgis schema on it).
func NewPostGIS(pool *pgxpool.Pool, schema string, layers []Layer) (*PostGIS, error) {
	if layers == nil {
		layers = DefaultLayers()
	}
	if err := checkLayers(layers); err != nil {
		return nil, fmt.Errorf("postgis tile source: %w", err)
	}
	if pool == nil || schema == "" {
		return nil, errors.New("postgis tile source: nil pool or empty schema")
	}
	p := &PostGIS{pool: pool, schema: schema, layers: layers, byName: map[string]int{}, sql: map[string]string{}}
	for i, l := range layers {
		p.byName[l.Name] = i
	}
	return p, nil
}

// Layers returns the layer registry.
func (p *PostGIS) Layers() []Layer { return p.layers }

// table returns name qualified with the schema, quoted.
func (p *PostGIS) table(name string) string { return pgx.Identifier{p.schema, name}.Sanitize() }

// Latest returns the succeeded run published last (whose storing ended last), the run
// package postgis calls latest.
func (p *PostGIS) Latest(ctx context.Context) (Run, error) {
	var id int64
	err := pgcancel.Retry(ctx, func() error {
		return p.pool.QueryRow(ctx, "SELECT id FROM "+p.table("runs")+" WHERE status = 'succeeded' ORDER BY write_finished DESC, id DESC LIMIT 1").Scan(&id)
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return Run{}, fmt.Errorf("latest run: %w: none has succeeded yet", ErrNoRun)
	}
	if err != nil {
		return Run{}, fmt.Errorf("latest run: %w", unavailable(err))
	}
	return p.Run(ctx, id)
}

// Run returns succeeded run id with the bounds of its admin units, transects and
// shorelines.
func (p *PostGIS) Run(ctx context.Context, id int64) (Run, error) {
	r := Run{ID: id}
	var finished *time.Time
	var minX, minY, maxX, maxY *float64
	err := pgcancel.Retry(ctx, func() error {
		return p.pool.QueryRow(ctx, `
		WITH e AS (
			SELECT ST_Extent(geom_3857_lo) AS b FROM `+p.table("admin_change")+` WHERE run_id = $1
			UNION ALL SELECT ST_Extent(geom_3857) FROM `+p.table("transects")+` WHERE run_id = $1
			UNION ALL SELECT ST_Extent(geom) FROM `+p.table("shoreline_tiles")+` WHERE run_id = $1 AND level = 2
		), b AS (SELECT ST_Extent(e.b) AS b FROM e)
		SELECT r.write_finished, ST_XMin(b.b), ST_YMin(b.b), ST_XMax(b.b), ST_YMax(b.b)
		FROM `+p.table("runs")+` r, b WHERE r.id = $1 AND r.status = 'succeeded'`, id).
			Scan(&finished, &minX, &minY, &maxX, &maxY)
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return Run{}, fmt.Errorf("run %d: %w", id, ErrNoRun)
	}
	if err != nil {
		return Run{}, fmt.Errorf("run %d: %w", id, unavailable(err))
	}
	if finished != nil {
		r.Finished = finished.UTC()
	}
	if minX != nil {
		r.Bounds = orb.Bound{Min: lonLat(orb.Point{*minX, *minY}), Max: lonLat(orb.Point{*maxX, *maxY})}
	}
	return r, nil
}

// Tile cuts tile t of run with the named layers in one statement.
func (p *PostGIS) Tile(ctx context.Context, run int64, t maptile.Tile, layers []string) ([]byte, error) {
	if !validTile(t) {
		return nil, fmt.Errorf("tile %d/%d/%d: out of range", t.Z, t.X, t.Y)
	}
	var use []int
	for _, name := range layers {
		i, ok := p.byName[name]
		if !ok {
			return nil, fmt.Errorf("tile %d/%d/%d: unknown layer %q", t.Z, t.X, t.Y, name)
		}
		if l := p.layers[i]; int(t.Z) >= l.MinZoom {
			use = append(use, i)
		}
	}
	if len(use) == 0 {
		return nil, nil
	}
	query, perRun := p.query(use, LevelFor(int(t.Z)))
	args := []any{int32(t.Z), int64(t.X), int64(t.Y)}
	if perRun {
		args = append(args, run)
	}
	timeout := p.StatementTimeout
	if timeout <= 0 {
		timeout = DefaultStatementTimeout
	}
	// Local settings last for the batch's implicit transaction: one round trip, and they
	// never leak into the pool's other users. ISO dates make date::text YYYY-MM-DD, which
	// PostgreSQL writes in half the time of to_char.
	var tile []byte
	cut := func() error {
		b := &pgx.Batch{}
		b.Queue("SELECT set_config('statement_timeout', $1, true), set_config('DateStyle', 'ISO', true)",
			strconv.FormatInt(timeout.Milliseconds(), 10))
		b.Queue(query, args...).QueryRow(func(row pgx.Row) error { return row.Scan(&tile) })
		return p.pool.SendBatch(ctx, b).Close()
	}
	// A cancel request meant for an earlier query of this pooled connection, such as one
	// whose client hung up, has the tile cut again, once.
	if err := pgcancel.Retry(ctx, cut); err != nil {
		// The server cancels a statement that runs out of time (statement_timeout, or
		// the caller's context, which the pool turns into a cancel request): either way
		// the tile took too long.
		var pgErr *pgconn.PgError
		if ctx.Err() != nil {
			err = fmt.Errorf("%w: %w", ctx.Err(), err)
		} else if errors.As(err, &pgErr) && pgErr.Code == "57014" { // query_canceled
			err = fmt.Errorf("%w: %w", context.DeadlineExceeded, err)
		} else {
			err = unavailable(err)
		}
		return nil, fmt.Errorf("tile %d/%d/%d of run %d: %w", t.Z, t.X, t.Y, run, err)
	}
	if len(tile) == 0 {
		return nil, nil
	}
	return tile, nil
}

// query returns the SQL of a tile of the given layers at level, built once and kept, and
// whether it uses the run id ($4).
func (p *PostGIS) query(use []int, level Level) (string, bool) {
	// Registry order, whatever order the caller named the layers in.
	sorted := append([]int(nil), use...)
	for i := 1; i < len(sorted); i++ {
		for j := i; j > 0 && sorted[j] < sorted[j-1]; j-- {
			sorted[j], sorted[j-1] = sorted[j-1], sorted[j]
		}
	}
	var key strings.Builder
	perRun := false
	for _, i := range sorted {
		key.WriteString(p.layers[i].Name)
		key.WriteByte(',')
		perRun = perRun || p.layers[i].PostGIS.PerRun
	}
	key.WriteString(strconv.Itoa(int(level)))
	p.mu.Lock()
	defer p.mu.Unlock()
	if q, ok := p.sql[key.String()]; ok {
		return q, perRun
	}
	parts := make([]string, len(sorted))
	for k, i := range sorted {
		parts[k] = p.layerSQL(&p.layers[i], level)
	}
	q := "SELECT " + strings.Join(parts, "\n|| ")
	p.sql[key.String()] = q
	return q, perRun
}

// The tile envelope, and the envelope grown by the buffer for the bounding-box filter.
//
// The envelope ST_AsMVTGeom clips to is a scalar subquery, which PostgreSQL computes once
// per statement (an InitPlan): pgx prepares each statement, and once PostgreSQL settles on
// a generic plan for it the bare function call of $1, $2 and $3 is no longer folded into
// a constant and would be computed again for every row. The filter's envelope stays a
// function call: an index condition's key is computed once per scan anyway, and a custom
// plan can then estimate the filter's selectivity from the constant.
const (
	envelope       = "(SELECT ST_TileEnvelope($1::integer, $2::integer, $3::integer))"
	envelopeBuffer = "ST_TileEnvelope($1::integer, $2::integer, $3::integer, margin => " + "0.0625" + ")" // Buffer / Extent
)

// layerSQL returns an expression giving layer l's part of a tile: one MVT layer message,
// or an empty bytea when no feature touches the tile.
func (p *PostGIS) layerSQL(l *Layer, level Level) string {
	s := &l.PostGIS
	var cols strings.Builder
	for _, f := range l.Fields {
		expr := f.SQL
		if expr == "" {
			expr = "t." + pgx.Identifier{f.Name}.Sanitize()
		}
		if f.Type == Number && !f.Integer {
			expr = "(" + expr + ")::real"
		}
		fmt.Fprintf(&cols, ", %s AS %s", expr, pgx.Identifier{f.Name}.Sanitize())
	}
	var where []string
	if s.PerRun {
		where = append(where, "t.run_id = $4::bigint")
	}
	if s.Where != "" {
		where = append(where, "("+s.Where+")")
	}
	if th := l.Thin; th != nil {
		expr := "t." + pgx.Identifier{th.Field}.Sanitize()
		for _, f := range l.Fields {
			if f.Name == th.Field && f.SQL != "" {
				expr = f.SQL
			}
		}
		where = append(where, fmt.Sprintf("($1::integer >= %d OR %s IS NULL OR %s <= %s)",
			th.Below, expr, expr, strconv.FormatFloat(th.Max, 'g', -1, 64)))
	}
	if z := l.ZoomField; z != "" {
		expr := "t." + pgx.Identifier{z}.Sanitize()
		for _, f := range l.Fields {
			if f.Name == z && f.SQL != "" {
				expr = f.SQL
			}
		}
		where = append(where, fmt.Sprintf("(%s IS NULL OR %s <= $1::integer)", expr, expr))
	}
	mvtGeom := func(geom string) string {
		return fmt.Sprintf("ST_AsMVTGeom(%s, %s, %d, %d, true)", geom, envelope, Extent, Buffer)
	}
	var rows string
	if s.Pieces == "" {
		geom := s.Geom[level]
		if geom == "" {
			geom = s.Geom[Full]
		}
		where = append([]string{geom + " && " + envelopeBuffer}, where...)
		rows = fmt.Sprintf("SELECT %s AS id%s, %s AS geom FROM %s t WHERE %s ORDER BY 1",
			s.ID, cols.String(), mvtGeom(geom), p.table(s.Table), strings.Join(where, " AND "))
	} else {
		// Pieces are clipped on their own, then put back together per feature.
		key := pgx.Identifier{s.Key}.Sanitize()
		pieceWhere := fmt.Sprintf("p.geom && %s AND p.level = %d", envelopeBuffer, level)
		if s.PerRun {
			pieceWhere += " AND p.run_id = $4::bigint"
		}
		// A feature with one piece in the tile (most of them from zoom 11) has nothing to
		// merge: skipping GEOS for it saves about a quarter of the layer's time at zoom 12.
		// OFFSET 0 keeps the pieces' subquery from being pulled up: pulled up, each of the
		// aggregates would clip every piece again.
		merged := "CASE WHEN count(p.g) > 1 THEN ST_LineMerge(ST_CollectionExtract(ST_Collect(p.g), 2)) " +
			"ELSE ST_CollectionExtract(ST_Collect(p.g), 2) END"
		if l.Geometry != LineString {
			merged = "ST_Union(p.g)"
		}
		where = append(where, "t."+key+" = c.key")
		rows = fmt.Sprintf(`SELECT %s AS id%s, c.geom FROM (
			SELECT p.key, %s AS geom FROM (SELECT p.%s AS key, %s AS g FROM %s p WHERE %s OFFSET 0) p
			GROUP BY p.key) c, %s t WHERE %s ORDER BY 1`,
			s.ID, cols.String(), merged, key, mvtGeom("p.geom"), p.table(s.Pieces), pieceWhere,
			p.table(s.Table), strings.Join(where, " AND "))
	}
	// Features are encoded in id order, so that a tile is the same bytes (and ETag) each
	// time it is cut, whatever plan PostgreSQL picks. ST_AsMVT skips rows whose geometry
	// ST_AsMVTGeom clipped away (NULL), and ST_Collect ignores NULL pieces. A "WHERE geom IS NOT NULL" here would be pushed down into the
	// scan and make PostgreSQL compute ST_AsMVTGeom twice.
	return fmt.Sprintf("coalesce((SELECT ST_AsMVT(q, %s, %d, 'geom', 'id') FROM (%s) q), ''::bytea)",
		quoteLiteral(l.Name), Extent, rows)
}

// quoteLiteral quotes a registry name (letters, digits, underscores) as an SQL string.
func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// unavailable wraps err in ErrUnavailable when it says the database cannot be used now:
// no connection (refused, reset, closed), or a server shutting down, starting up or out of
// connections. Other errors (bad SQL, a missing table) are returned as they are: they are
// faults, not outages.
func unavailable(err error) error {
	var pgErr *pgconn.PgError
	var connErr *pgconn.ConnectError
	var netErr net.Error
	switch {
	case err == nil, errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	case errors.As(err, &connErr):
	case errors.As(err, &pgErr):
		// connection exception, admin or crash shutdown, cannot connect now, too many
		// connections
		if c := pgErr.Code; c[:2] != "08" && c != "57P01" && c != "57P02" && c != "57P03" && c != "53300" {
			return err
		}
	case errors.As(err, &netErr), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, pgconn.ErrConnClosed), pgconn.SafeToRetry(err):
	default:
		return err
	}
	return fmt.Errorf("%w: %w", ErrUnavailable, err)
}
