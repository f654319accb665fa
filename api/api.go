// Package api is the HTTP face of `tasi serve`: the JSON API under /api/v1 (runs, admin
// units with their change statistics, transects with their time series, each also as
// GeoJSON with ?f=geojson), at-risk lists of communities as CSV, XLSX, GeoJSON or KML, NFI prepositioning and relocation plans, its OpenAPI document, health and readiness probes and
// Prometheus metrics, with the tile server and the web map mounted beside them.
//
// The API reads through Store, which package postgis (SQL) and results.Memory (one run in
// memory) implement with identical answers. Coordinates are WGS84 lon/lat; rates are m/yr,
// positive for accretion; undefined numbers are JSON null, never 0.
//
// Bad input gets 400 and an unknown run, unit or transect 404, each with a JSON body
// {"error": "..."}; a store that cannot be reached or a request that runs out of time gets
// 503. Internal errors reach the client as "internal error", their detail goes to the log.
package api

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zlib"
	"github.com/tasi-gis/tasi/data/places"
	"github.com/tasi-gis/tasi/data/results"
)

// Store is what the API reads. *postgis.Store and *results.Memory implement it.
type Store interface {
	// ListRuns returns every run, latest first: its first succeeded run is Latest's.
	ListRuns(ctx context.Context) ([]results.Run, error)
	// FindRun returns a run whatever its status; Latest is the succeeded run published
	// last (see results.Latest).
	FindRun(ctx context.Context, ref results.RunRef) (results.Run, error)
	// UnitsPage returns a filtered, sorted page of a run's admin units.
	UnitsPage(ctx context.Context, q results.UnitsQuery) (results.UnitsPage, error)
	// Unit returns one admin unit with its transects, and its geometry when asked for.
	Unit(ctx context.Context, ref results.RunRef, pcode string, geometry bool) (results.UnitDetail, error)
	// TransectSeries returns one transect with its time series.
	TransectSeries(ctx context.Context, ref results.RunRef, id string) (results.TransectDetail, error)
	// Ping reports whether the store can be reached.
	Ping(ctx context.Context) error
}

// CacheCounters are the tile cache's counters, for /metrics.
type CacheCounters struct {
	Hits, Misses uint64 // tiles served from the cache, and cut by the source
	Coalesced    uint64 // requests that waited for a tile being cut for another
	Evictions    uint64 // tiles dropped to stay within MaxBytes
	Entries      int    // tiles held now
	Bytes        int64  // their size
	MaxBytes     int64  // the cache's bound; 0 when it is off
}

// Options configure New. Store is required; the rest have defaults.
type Options struct {
	Store Store
	// Tiles serves /tiles/..., /styles/... and the style's glyphs, /fonts/...; nil leaves
	// them out.
	Tiles http.Handler
	// TileCache reads the tile cache's counters for /metrics; nil leaves them out.
	TileCache func() CacheCounters
	// DBPools reads the database pools' statistics for /metrics; nil leaves them out.
	DBPools func() []PoolStats
	// Web serves the map at "/" and its files under /static/; nil leaves it out.
	Web http.Handler
	// Logger receives panics and internal errors; nil discards them.
	Logger *slog.Logger
	// RequestTimeout bounds each request: its context is cancelled then, which cancels
	// the database query under it. Default 30 s.
	RequestTimeout time.Duration
	// ReadyTimeout bounds the store ping of /readyz. Default 2 s.
	ReadyTimeout time.Duration
	// AtRisk makes the at-risk assessments /api/v1/at-risk filters; nil answers that route
	// with 404 and leaves at_risk null in /api/v1/units/{pcode}.
	AtRisk Assessor
	// AtRiskRuns is how many runs' assessments are kept (default DefaultAtRiskRuns), and
	// AtRiskTimeout bounds the computation of one (default DefaultAtRiskTimeout).
	AtRiskRuns    int
	AtRiskTimeout time.Duration
	// Planner makes the plans of /api/v1/plan/nfi and /api/v1/plan/relocation from the
	// assessments of AtRisk; nil (or no AtRisk) answers those routes with 404.
	Planner Planner
	// CORSOrigins are the origins whose pages may read the answers ("https://a.example");
	// empty or "*": any origin, as every route is a public read-only GET.
	CORSOrigins []string
	// Places is the index /api/v1/search finds places in, made once from the bundled
	// reference data (places.FromReference); nil answers that route with 404.
	Places *places.Index
}

// Defaults of Options.
const (
	DefaultRequestTimeout = 30 * time.Second
	DefaultReadyTimeout   = 2 * time.Second
)

// Limits on /api/v1/units.
const (
	DefaultLimit = 100
	MaxLimit     = 1000
)

// maxKeyLength bounds P-codes, transect ids and filter values: nothing real is longer,
// and a longer one is refused before it reaches the store.
const maxKeyLength = 100

// server holds what the handlers share.
type server struct {
	store   Store
	log     *slog.Logger
	ready   time.Duration
	metrics *metrics
	atRisks *atRiskCache // nil: no at-risk lists
	planner Planner
	plans   *planCache    // nil: no plans
	places  *places.Index // nil: no search
	// instance tells this server process apart from others (a restart, another binary)
	// in the ETags of at-risk exports, which are made before the list is.
	instance string
}

// New returns the handler of every route of `tasi serve`, /metrics included. It panics
// without a Store: that is a programming error, not a condition to handle.
func New(o Options) http.Handler {
	public, metrics := build(o)
	public.Get("/metrics", metrics.ServeHTTP)
	return public
}

// NewSplit returns the handler of every route but /metrics, and the handler of the
// metrics, which count the first's requests, for a listener of their own: the numbers of
// a server are its operator's, not everyone's who can reach the map.
func NewSplit(o Options) (public, metrics http.Handler) {
	return build(o)
}

func build(o Options) (*chi.Mux, http.Handler) {
	if o.Store == nil {
		panic("api.New: Options.Store is nil")
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.RequestTimeout <= 0 {
		o.RequestTimeout = DefaultRequestTimeout
	}
	if o.ReadyTimeout <= 0 {
		o.ReadyTimeout = DefaultReadyTimeout
	}
	s := &server{store: o.Store, log: o.Logger, ready: o.ReadyTimeout, metrics: newMetrics(o.TileCache, o.DBPools), places: o.Places,
		instance: strconv.FormatInt(time.Now().UnixNano(), 36)}
	if o.AtRisk != nil {
		if o.AtRiskRuns <= 0 {
			o.AtRiskRuns = DefaultAtRiskRuns
		}
		if o.AtRiskTimeout <= 0 {
			o.AtRiskTimeout = DefaultAtRiskTimeout
		}
		log := o.Logger
		s.atRisks = newAtRiskCache(o.AtRisk, o.AtRiskRuns, o.AtRiskTimeout, func(run int64, err error) {
			log.Error("at-risk assessment failed", "run", run, "err", err)
		})
	}
	if o.Planner != nil {
		log := o.Logger
		s.planner = o.Planner
		s.plans = newPlanCache(DefaultPlans, DefaultPlanTimeout, func(run int64, what string, err error) {
			log.Error("plan failed", "run", run, "plan", what, "err", err)
		})
	}

	r := chi.NewRouter()
	r.Use(s.metrics.middleware, nosniff, corsPolicy(o.CORSOrigins), s.recoverer, timeout(o.RequestTimeout), middleware.GetHead)
	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "no such path: "+clip(r.URL.Path))
	})
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", "GET, HEAD")
		writeError(w, http.StatusMethodNotAllowed, "method "+r.Method+" not allowed: the API is read-only")
	})

	r.Get("/healthz", s.healthz)
	r.Get("/readyz", s.readyz)
	r.Get("/api/openapi.json", serveOpenAPI)
	r.Route("/api/v1", func(r chi.Router) {
		r.Use(compress())
		r.Get("/runs", s.runs)
		r.Get("/runs/{id}", s.run)
		r.Get("/units", s.units)
		r.Get("/units/{pcode}", s.unit)
		r.Get("/transects/{id}", s.transect)
		r.Get("/at-risk", s.atRisk)
		r.Get("/plan/nfi", s.planNFI)
		r.Get("/plan/relocation", s.planRelocation)
		r.Get("/search", s.search)
	})
	if o.Tiles != nil {
		h := detach(o.Tiles)
		r.Handle("/tiles/*", h)
		r.Handle("/styles/*", h)
		r.Handle("/fonts/*", h)
	}
	if o.Web != nil {
		h := detach(o.Web)
		r.Handle("/", h)
		r.Handle("/index.html", h)
		r.Handle("/static/*", h)
	}
	return r, s.metrics.handler()
}

// detach serves h without this router's routing state, so that h may be a router of its
// own (chi or not) that sees the whole path.
func detach(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), chi.RouteCtxKey, nil)))
	})
}

// compress is the middleware that compresses the API's answers for clients that accept it.
//
// Gzipping the 60 kB list of units with the standard library at level 5, chi's default
// encoder, was 80 % of the CPU of /api/v1/units?sort=-mean_lrr (issue 12). klauspost's
// level 2 takes about a fifth of that time on the list and a tenth on the 1.9 MB GeoJSON
// of Timor-Leste's 98 coastal sucos, for 13 % more bytes (16.6 kB instead of 14.7 kB,
// 0.56 MB instead of 0.50 MB): worth it on two cores, and still a quarter of the bytes over
// a field office's slow link.
func compress() func(http.Handler) http.Handler {
	c := middleware.NewCompressor(2, "application/json", "application/geo+json", "text/csv", "application/vnd.google-earth.kml+xml")
	// The same precedence as chi's: gzip before deflate (set last, so tried first).
	c.SetEncoder("deflate", func(w io.Writer, level int) io.Writer {
		zw, err := zlib.NewWriterLevel(w, level)
		if err != nil {
			return nil
		}
		return zw
	})
	c.SetEncoder("gzip", func(w io.Writer, level int) io.Writer {
		gw, err := gzip.NewWriterLevel(w, level)
		if err != nil {
			return nil
		}
		return gw
	})
	return c.Handler
}
