package tiles

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/klauspost/compress/gzip"
	"github.com/paulmach/orb/maptile"
	"github.com/tasi-gis/tasi/tiles/glyphs"
)

// Defaults of Options.
const (
	// DefaultCacheBytes is a tile cache size for servers: the demo run's composite tiles
	// at zooms 8 to 12, gzipped, take about a tenth of it.
	DefaultCacheBytes = 64 << 20
	// DefaultTimeout bounds the cutting of one tile.
	DefaultTimeout = 15 * time.Second
	// DefaultLatestTTL is how long the newest run is remembered before the Source is asked
	// again: a new run is served at most this long after it succeeded.
	DefaultLatestTTL = 2 * time.Second
)

// Cache lifetimes sent to clients.
const (
	// immutableControl is for URLs naming a run: a run's tiles never change.
	immutableControl = "public, max-age=31536000, immutable"
	// latestControl is for URLs meaning the newest run, which a new run replaces.
	latestControl = "public, max-age=10"
	// runInfoTTL is how long a run known to exist is trusted before being checked again
	// (it may be deleted); unknownRunTTL the same for a run id known not to exist.
	runInfoTTL    = time.Minute
	unknownRunTTL = 2 * time.Second
)

// Options configures a Handler. The zero value serves without a cache.
type Options struct {
	// CacheBytes bounds the in-memory tile cache (gzipped tiles); 0 turns it off, for
	// cold benchmarks. Servers use DefaultCacheBytes or more.
	CacheBytes int64
	// BaseURL is the scheme, host and path prefix the server is reached at, such as
	// "https://tasi.example.org/map", used for the URLs in TileJSON and the style. Empty:
	// "http://" (or "https://" on TLS) and the request's Host, named in Vary so that a
	// shared cache never hands one host's documents to another.
	BaseURL string
	// TrustProxy takes the scheme and host of those URLs from the Forwarded header, or
	// X-Forwarded-Proto and X-Forwarded-Host, when BaseURL is empty. Only for a server
	// that nothing but the proxy can reach: anyone else could name any host.
	TrustProxy bool
	// Timeout bounds cutting one tile; DefaultTimeout when zero.
	Timeout time.Duration
	// LatestTTL is how long the newest run is remembered; DefaultLatestTTL when zero,
	// and asked for on every request when negative.
	LatestTTL time.Duration
	// OnError, when set, is called with errors that are the server's fault (5xx), whose
	// detail is not sent to the client: the caller logs them.
	OnError func(r *http.Request, err error)
}

// Handler serves vector tiles, TileJSON and a MapLibre style from a Source:
//
//	GET /tiles/{layer}/{z}/{x}/{y}.mvt   one layer; {layer} "all" for all layers in one tile
//	GET /tiles/{layer}.json              TileJSON 3.0.0 of a layer
//	GET /tiles/tasi.json                 TileJSON of all layers (also /tiles/all.json)
//	GET /styles/tasi.json                MapLibre style drawing all layers
//	GET /fonts/{fontstack}/{range}.pbf   glyphs of the style's labels (package glyphs)
//
// Each takes ?run=ID, or run=latest (the default), the newest succeeded run. A URL naming
// a run is immutable and cached for a year (Cache-Control: immutable); one meaning latest
// is cached for 10 s, and the newest run is looked up at most every LatestTTL, so a new
// run is served without a restart. TileJSON and the style name the run explicitly in the
// tile URLs they hand out, so a map opened on the latest run keeps drawing from that run.
//
// Tiles are MVT 2.1 (application/vnd.mapbox-vector-tile), gzipped when the client
// accepts it, with a strong ETag (a hash of the tile; "-gz" appended for the gzipped
// form) honoured in If-None-Match with 304 Not Modified. A tile without features is
// 204 No Content, as MapLibre GL and OGC API - Tiles advise (pg_tileserv answers such
// tiles with an empty 200). Bad requests get 400 and a JSON body {"error": "..."}:
// unknown layer, z beyond MaxTileZoom, x or y beyond 2^z-1, anything not a number; an
// unknown run gets 404. A source that cannot be reached (ErrUnavailable) gets 503 with
// Retry-After, while the tiles already cached, of the last run known, go on being
// served. Server faults get 500 {"error": "internal error"}; these and outages go to
// OnError. A tile that takes longer than Timeout gets 504.
//
// Handler routes on the request's full path, however it is mounted (it ignores the
// route context of an enclosing chi router): mount it for the /tiles/, /styles/ and
// /fonts/ prefixes, e.g. r.Handle("/tiles/*", h), r.Handle("/styles/*", h) and
// r.Handle("/fonts/*", h).
type Handler struct {
	src    Source
	opts   Options
	layers []Layer
	names  []string // of layers, the composite tile's
	byName map[string]int
	cache  *lru
	router *chi.Mux

	runs runCache

	glyphsVersion string // of the glyphs served at /fonts/, in the style's URL

	flightMu sync.Mutex
	flight   map[string]*flight

	gzPool sync.Pool
}

// NewHandler returns a Handler serving src with opts.
func NewHandler(src Source, opts Options) *Handler {
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.LatestTTL == 0 {
		opts.LatestTTL = DefaultLatestTTL
	}
	opts.BaseURL = strings.TrimSuffix(opts.BaseURL, "/")
	h := &Handler{
		src:    src,
		opts:   opts,
		layers: src.Layers(),
		names:  layerNames(src.Layers()),
		byName: map[string]int{},
		cache:  newLRU(opts.CacheBytes),
		flight: map[string]*flight{},

		glyphsVersion: glyphs.Version(),
	}
	h.runs.src = src
	h.runs.latestTTL = opts.LatestTTL
	for i, l := range h.layers {
		h.byName[l.Name] = i
	}
	h.gzPool.New = func() any {
		w, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
		return w
	}
	r := chi.NewRouter()
	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "no such resource: see /tiles/tasi.json")
	})
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", "GET, HEAD")
		writeError(w, http.StatusMethodNotAllowed, "method not allowed: use GET or HEAD")
	})
	for _, m := range []string{http.MethodGet, http.MethodHead} {
		r.Method(m, "/tiles/{layer}/{z}/{x}/{y}", http.HandlerFunc(h.serveTile))
		r.Method(m, "/tiles/{file}", http.HandlerFunc(h.serveTileJSON))
		r.Method(m, "/styles/{file}", http.HandlerFunc(h.serveStyle))
		r.Method(m, "/fonts/{fontstack}/{range}", http.HandlerFunc(h.serveGlyphs))
	}
	h.router = r
	return h
}

// ServeHTTP serves the request.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// Route on the full path even under another chi router.
	if chi.RouteContext(r.Context()) != nil {
		r = r.WithContext(context.WithValue(r.Context(), chi.RouteCtxKey, (*chi.Context)(nil)))
	}
	h.router.ServeHTTP(w, r)
}

// CacheStats returns the tile cache's counters.
func (h *Handler) CacheStats() CacheStats { return h.cache.stats() }

// errorBody is the JSON of every error response.
type errorBody struct {
	Error string `json:"error"`
}

func writeError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(errorBody{msg})
}

// fail answers a request that failed for err: 404 for an unknown run, 504 for a timeout,
// 503 with Retry-After when the source is unavailable, nothing when the client has gone,
// 500 otherwise, telling OnError about server faults.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, ErrNoRun):
		writeError(w, http.StatusNotFound, runMessage(err))
		return
	case r.Context().Err() != nil:
		return // the client went away; no one reads an answer
	case errors.Is(err, context.DeadlineExceeded):
		writeError(w, http.StatusGatewayTimeout, "the tile took too long to make")
	case errors.Is(err, ErrUnavailable):
		// As the API answers an outage (package api): the client may try again, and a
		// load balancer or map retries rather than giving up on a 500.
		w.Header().Set("Retry-After", "5")
		writeError(w, http.StatusServiceUnavailable, "database unavailable: try again shortly")
	default:
		writeError(w, http.StatusInternalServerError, "internal error")
	}
	if h.opts.OnError != nil {
		h.opts.OnError(r, err)
	}
}

// runMessage says which run is missing without the rest of err's chain.
func runMessage(err error) string {
	var e *noRunError
	if errors.As(err, &e) {
		return e.msg
	}
	return "no such run"
}

// noRunError is an ErrNoRun with a message fit for clients.
type noRunError struct{ msg string }

func (e *noRunError) Error() string { return e.msg }
func (e *noRunError) Unwrap() error { return ErrNoRun }

// parseRun reads the run query parameter: 0 for latest. A query string Go cannot parse
// unambiguously is refused, as the API refuses it: a semicolon, which net/url would drop
// with the pair it is in (so "run=1;x" would silently serve the latest run), or more
// parameters than net/url reads (10,000).
func parseRun(r *http.Request) (int64, error) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return 0, fmt.Errorf("query string: %v", err)
	}
	v := q.Get("run")
	if v == "" || v == "latest" {
		return 0, nil
	}
	id, err := parseUint(v, 1<<62)
	if err != nil || id == 0 {
		return 0, fmt.Errorf("run %q: want a positive run id or latest", truncate(v))
	}
	return int64(id), nil
}

// resolve returns the run named by the request and whether the URL named it explicitly.
func (h *Handler) resolve(w http.ResponseWriter, r *http.Request) (Run, bool, bool) {
	id, err := parseRun(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return Run{}, false, false
	}
	var run Run
	if id == 0 {
		run, err = h.runs.latest(r.Context())
	} else {
		run, err = h.runs.get(r.Context(), id)
	}
	if err != nil {
		h.fail(w, r, err)
		return Run{}, false, false
	}
	return run, id != 0, true
}

// parseUint parses a decimal number of digits only (no sign, no spaces) up to limit.
func parseUint(s string, limit uint64) (uint64, error) {
	if s == "" || len(s) > 19 {
		return 0, errors.New("not a number")
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, errors.New("not a number")
		}
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil || n > limit {
		return 0, errors.New("out of range")
	}
	return n, nil
}

// truncate shortens user input quoted back in error messages.
func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// parseTile reads z, x and y.mvt, checking that the tile exists.
func parseTile(zs, xs, file string) (maptile.Tile, error) {
	ys, ok := strings.CutSuffix(file, ".mvt")
	if !ok {
		return maptile.Tile{}, fmt.Errorf("tile %q: the path must end in {z}/{x}/{y}.mvt", truncate(file))
	}
	z, err := parseUint(zs, MaxTileZoom)
	if err != nil {
		return maptile.Tile{}, fmt.Errorf("zoom %q: want an integer from 0 to %d", truncate(zs), MaxTileZoom)
	}
	n := uint64(1) << z
	x, err := parseUint(xs, n-1)
	if err != nil {
		return maptile.Tile{}, fmt.Errorf("x %q: want an integer from 0 to %d at zoom %d", truncate(xs), n-1, z)
	}
	y, err := parseUint(ys, n-1)
	if err != nil {
		return maptile.Tile{}, fmt.Errorf("y %q: want an integer from 0 to %d at zoom %d", truncate(ys), n-1, z)
	}
	return maptile.New(uint32(x), uint32(y), maptile.Zoom(z)), nil
}

// layersFor returns the layer names a tile path names, or an error for an unknown layer.
func (h *Handler) layersFor(name string) ([]string, error) {
	if name == "all" {
		return h.names, nil
	}
	if _, ok := h.byName[name]; !ok {
		return nil, fmt.Errorf("layer %q: want all or one of %s", truncate(name), strings.Join(h.names, ", "))
	}
	return []string{name}, nil
}

// layerNames returns the names of layers.
func layerNames(layers []Layer) []string {
	out := make([]string, len(layers))
	for i, l := range layers {
		out[i] = l.Name
	}
	return out
}

func (h *Handler) serveTile(w http.ResponseWriter, r *http.Request) {
	layer := chi.URLParam(r, "layer")
	names, err := h.layersFor(layer)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	t, err := parseTile(chi.URLParam(r, "z"), chi.URLParam(r, "x"), chi.URLParam(r, "y"))
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	run, named, ok := h.resolve(w, r)
	if !ok {
		return
	}
	key := fmt.Sprintf("%d/%s/%d/%d/%d", run.ID, layer, t.Z, t.X, t.Y)
	e, err := h.tile(r.Context(), key, run.ID, t, names)
	if err != nil {
		h.fail(w, r, err)
		return
	}

	hdr := w.Header()
	hdr.Add("Vary", "Accept-Encoding")
	if named {
		hdr.Set("Cache-Control", immutableControl)
	} else {
		hdr.Set("Cache-Control", latestControl)
	}
	gz := acceptsGzip(r)
	etag := `"` + e.hash + `"`
	if gz && !e.empty {
		etag = `"` + e.hash + `-gz"`
	}
	hdr.Set("ETag", etag)
	if matchETag(r.Header.Get("If-None-Match"), e.hash) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if e.empty {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	hdr.Set("Content-Type", "application/vnd.mapbox-vector-tile")
	body := e.gz
	if gz {
		hdr.Set("Content-Encoding", "gzip")
	} else if body, err = gunzip(e.gz); err != nil {
		h.fail(w, r, err)
		return
	}
	hdr.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// flight is a tile being cut, which other requests for it wait for.
type flight struct {
	done chan struct{}
	e    *entry
	err  error
}

// tile returns the tile from the cache, or cuts, gzips and caches it. With the cache on,
// concurrent requests for one tile share one cut, which then runs to the end (within
// Timeout) even if the request that started it goes away.
func (h *Handler) tile(ctx context.Context, key string, run int64, t maptile.Tile, names []string) (*entry, error) {
	c := h.cache
	if e, ok := c.get(key); ok {
		c.hits.Add(1)
		return e, nil
	}
	if !c.enabled() {
		c.misses.Add(1)
		ctx, cancel := context.WithTimeout(ctx, h.opts.Timeout)
		defer cancel()
		return h.cut(ctx, key, run, t, names)
	}
	h.flightMu.Lock()
	if f, ok := h.flight[key]; ok {
		h.flightMu.Unlock()
		c.coalesced.Add(1)
		select {
		case <-f.done:
			return f.e, f.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	f := &flight{done: make(chan struct{})}
	h.flight[key] = f
	h.flightMu.Unlock()

	c.misses.Add(1)
	cutCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), h.opts.Timeout)
	f.e, f.err = h.cut(cutCtx, key, run, t, names)
	cancel()
	if f.err == nil {
		c.add(f.e)
	}
	h.flightMu.Lock()
	delete(h.flight, key)
	h.flightMu.Unlock()
	close(f.done)
	return f.e, f.err
}

// cut asks the Source for a tile and makes its cache entry.
func (h *Handler) cut(ctx context.Context, key string, run int64, t maptile.Tile, names []string) (*entry, error) {
	raw, err := h.src.Tile(ctx, run, t, names)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(raw)
	e := &entry{key: key, hash: hex.EncodeToString(sum[:12]), empty: len(raw) == 0}
	if e.empty {
		return e, nil
	}
	var buf bytes.Buffer
	buf.Grow(len(raw)/2 + 64)
	zw := h.gzPool.Get().(*gzip.Writer)
	defer h.gzPool.Put(zw)
	zw.Reset(&buf)
	if _, err := zw.Write(raw); err != nil {
		return nil, fmt.Errorf("gzip tile %s: %w", key, err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("gzip tile %s: %w", key, err)
	}
	e.gz = buf.Bytes()
	return e, nil
}

func gunzip(b []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("gunzip cached tile: %w", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("gunzip cached tile: %w", err)
	}
	return out, nil
}

// acceptsGzip reports whether the request's Accept-Encoding allows gzip.
func acceptsGzip(r *http.Request) bool {
	for _, v := range r.Header.Values("Accept-Encoding") {
		for _, part := range strings.Split(v, ",") {
			coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
			coding = strings.TrimSpace(coding)
			if !strings.EqualFold(coding, "gzip") && !strings.EqualFold(coding, "x-gzip") && coding != "*" {
				continue
			}
			q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
			if q == "q=0" || q == "q=0.0" || q == "q=0.00" || q == "q=0.000" {
				return false
			}
			return true
		}
	}
	return false
}

// matchETag reports whether an If-None-Match header names the tile with this hash, in
// either encoding (weak comparison, as RFC 9110 asks for If-None-Match).
func matchETag(header, hash string) bool {
	if header == "" {
		return false
	}
	for _, tag := range strings.Split(header, ",") {
		tag = strings.TrimSpace(tag)
		if tag == "*" {
			return true
		}
		tag = strings.TrimPrefix(tag, "W/")
		tag = strings.Trim(tag, `"`)
		tag = strings.TrimSuffix(tag, "-gz")
		if tag == hash {
			return true
		}
	}
	return false
}

// runCache remembers runs so that a warm tile needs no query: the newest run for
// latestTTL, a run id for runInfoTTL (unknownRunTTL when it does not exist).
//
// When the source fails (the database is down), a run known before is kept and asked for
// again only after another TTL: cached tiles go on being served through an outage, and
// the source is not asked once per request while it is down.
type runCache struct {
	src       Source
	latestTTL time.Duration

	mu       sync.Mutex
	newest   Run
	newestAt time.Time
	ids      map[int64]runInfo
}

type runInfo struct {
	run Run
	err error
	at  time.Time
}

// maxRunInfos bounds the remembered run ids: requests for made-up ids cannot grow it.
const maxRunInfos = 1024

func (c *runCache) latest(ctx context.Context) (Run, error) {
	c.mu.Lock()
	if c.latestTTL > 0 && c.newest.ID != 0 && time.Since(c.newestAt) < c.latestTTL {
		r := c.newest
		c.mu.Unlock()
		return r, nil
	}
	c.mu.Unlock()
	r, err := c.src.Latest(ctx)
	if errors.Is(err, ErrNoRun) {
		return Run{}, &noRunError{"no run has succeeded yet"}
	}
	if err != nil {
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.newest.ID == 0 || ctx.Err() != nil {
			return Run{}, err
		}
		c.newestAt = time.Now()
		return c.newest, nil
	}
	c.mu.Lock()
	c.newest, c.newestAt = r, time.Now()
	c.remember(r.ID, runInfo{run: r, at: c.newestAt})
	c.mu.Unlock()
	return r, nil
}

func (c *runCache) get(ctx context.Context, id int64) (Run, error) {
	c.mu.Lock()
	if info, ok := c.ids[id]; ok {
		ttl := runInfoTTL
		if info.err != nil {
			ttl = unknownRunTTL
		}
		if time.Since(info.at) < ttl {
			c.mu.Unlock()
			return info.run, info.err
		}
	}
	c.mu.Unlock()
	r, err := c.src.Run(ctx, id)
	if errors.Is(err, ErrNoRun) {
		err = &noRunError{fmt.Sprintf("no succeeded run %d", id)}
	} else if err != nil {
		c.mu.Lock()
		defer c.mu.Unlock()
		if info, ok := c.ids[id]; ok && info.err == nil && ctx.Err() == nil {
			info.at = time.Now()
			c.ids[id] = info
			return info.run, nil
		}
		return Run{}, err
	}
	c.mu.Lock()
	c.remember(id, runInfo{run: r, err: err, at: time.Now()})
	c.mu.Unlock()
	return r, err
}

// remember stores info under id; the caller holds mu.
func (c *runCache) remember(id int64, info runInfo) {
	if c.ids == nil || len(c.ids) >= maxRunInfos {
		c.ids = map[int64]runInfo{}
	}
	c.ids[id] = info
}
