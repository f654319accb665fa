package api_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/api"
	"github.com/tasi-gis/tasi/data/postgis"
	"github.com/tasi-gis/tasi/data/results"
	"github.com/tasi-gis/tasi/input/demo"
)

// smallRun analyses a 3 km straight coast in UTM 51S, land to the south, in one unit,
// whose shoreline moves rate m/yr over 2000–2004.
func smallRun(t testing.TB, rate float64) *analysis.Result {
	t.Helper()
	res, err := straightCoast(rate)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// straightCoast analyses demo.StraightCoast(rate).
func straightCoast(rate float64) (*analysis.Result, error) {
	return analysis.Run(context.Background(), demo.StraightCoast(rate), analysis.DefaultParams())
}

// emptyStore returns a migrated PostGIS store with no runs, and its database URL.
func emptyStore(t testing.TB) (*postgis.Store, string) {
	t.Helper()
	dbURL := pg.Database(t)
	ctx := context.Background()
	s, err := postgis.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return s, dbURL
}

// TestLatestFollowsNewRuns checks that run=latest (the default) follows the newest
// succeeded run without a restart, and that runs without results answer 404.
func TestLatestFollowsNewRuns(t *testing.T) {
	t.Parallel()
	s, dbURL := emptyStore(t)
	h := handler(s)
	ctx := context.Background()
	prov := analysis.Provenance{Version: "test"}

	var e errorOut
	r := get(t, h, "/api/v1/units")
	r.decode(t, &e)
	if r.status != 404 || e.Error != "no run has succeeded yet" {
		t.Fatalf("no runs: %d %q", r.status, e.Error)
	}
	unitRate := func(path string) (int64, float64) {
		t.Helper()
		var out unitsOut
		r := get(t, h, path)
		r.decode(t, &out)
		if r.status != 200 || len(out.Units) != 1 {
			t.Fatalf("%s: %d %s", path, r.status, r.body)
		}
		return out.Run, *out.Units[0].MeanLRR
	}
	for i, rate := range []float64{2, -3} {
		id, err := s.WriteRun(ctx, smallRun(t, rate), prov)
		if err != nil {
			t.Fatal(err)
		}
		run, lrr := unitRate("/api/v1/units")
		if run != id || int64(i+1) != id || lrr < rate-0.01 || lrr > rate+0.01 {
			t.Errorf("after writing run %d (rate %v): latest is run %d with mean LRR %v", id, rate, run, lrr)
		}
	}
	// Older runs stay addressable.
	if run, lrr := unitRate("/api/v1/units?run=1"); run != 1 || lrr < 1.99 || lrr > 2.01 {
		t.Errorf("run=1: run %d mean LRR %v", run, lrr)
	}
	// A failed run is listed but has no results, and latest skips it.
	pg.Exec(t, dbURL, `INSERT INTO tasi.runs (status, error, tasi_version, epsg, n_shorelines, n_transects, n_intersections,
		n_missed_transects, n_units, write_finished) VALUES ('failed', 'disk full', 'test', 32751, 0, 0, 0, 0, 0, now())`)
	var runs struct{ Runs []runOut }
	get(t, h, "/api/v1/runs").decode(t, &runs)
	if len(runs.Runs) != 3 || runs.Runs[0].ID != 3 || runs.Runs[0].Status != "failed" || *runs.Runs[0].Error != "disk full" {
		t.Errorf("runs: %+v", runs.Runs)
	}
	r = get(t, h, "/api/v1/units?run=3")
	r.decode(t, &e)
	if r.status != 404 || e.Error != "run 3 has status failed: it has no results" {
		t.Errorf("run=3: %d %q", r.status, e.Error)
	}
	if run, _ := unitRate("/api/v1/units"); run != 2 {
		t.Errorf("latest is run %d, want 2 (3 failed)", run)
	}
	var latest runOut
	get(t, h, "/api/v1/runs/latest").decode(t, &latest)
	if latest.ID != 2 {
		t.Errorf("/runs/latest is %d, want 2", latest.ID)
	}
	// A deleted run is gone at once.
	if err := s.DeleteRun(ctx, 2); err != nil {
		t.Fatal(err)
	}
	if run, _ := unitRate("/api/v1/units"); run != 1 {
		t.Errorf("after deleting run 2, latest is %d, want 1", run)
	}
}

// TestDatabaseOutage takes the database away and brings it back: readyz and the API say
// 503 meanwhile, and recover without a restart. The database refuses connections
// (ALLOW_CONNECTIONS false) and its sessions are terminated, as in a restart.
func TestDatabaseOutage(t *testing.T) {
	t.Parallel()
	s, dbURL := emptyStore(t)
	if _, err := s.WriteRun(context.Background(), smallRun(t, 1), analysis.Provenance{Version: "test"}); err != nil {
		t.Fatal(err)
	}
	var logged strings.Builder
	h := handler(s, func(o *api.Options) { o.ReadyTimeout = 2 * time.Second; o.Logger = testLogger(&logged) })
	defer func() {
		if t.Failed() {
			t.Log(logged.String())
		}
	}()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	db := strings.TrimPrefix(u.Path, "/")
	admin := *u
	admin.Path = "/postgres"
	// The database's name is the test harness's, and the two statements take no parameters.
	allow := func(on bool) {
		pg.Exec(t, admin.String(), fmt.Sprintf("ALTER DATABASE %s ALLOW_CONNECTIONS %t", pgx.Identifier{db}.Sanitize(), on))
		if !on {
			pg.Exec(t, admin.String(), "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", db)
		}
	}
	t.Cleanup(func() { allow(true) })

	for _, path := range []string{"/readyz", "/api/v1/units"} {
		if r := get(t, h, path); r.status != 200 {
			t.Fatalf("%s before the outage: %d %s", path, r.status, r.body)
		}
	}
	allow(false)
	for _, tc := range []struct{ path, msg string }{
		{"/readyz", "store unreachable"},
		{"/api/v1/units", "database unavailable"},
		{"/api/v1/runs", "database unavailable"},
		{"/api/v1/transects/1", "database unavailable"},
	} {
		r := get(t, h, tc.path)
		var e struct{ Status, Error string }
		r.decode(t, &e)
		if r.status != 503 || !strings.Contains(e.Error, tc.msg) || r.header.Get("Retry-After") == "" {
			t.Errorf("%s during the outage: %d %s, want 503 with %q", tc.path, r.status, r.body, tc.msg)
		}
		if strings.Contains(string(r.body), u.User.String()) {
			t.Errorf("%s: the answer shows the password: %s", tc.path, r.body)
		}
	}
	allow(true)
	for _, path := range []string{"/readyz", "/api/v1/units", "/api/v1/transects/1"} {
		if r := get(t, h, path); r.status != 200 {
			t.Errorf("%s after the outage: %d %s", path, r.status, r.body)
		}
	}
}

// TestTimeout checks that a request out of time gets 503, its query cancelled.
func TestTimeout(t *testing.T) {
	t.Parallel()
	s, _ := emptyStore(t)
	if _, err := s.WriteRun(context.Background(), smallRun(t, 1), analysis.Provenance{Version: "test"}); err != nil {
		t.Fatal(err)
	}
	h := handler(s, func(o *api.Options) { o.RequestTimeout = time.Nanosecond })
	r := get(t, h, "/api/v1/units")
	var e errorOut
	r.decode(t, &e)
	if r.status != 503 || e.Error != "request timed out" {
		t.Errorf("%d %q, want 503 request timed out", r.status, e.Error)
	}
}

// panicStore panics in UnitsPage, as a bug would.
type panicStore struct{ api.Store }

func (panicStore) UnitsPage(context.Context, results.UnitsQuery) (results.UnitsPage, error) {
	panic("boom")
}

// TestRecoverer checks that a panic becomes a logged JSON 500 and the server goes on.
func TestRecoverer(t *testing.T) {
	t.Parallel()
	var logged strings.Builder
	h := handler(panicStore{newMemory(t, theDemo(t))}, func(o *api.Options) { o.Logger = testLogger(&logged) })
	r := get(t, h, "/api/v1/units")
	var e errorOut
	r.decode(t, &e)
	if r.status != 500 || e.Error != "internal error" {
		t.Errorf("%d %q, want 500 internal error", r.status, e.Error)
	}
	if !strings.Contains(logged.String(), "boom") || !strings.Contains(logged.String(), "/api/v1/units") {
		t.Errorf("log %q lacks the panic", logged.String())
	}
	if r := get(t, h, "/api/v1/runs"); r.status != 200 {
		t.Errorf("after the panic: %d", r.status)
	}
}

// TestMetrics checks the Prometheus exposition after some requests.
func TestMetrics(t *testing.T) {
	t.Parallel()
	var hits atomic.Uint64
	d := theDemo(t)
	h := handler(newMemory(t, d), func(o *api.Options) {
		o.TileCache = func() api.CacheCounters {
			return api.CacheCounters{Hits: hits.Load(), Misses: 7, Entries: 3, MaxBytes: 64 << 20}
		}
		o.DBPools = func() []api.PoolStats {
			return []api.PoolStats{
				{Name: "api", Acquired: 2, Idle: 1, Total: 3, Max: 8, Acquires: 40, Canceled: 5, AcquireDuration: 1500 * time.Millisecond},
				{Name: "readiness", Total: 1, Idle: 1, Max: 1, Acquires: 3},
			}
		}
	})
	hits.Store(42)
	for i := 0; i < 3; i++ {
		get(t, h, "/api/v1/units?limit=5")
	}
	get(t, h, "/api/v1/units?limit=5000")
	get(t, h, "/api/v1/units/"+d.res.Units[0].Unit.Code)
	get(t, h, "/api/v1/units/TL999999")
	get(t, h, "/no/such/path/1")
	get(t, h, "/no/such/path/2")
	r := get(t, h, "/metrics")
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/plain; version=0.0.4") {
		t.Fatalf("status %d %s", r.status, r.header.Get("Content-Type"))
	}
	text := string(r.body)
	fams := scrape(t, text)
	route := func(route, status string) []string {
		return []string{"route", route, "method", "GET", "status", status}
	}
	for _, want := range []struct {
		name   string
		labels []string
		value  float64
	}{
		{"tasi_http_requests_total", route("/api/v1/units", "200"), 3},
		{"tasi_http_requests_total", route("/api/v1/units", "400"), 1},
		{"tasi_http_requests_total", route("/api/v1/units/{pcode}", "404"), 1},
		{"tasi_http_requests_total", route("unmatched", "404"), 2},
		{"tasi_http_request_duration_seconds", route("/api/v1/units", "200"), 3}, // a histogram's count
		{"tasi_tile_cache_hits_total", nil, 42},
		{"tasi_tile_cache_misses_total", nil, 7},
		{"tasi_tile_cache_entries", nil, 3},
		{"tasi_tile_cache_max_bytes", nil, 64 << 20},
		{"tasi_tile_cache_bytes", nil, 0},
		{"tasi_http_requests_in_flight", nil, 1}, // this request
		{"tasi_db_pool_max_connections", []string{"pool", "api"}, 8},
		{"tasi_db_pool_acquired_connections", []string{"pool", "api"}, 2},
		{"tasi_db_pool_canceled_acquires_total", []string{"pool", "api"}, 5},
		{"tasi_db_pool_acquire_duration_seconds_total", []string{"pool", "api"}, 1.5},
		{"tasi_db_pool_max_connections", []string{"pool", "readiness"}, 1},
	} {
		if got, ok := sample(fams, want.name, want.labels...); !ok || got != want.value {
			t.Errorf("%s%v = %v (found %v), want %v", want.name, want.labels, got, ok, want.value)
		}
	}
	for name, kind := range map[string]string{
		"tasi_http_request_duration_seconds": "HISTOGRAM", "tasi_tile_cache_bytes": "GAUGE", "tasi_http_requests_total": "COUNTER",
		// The Go runtime's and the process's own series: a leak shows from outside.
		"go_goroutines": "GAUGE", "go_memstats_heap_alloc_bytes": "GAUGE", "process_resident_memory_bytes": "GAUGE", "process_open_fds": "GAUGE",
	} {
		if f := fams[name]; f == nil || f.GetType().String() != kind {
			t.Errorf("%s: %v, want a %s", name, f.GetType(), kind)
		}
	}
	// Every line is a comment or a sample with a valid name, labels and value; histogram
	// buckets are cumulative.
	sample := regexp.MustCompile(`^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})? (\S+)$`)
	last := map[string]float64{}
	for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		if strings.HasPrefix(line, "# HELP ") || strings.HasPrefix(line, "# TYPE ") {
			continue
		}
		m := sample.FindStringSubmatch(line)
		if m == nil {
			t.Errorf("not a sample line: %q", line)
			continue
		}
		v, err := strconv.ParseFloat(m[4], 64)
		if err != nil {
			t.Errorf("%q: value: %v", line, err)
		}
		if m[1] == "tasi_http_request_duration_seconds_bucket" {
			series := regexp.MustCompile(`,le="[^"]*"`).ReplaceAllString(m[2], "")
			if v < last[series] {
				t.Errorf("%q: bucket below the one before (%v)", line, last[series])
			}
			last[series] = v
		}
	}
	// The raw paths never become labels.
	if strings.Contains(text, "TL999999") || strings.Contains(text, "/no/such") {
		t.Error("metrics label raw paths")
	}
}

// TestConditionalGet checks that an unchanged answer costs a 304 without a body.
func TestConditionalGet(t *testing.T) {
	t.Parallel()
	h := handler(newMemory(t, theDemo(t)))
	for _, path := range []string{"/api/v1/runs", "/api/v1/units?limit=5", "/api/v1/units?f=geojson&limit=2"} {
		first := get(t, h, path)
		tag := first.header.Get("ETag")
		if first.status != http.StatusOK || !strings.HasPrefix(tag, `W/"`) {
			t.Fatalf("%s: status %d, ETag %q", path, first.status, tag)
		}
		for _, inm := range []string{tag, strings.TrimPrefix(tag, "W/"), `"other", ` + tag, "*"} {
			req := httptest.NewRequest(http.MethodGet, path, nil)
			req.Header.Set("If-None-Match", inm)
			if r := do(t, h, req); r.status != http.StatusNotModified || len(r.body) != 0 || r.header.Get("ETag") != tag {
				t.Errorf("%s If-None-Match %s: status %d, %d bytes, ETag %q", path, inm, r.status, len(r.body), r.header.Get("ETag"))
			}
		}
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("If-None-Match", `"stale"`)
		if r := do(t, h, req); r.status != http.StatusOK || !bytes.Equal(r.body, first.body) {
			t.Errorf("%s with a stale tag: status %d", path, r.status)
		}
	}
}
