package tiles

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb/maptile"
	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/data/postgis"
	"github.com/tasi-gis/tasi/internal/pgtest"
)

// smallRun returns the first n transects of f's run with their units, its first two
// shorelines and their intersections, each rate shifted by shift m/yr: a run that is
// quick to store.
func smallRun(f *fixture, n int, shift float64) *analysis.Result {
	src := f.res
	res := &analysis.Result{Zone: src.Zone, Params: src.Params, Baseline: src.Baseline, Shorelines: src.Shorelines[:2]}
	unitOf := map[int]int{}
	for i, t := range src.Transects[:n] {
		if t.Unit >= 0 {
			u, ok := unitOf[t.Unit]
			if !ok {
				u = len(res.Units)
				unitOf[t.Unit] = u
				uc := src.Units[t.Unit]
				uc.MeanLRR += shift
				res.Units = append(res.Units, uc)
			}
			t.Unit = u
		}
		t.Stats.LRR += shift
		res.Transects = append(res.Transects, t)
		if t.Stats.N == 0 {
			res.Missed = append(res.Missed, i)
		}
	}
	for _, x := range src.Intersections {
		if x.Transect < n && x.Shoreline < 2 {
			res.Intersections = append(res.Intersections, x)
		}
	}
	return res
}

// TestPostGISNewRun checks that a run written while the server runs is served as latest
// without a restart, while URLs naming the older run keep serving it.
func TestPostGISNewRun(t *testing.T) {
	f := demoRun(t)
	url := pg.Database(t)
	ctx := context.Background()
	s, err := postgis.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	src, err := NewPostGIS(s.Pool(), s.Schema(), nil)
	if err != nil {
		t.Fatal(err)
	}
	h := NewHandler(src, Options{CacheBytes: DefaultCacheBytes, LatestTTL: 20 * time.Millisecond})

	// No run yet: 404 with a JSON error, not a 500.
	if rec := get(t, h, "/tiles/tasi.json"); rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), "no run has succeeded") {
		t.Errorf("no run: %d %s", rec.Code, rec.Body)
	}
	if err := s.ImportReference(ctx, f.ref); err != nil {
		t.Fatal(err)
	}
	first, err := s.WriteRun(ctx, smallRun(f, 300, 0), f.prov)
	if err != nil {
		t.Fatal(err)
	}
	tr := f.res.Transects[150]
	tile := maptile.At(f.res.Zone.Inverse(tr.End), 13)
	latestTile := func() (string, *mvtTile) {
		rec := get(t, h, tilePath("transects", tile))
		if rec.Code != http.StatusOK {
			t.Fatalf("latest tile: %d %s", rec.Code, rec.Body)
		}
		return rec.Header().Get("ETag"), checkTile(t, rec.Body.Bytes(), src.Layers())
	}
	tilesURL := func() string {
		var tj TileJSON
		rec := get(t, h, "/tiles/tasi.json")
		if err := json.Unmarshal(rec.Body.Bytes(), &tj); err != nil || len(tj.Tiles) != 1 {
			t.Fatalf("tilejson: %d %v", rec.Code, err)
		}
		return tj.Tiles[0]
	}
	if u := tilesURL(); !strings.HasSuffix(u, fmt.Sprintf("?run=%d", first)) {
		t.Errorf("TileJSON tiles %s, want run %d", u, first)
	}
	tag1, tile1 := latestTile()

	second, err := s.WriteRun(ctx, smallRun(f, 300, -5), f.prov)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond) // > LatestTTL
	if u := tilesURL(); !strings.HasSuffix(u, fmt.Sprintf("?run=%d", second)) {
		t.Errorf("after a new run, TileJSON tiles %s, want run %d", u, second)
	}
	tag2, tile2 := latestTile()
	if tag1 == tag2 {
		t.Errorf("latest tile kept ETag %s after a new run", tag1)
	}
	// The same transect, 5 m/yr lower in the second run.
	lrr := func(tl *mvtTile) float64 {
		for _, f := range tl.layer("transects").Features {
			if f.ID == 151 {
				return float64(f.Props["lrr"].(float32))
			}
		}
		t.Fatal("transect 151 not in the tile")
		return 0
	}
	if d := lrr(tile1) - lrr(tile2); math.Abs(d-5) > 1e-5 { // float32 rates
		t.Errorf("LRR of transect 151: %v then %v, want 5 m/yr less", lrr(tile1), lrr(tile2))
	}
	// The first run's URL still serves the first run, immutably.
	rec := get(t, h, tilePath("transects", tile)+fmt.Sprintf("?run=%d", first))
	if rec.Code != http.StatusOK || rec.Header().Get("ETag") != tag1 || rec.Header().Get("Cache-Control") != immutableControl {
		t.Errorf("run %d: %d, ETag %q (want %q), Cache-Control %q", first, rec.Code, rec.Header().Get("ETag"), tag1, rec.Header().Get("Cache-Control"))
	}
	// A run being written is not served.
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var running int64
	if err := conn.QueryRow(ctx, `INSERT INTO tasi.runs (tasi_version, epsg, n_shorelines, n_transects, n_intersections, n_missed_transects, n_units)
		VALUES ('test', 32751, 0, 0, 0, 0, 0) RETURNING id`).Scan(&running); err != nil {
		t.Fatal(err)
	}
	if rec := get(t, h, tilePath("transects", tile)+fmt.Sprintf("?run=%d", running)); rec.Code != http.StatusNotFound {
		t.Errorf("running run %d: %d, want 404", running, rec.Code)
	}
	time.Sleep(50 * time.Millisecond)
	if u := tilesURL(); !strings.HasSuffix(u, fmt.Sprintf("?run=%d", second)) {
		t.Errorf("with a run being written, TileJSON tiles %s, want run %d", u, second)
	}
}

// TestRunBounds checks the runs both sources report: the same bounds, within a
// simplification tolerance, around Timor-Leste.
func TestRunBounds(t *testing.T) {
	p, d := postgisSource(t)
	m := memorySource(t)
	ctx := context.Background()
	a, err := p.Run(ctx, d.run)
	if err != nil {
		t.Fatal(err)
	}
	latest, err := p.Latest(ctx)
	if err != nil || latest.ID != d.run {
		t.Errorf("latest run %d, %v; want %d", latest.ID, err, d.run)
	}
	b, err := m.Run(ctx, m.run.ID)
	if err != nil {
		t.Fatal(err)
	}
	for i, pair := range [][2]float64{{a.Bounds.Min[0], b.Bounds.Min[0]}, {a.Bounds.Min[1], b.Bounds.Min[1]},
		{a.Bounds.Max[0], b.Bounds.Max[0]}, {a.Bounds.Max[1], b.Bounds.Max[1]}} {
		if math.Abs(pair[0]-pair[1]) > 0.01 {
			t.Errorf("bound %d: %v from PostGIS, %v from Memory", i, pair[0], pair[1])
		}
	}
	if a.Bounds.Min[0] < 124 || a.Bounds.Max[0] > 127.4 || a.Bounds.Min[1] < -9.6 || a.Bounds.Max[1] > -8.1 {
		t.Errorf("bounds %v outside Timor-Leste", a.Bounds)
	}
	if a.Finished.IsZero() {
		t.Errorf("run %d has no finish time", a.ID)
	}
	if _, err := p.Run(ctx, 987654); !errors.Is(err, ErrNoRun) {
		t.Errorf("unknown run: %v, want ErrNoRun", err)
	}
	if _, err := m.Run(ctx, 987654); !errors.Is(err, ErrNoRun) {
		t.Errorf("unknown run from Memory: %v, want ErrNoRun", err)
	}
}

// TestTileEnvelope checks that tiles are placed with ST_TileEnvelope's arithmetic to the
// last bit, so that both sources snap vertices to the same grid.
func TestTileEnvelope(t *testing.T) {
	d := demoDB(t)
	ctx := context.Background()
	for _, tile := range []maptile.Tile{maptile.New(0, 0, 0), dili8, dili12, dili14, maptile.New(3_000_000, 2_000_000, 22)} {
		var minX, minY, maxX, maxY float64
		var bMinX, bMinY, bMaxX, bMaxY float64
		err := d.store.Pool().QueryRow(ctx, `SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e),
				ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b)
			FROM ST_TileEnvelope($1, $2, $3) e, ST_TileEnvelope($1, $2, $3, margin => 0.0625) b`,
			int(tile.Z), int(tile.X), int(tile.Y)).Scan(&minX, &minY, &maxX, &maxY, &bMinX, &bMinY, &bMaxX, &bMaxY)
		if err != nil {
			t.Fatal(err)
		}
		got, buf := tileBound(tile), bufferedBound(tile)
		if got.Min[0] != minX || got.Min[1] != minY || got.Max[0] != maxX || got.Max[1] != maxY {
			t.Errorf("tile %v: %v, ST_TileEnvelope (%v %v, %v %v)", tile, got, minX, minY, maxX, maxY)
		}
		if buf.Min[0] != bMinX || buf.Min[1] != bMinY || buf.Max[0] != bMaxX || buf.Max[1] != bMaxY {
			t.Errorf("tile %v with buffer: %v, ST_TileEnvelope (%v %v, %v %v)", tile, buf, bMinX, bMinY, bMaxX, bMaxY)
		}
	}
}

// TestDeterministic checks that cutting a tile twice gives the same bytes (so the same
// ETag after the cache forgets it, or on another server).
func TestDeterministic(t *testing.T) {
	names := layerNames(DefaultLayers())
	for name, s := range sources(t) {
		for _, tile := range []maptile.Tile{dili8, dili12, dili14} {
			a, err := s.src.Tile(context.Background(), s.run, tile, names)
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 7; i++ { // past PostgreSQL's switch to a generic plan
				b, err := s.src.Tile(context.Background(), s.run, tile, names)
				if err != nil {
					t.Fatal(err)
				}
				if string(a) != string(b) {
					t.Errorf("%s tile %v: %d bytes, then %d different bytes", name, tile, len(a), len(b))
					break
				}
			}
		}
	}
}

// TestPostGISTimeout runs tiles out of time both ways, on the server (StatementTimeout)
// and in the caller's context: each is reported as context.DeadlineExceeded (the handler
// answers 504), and the pool goes on cutting tiles.
func TestPostGISTimeout(t *testing.T) {
	src, d := postgisSource(t)
	var names []string
	for _, l := range src.Layers() {
		names = append(names, l.Name)
	}
	tile := maptile.New(217, 134, 8) // the whole Dili coast: tens of milliseconds to cut
	ctx := context.Background()

	src.StatementTimeout = time.Millisecond
	if _, err := src.Tile(ctx, d.run, tile, names); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("statement timeout: %v, want context.DeadlineExceeded", err)
	}
	// A caller whose time is up. (A deadline that passes mid-query cancels it on the
	// server, which data/postgis's TestCancelledQueryKeepsConnection checks; here the
	// query could win the race and rightly return its tile.)
	src.StatementTimeout = 0
	short, cancel := context.WithDeadline(ctx, time.Now().Add(-time.Second))
	defer cancel()
	if _, err := src.Tile(short, d.run, tile, names); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("caller's deadline: %v, want context.DeadlineExceeded", err)
	}
	if b, err := src.Tile(ctx, d.run, tile, names); err != nil || len(b) == 0 {
		t.Fatalf("after the timeouts: %d bytes, %v", len(b), err)
	}
}

// TestPostGISOutage stops the database under a warm handler: tiles already cached keep
// being served from the last run known (they were 500s while resolving run=latest asked the
// database), an uncached tile is 503 with Retry-After, and once the database is back every
// tile is served again.
func TestPostGISOutage(t *testing.T) {
	f := demoRun(t)
	own := pgtest.New() // this test stops its server: not the one the others share
	t.Cleanup(func() {
		if err := own.Close(); err != nil {
			t.Error(err)
		}
	})
	url := own.Database(t)
	ctx := context.Background()
	s, err := postgis.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.ImportReference(ctx, f.ref); err != nil {
		t.Fatal(err)
	}
	run, err := s.WriteRun(ctx, smallRun(f, 300, 0), f.prov)
	if err != nil {
		t.Fatal(err)
	}
	src, err := NewPostGIS(s.Pool(), s.Schema(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var faults []error
	// A negative LatestTTL asks the database for the newest run on every request: the
	// outage is met by every request below, not only after a TTL.
	h := NewHandler(src, Options{CacheBytes: DefaultCacheBytes, LatestTTL: -1,
		OnError: func(_ *http.Request, err error) { faults = append(faults, err) }})
	warm := maptile.At(f.res.Zone.Inverse(f.res.Transects[150].End), 13)
	cold := maptile.At(f.res.Zone.Inverse(f.res.Transects[10].End), 14)
	paths := map[string]string{
		"latest": tilePath("transects", warm),
		"named":  tilePath("transects", warm) + fmt.Sprintf("?run=%d", run),
	}
	tags := map[string]string{}
	for name, p := range paths {
		rec := get(t, h, p)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s tile before the outage: %d %s", name, rec.Code, rec.Body)
		}
		tags[name] = rec.Header().Get("ETag")
	}

	own.Stop(t)
	for name, p := range paths {
		rec := get(t, h, p)
		if rec.Code != http.StatusOK || rec.Header().Get("ETag") != tags[name] {
			t.Errorf("cached %s tile with the database down: %d %s, ETag %q, want 200 and %q",
				name, rec.Code, rec.Body, rec.Header().Get("ETag"), tags[name])
		}
	}
	for _, p := range []string{tilePath("transects", cold), tilePath("transects", cold) + fmt.Sprintf("?run=%d", run)} {
		rec := get(t, h, p)
		if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
			t.Errorf("%s with the database down: %d, Retry-After %q; want 503 with Retry-After",
				p, rec.Code, rec.Header().Get("Retry-After"))
		}
	}
	if len(faults) == 0 || !errors.Is(faults[len(faults)-1], ErrUnavailable) {
		t.Errorf("OnError got %v, want the outage (ErrUnavailable)", faults)
	}

	own.Start(t)
	// Connections the stopped server broke leave the pool as they fail: at most one
	// request per pooled connection may still meet one.
	var rec *httptest.ResponseRecorder
	for range s.MaxConns() + 1 {
		if rec = get(t, h, tilePath("transects", cold)); rec.Code == http.StatusOK {
			break
		}
	}
	if rec.Code != http.StatusOK {
		t.Errorf("uncached tile after the database came back: %d %s", rec.Code, rec.Body)
	}
}

// TestPostGISStrayCancel cuts a tile whose statement is cancelled "due to user request"
// while the caller still waits, as a cancel request meant for an earlier query of the
// pooled connection does (package pgcancel): the tile is cut again, once. The layer's
// Where calls a function that cancels its own backend until it has done so n times.
func TestPostGISStrayCancel(t *testing.T) {
	_, d := postgisSource(t)
	ctx := context.Background()
	pool := d.store.Pool()
	for _, tc := range []struct {
		name    string
		cancels int
		want    int64 // statements cancelled
		wantErr bool
	}{
		{"cancelled once", 1, 1, false},
		{"cancelled every time", 100, 2, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fn := fmt.Sprintf("public.tasi_cancel_%d_%d", tc.cancels, time.Now().UnixNano())
			if _, err := pool.Exec(ctx, fmt.Sprintf(`CREATE SEQUENCE %[1]s_seq;
				CREATE FUNCTION %[1]s() RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
				BEGIN
					IF (SELECT is_called AND last_value >= %[2]d FROM %[1]s_seq) THEN
						RETURN true;
					END IF;
					PERFORM nextval('%[1]s_seq');
					PERFORM pg_cancel_backend(pg_backend_pid());
					PERFORM pg_sleep(5);
					RETURN true;
				END $$`, fn, tc.cancels)); err != nil {
				t.Fatal(err)
			}
			var layers []Layer
			for _, l := range DefaultLayers() {
				if l.Name == "localities" {
					l.PostGIS.Where = "(" + l.PostGIS.Where + ") AND " + fn + "()"
					layers = append(layers, l)
				}
			}
			src, err := NewPostGIS(pool, d.store.Schema(), layers)
			if err != nil {
				t.Fatal(err)
			}
			b, err := src.Tile(ctx, d.run, maptile.New(6955, 4290, 13), []string{"localities"}) // Dili
			var cancelled int64
			if qerr := pool.QueryRow(ctx, "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM "+fn+"_seq").Scan(&cancelled); qerr != nil {
				t.Fatal(qerr)
			}
			switch {
			case tc.wantErr && !errors.Is(err, context.DeadlineExceeded):
				t.Errorf("%v, want context.DeadlineExceeded after the second cancel", err)
			case !tc.wantErr && (err != nil || len(b) == 0):
				t.Errorf("%d bytes, %v: want the tile, cut again", len(b), err)
			}
			if cancelled != tc.want {
				t.Errorf("the tile's statement was cancelled %d times, want %d", cancelled, tc.want)
			}
		})
	}
}
