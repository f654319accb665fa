package api_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/api"
	"github.com/tasi-gis/tasi/data"
	"github.com/tasi-gis/tasi/data/postgis"
	"github.com/tasi-gis/tasi/data/results"
	"github.com/tasi-gis/tasi/input/demo"
	"github.com/tasi-gis/tasi/internal/pgtest"
)

// pg is the test binary's PostgreSQL server, started on first use.
var pg *pgtest.Cluster

func TestMain(m *testing.M) {
	pg = pgtest.New()
	os.Exit(pg.Run(m))
}

// demoRun is the run every test serves: the demo recipe (synthetic shorelines on the whole
// bundled Timor-Leste coast, 98 coastal sucos) cut down to 2015–2024, about 10 shorelines,
// so that it analyses in a few seconds. Made once per test binary.
type demoRun struct {
	res  *analysis.Result
	prov analysis.Provenance
}

var demoOnce = sync.OnceValues(func() (*demoRun, error) {
	s, err := demo.TimorLeste(demo.Config{Seed: 20261122, Start: 2015, End: 2024, PerYear: 1})
	if err != nil {
		return nil, err
	}
	res, err := analysis.Run(context.Background(), s.Input(), analysis.DefaultParams())
	if err != nil {
		return nil, err
	}
	prov := analysis.Provenance{
		Version:    "test",
		Started:    time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Finished:   time.Date(2026, 1, 2, 3, 4, 9, 0, time.UTC),
		Parameters: map[string]string{"spacing": "50", "mode": "seaward"},
		Inputs:     []analysis.InputFile{{Role: "shorelines", Path: "/srv/tasi/demo/shorelines.gpkg", SHA256: "5ca1ab1e"}},
		Synthetic:  true,
	}
	return &demoRun{res: res, prov: prov}, nil
})

func theDemo(t testing.TB) *demoRun {
	t.Helper()
	d, err := demoOnce()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// newPostGIS returns a migrated store on a new database holding the reference data and
// the demo run (run id 1), and the database's URL.
func newPostGIS(t testing.TB, d *demoRun) (*postgis.Store, string) {
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
	ref, err := data.TimorLeste()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ImportReference(ctx, ref); err != nil {
		t.Fatal(err)
	}
	if d != nil {
		id, err := s.WriteRun(ctx, d.res, d.prov)
		if err != nil {
			t.Fatal(err)
		}
		if id != 1 {
			t.Fatalf("first run has id %d, want 1", id)
		}
	}
	return s, dbURL
}

// newMemory returns the demo run served from memory as run 1, recorded as PostGIS records
// it.
func newMemory(t testing.TB, d *demoRun) *results.Memory {
	t.Helper()
	m, err := results.NewMemory(results.Run{
		ID: 1, Status: results.StatusSucceeded, Version: d.prov.Version, Started: d.prov.Started, Finished: d.prov.Finished,
		Parameters: d.prov.Parameters, Inputs: d.prov.Inputs, Synthetic: d.prov.Synthetic,
	}, d.res)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// response is one answer of the handler under test.
type response struct {
	status int
	header http.Header
	body   []byte
}

// get sends GET path to h.
func get(t testing.TB, h http.Handler, path string) response {
	t.Helper()
	return do(t, h, httptest.NewRequest(http.MethodGet, path, nil))
}

func do(t testing.TB, h http.Handler, req *http.Request) response {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	res := rec.Result()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: body}
}

// decode decodes r's JSON body into v, failing t when it is not JSON.
func (r response) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("body is not JSON: %v\n%.300s", err, r.body)
	}
}

// handler returns the API over store, with the given options.
func handler(store api.Store, opts ...func(*api.Options)) http.Handler {
	o := api.Options{Store: store}
	for _, f := range opts {
		f(&o)
	}
	return api.New(o)
}

// testLogger logs text to w.
func testLogger(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }
