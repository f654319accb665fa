package api_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tasi-gis/tasi/api"
	"github.com/tasi-gis/tasi/api/web"
	"github.com/tasi-gis/tasi/data"
	"github.com/tasi-gis/tasi/data/results"
	"github.com/tasi-gis/tasi/tiles"
)

// downStore is a store whose database is down.
type downStore struct{ *results.Memory }

func (downStore) Ping(context.Context) error { return results.ErrUnavailable }
func (downStore) ListRuns(context.Context) ([]results.Run, error) {
	return nil, results.ErrUnavailable
}

// fullServer returns the API with the tiles and the web map of a small run, as tasi serve
// mounts them, over store (nil: the run itself).
func fullServer(t *testing.T, store api.Store, opts ...func(*api.Options)) http.Handler {
	t.Helper()
	res := smallRun(t, -1)
	mem, err := results.NewMemory(results.Run{ID: 1, Status: results.StatusSucceeded}, res)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := data.TimorLeste()
	if err != nil {
		t.Fatal(err)
	}
	src, err := tiles.NewMemory(tiles.Dataset{Run: tiles.Run{ID: 1}, Result: res, Reference: ref}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if store == nil {
		store = mem
	} else if d, ok := store.(downStore); ok {
		d.Memory = mem
		store = d
	}
	o := api.Options{Store: store, Tiles: tiles.NewHandler(src, tiles.Options{CacheBytes: 1 << 20}), Web: web.Handler()}
	for _, f := range opts {
		f(&o)
	}
	return api.New(o)
}

// routeClasses are one request of each kind tasi serve answers, with its status.
var routeClasses = []struct {
	class, path string
	status      int
	down        bool // asked of a server whose store is down
}{
	{"API", "/api/v1/runs", 200, false},
	{"API GeoJSON", "/api/v1/units?f=geojson", 200, false},
	{"OpenAPI", "/api/openapi.json", 200, false},
	{"health", "/healthz", 200, false},
	{"metrics", "/metrics", 200, false},
	{"tile (empty: below every layer's zooms)", "/tiles/all/0/0/0.mvt?run=1", 204, false},
	{"TileJSON", "/tiles/tasi.json", 200, false},
	{"style", "/styles/tasi.json", 200, false},
	{"web map", "/", 200, false},
	{"static", "/static/app.js", 200, false},
	{"404 API", "/api/v1/units/NOPE", 404, false},
	{"404 path", "/no/such/path", 404, false},
	{"404 tiles", "/tiles/all/0/0/0.mvt?run=99", 404, false},
	{"400 API", "/api/v1/units?limit=x", 400, false},
	{"400 tile", "/tiles/all/99/0/0.mvt", 400, false},
	{"405", "/api/v1/runs", 405, false}, // sent as DELETE
	{"503 readyz", "/readyz", 503, true},
	{"503 API", "/api/v1/runs", 503, true},
}

func request(t *testing.T, h http.Handler, method, path string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// TestSecurityHeaders checks nosniff and the default CORS policy on every kind of answer,
// and the page's Content-Security-Policy and frame policy on the web map only.
func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	up, down := fullServer(t, nil), fullServer(t, downStore{})
	for _, rc := range routeClasses {
		t.Run(rc.class, func(t *testing.T) {
			h, method := up, http.MethodGet
			if rc.down {
				h = down
			}
			if rc.status == 405 {
				method = http.MethodDelete
			}
			rec := request(t, h, method, rc.path, "Origin", "https://elsewhere.example")
			if rec.Code != rc.status {
				t.Fatalf("%s %s: %d, want %d: %s", method, rc.path, rec.Code, rc.status, rec.Body)
			}
			hdr := rec.Header()
			if got := hdr.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options %q, want nosniff", got)
			}
			wantACAO := "*"
			if method != http.MethodGet {
				wantACAO = "" // not a read
			}
			if got := hdr.Get("Access-Control-Allow-Origin"); got != wantACAO {
				t.Errorf("Access-Control-Allow-Origin %q, want %q", got, wantACAO)
			}
			if hdr.Get("Access-Control-Allow-Credentials") != "" {
				t.Error("credentials allowed")
			}
			csp := hdr.Get("Content-Security-Policy")
			if rc.class == "web map" {
				for _, want := range []string{"default-src 'self'", "frame-ancestors 'self'", "worker-src 'self' blob:", "child-src 'self' blob:", "object-src 'none'", "script-src 'self' 'sha256-"} {
					if !strings.Contains(csp, want) {
						t.Errorf("Content-Security-Policy %q lacks %q", csp, want)
					}
				}
				if strings.Contains(csp, "unsafe-") {
					t.Errorf("Content-Security-Policy %q allows unsafe sources", csp)
				}
				if got := hdr.Get("X-Frame-Options"); got != "SAMEORIGIN" {
					t.Errorf("X-Frame-Options %q, want SAMEORIGIN", got)
				}
			} else if csp != "" || hdr.Get("X-Frame-Options") != "" {
				t.Errorf("a page policy on a %s: %q", rc.class, csp)
			}
		})
	}
}

// TestCORS checks the preflight, and that a restricted policy lets only its origins read,
// varying on Origin so that a shared cache keeps the answers apart.
func TestCORS(t *testing.T) {
	t.Parallel()
	open := fullServer(t, nil)
	closed := fullServer(t, nil, func(o *api.Options) { o.CORSOrigins = []string{"https://a.example", "https://b.example"} })
	for _, path := range []string{"/api/v1/runs", "/tiles/all/0/0/0.mvt?run=1", "/tiles/tasi.json", "/styles/tasi.json", "/no/such/path"} {
		// A preflight (a GET with If-None-Match from another origin) is answered here.
		rec := request(t, open, http.MethodOptions, path, "Origin", "https://x.example",
			"Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "If-None-Match")
		if rec.Code != 200 || rec.Header().Get("Access-Control-Allow-Origin") != "*" ||
			rec.Header().Get("Access-Control-Allow-Methods") != "GET" || !strings.EqualFold(rec.Header().Get("Access-Control-Allow-Headers"), "If-None-Match") {
			t.Errorf("preflight %s: %d %v", path, rec.Code, rec.Header())
		}
		// A preflight for a write gets no permission.
		rec = request(t, open, http.MethodOptions, path, "Origin", "https://x.example", "Access-Control-Request-Method", "DELETE")
		if rec.Header().Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("preflight DELETE %s: allowed", path)
		}
		for _, tc := range []struct{ origin, want string }{
			{"https://a.example", "https://a.example"},
			{"https://b.example", "https://b.example"},
			{"https://evil.example", ""},
			{"", ""},
		} {
			var hdr []string
			if tc.origin != "" {
				hdr = []string{"Origin", tc.origin}
			}
			rec := request(t, closed, http.MethodGet, path, hdr...)
			if got := rec.Header().Get("Access-Control-Allow-Origin"); got != tc.want {
				t.Errorf("%s from %q: Access-Control-Allow-Origin %q, want %q", path, tc.origin, got, tc.want)
			}
			if !strings.Contains(strings.Join(rec.Header().Values("Vary"), ","), "Origin") {
				t.Errorf("%s from %q: Vary %q lacks Origin", path, tc.origin, rec.Header().Values("Vary"))
			}
		}
	}
}

// TestMalformedQueries checks that the tiles refuse the query strings the API refuses, with
// the same message, instead of serving what net/url could read of them.
func TestMalformedQueries(t *testing.T) {
	t.Parallel()
	h := fullServer(t, nil)
	for _, query := range []string{"run=1;x=2", "x=1;run=99", strings.Repeat("a=1&", 15000) + "run=1"} {
		var want string
		for _, path := range []string{"/api/v1/units", "/api/v1/runs", "/tiles/all/6/54/33.mvt", "/tiles/tasi.json", "/styles/tasi.json"} {
			rec := request(t, h, http.MethodGet, path+"?"+query)
			if rec.Code != http.StatusBadRequest {
				t.Errorf("%s?%.20s…: %d, want 400", path, query, rec.Code)
				continue
			}
			if want == "" {
				want = rec.Body.String()
			} else if rec.Body.String() != want {
				t.Errorf("%s?%.20s…: %s, the API says %s", path, query, rec.Body, want)
			}
		}
	}
}
