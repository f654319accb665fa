package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/tasi-gis/tasi/api"
	"github.com/tasi-gis/tasi/api/web"
	"github.com/tasi-gis/tasi/data"
	"github.com/tasi-gis/tasi/data/places"
	"github.com/tasi-gis/tasi/data/postgis"
	"github.com/tasi-gis/tasi/input"
	"github.com/tasi-gis/tasi/internal/outage"
)

// serveConfig is what `tasi serve` is told.
type serveConfig struct {
	db, gpkg, addr  string
	cacheMB         int
	dbMaxConns      int               // connections of the database pool; 0: the URL's pool_max_conns, else max(4, CPUs)
	readTimeout     time.Duration     // whole request, headers and body
	writeTimeout    time.Duration     // from the end of the request headers to the end of the response
	requestTimeout  time.Duration     // handler time, which cancels the database query under it
	shutdownTimeout time.Duration     // how long in-flight requests may finish after SIGINT/SIGTERM
	follow          time.Duration     // how often to look for a new run in the GeoPackage; 0: never
	atRisk          input.PlanSources // communities and population grid of the at-risk lists
	baseURL         string            // where clients reach the server, for absolute URLs; "": from the request
	trustProxy      bool              // take scheme and host from Forwarded / X-Forwarded-* headers
	corsOrigins     []string          // origins whose pages may read the answers; empty: any
	metricsAddr     string            // where /metrics is served instead of on addr; "": on addr
}

// defaultAddr is where tasi serve listens unless told: this machine only. Serving a whole
// network is a decision the user makes with --addr :8080.
const defaultAddr = "127.0.0.1:8080"

func parseServeArgs(e *env, args []string) (serveConfig, error) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var c serveConfig
	fs.StringVar(&c.db, "db", "", dbFlagUsage)
	fs.IntVar(&c.dbMaxConns, "db-max-conns", 0, "with --db: most connections to the database for tiles and the API (0: the URL's pool_max_conns, else max(4, CPUs)); /readyz has one more of its own")
	fs.StringVar(&c.gpkg, "gpkg", "", "serve the run in this results GeoPackage (tasi analyze --out) instead of a database")
	fs.StringVar(&c.addr, "addr", defaultAddr, "address to listen on; :8080 listens on every interface")
	fs.IntVar(&c.cacheMB, "cache-mb", 64, "size of the in-memory tile cache, MB (0: no cache)")
	fs.DurationVar(&c.readTimeout, "read-timeout", 15*time.Second, "longest time to read a request")
	fs.DurationVar(&c.writeTimeout, "write-timeout", 60*time.Second, "longest time to write a response")
	fs.DurationVar(&c.requestTimeout, "request-timeout", api.DefaultRequestTimeout, "longest time to answer a request, database queries included")
	fs.DurationVar(&c.follow, "follow", 5*time.Second, "with --gpkg: how often to look for a new run in the file (0: never)")
	fs.DurationVar(&c.shutdownTimeout, "shutdown-timeout", 10*time.Second, "on SIGINT or SIGTERM, how long requests in flight may finish")
	fs.StringVar(&c.atRisk.Communities, "communities", "", "at-risk lists: a point layer of communities (default: the bundled gazetteer localities, for runs in Timor-Leste)")
	fs.StringVar(&c.atRisk.Fields.Name, "community-name-field", "", "at-risk lists: the community layer's name field (default: name, place_name, …)")
	fs.StringVar(&c.atRisk.Fields.Code, "community-code-field", "", "at-risk lists: the community layer's code field (default: code, pcode, id)")
	fs.StringVar(&c.atRisk.AssumeCRS, "assume-crs", "", "at-risk lists: CRS of a community layer that declares none (EPSG:4326)")
	fs.StringVar(&c.atRisk.Population, "population", "", "at-risk lists: a population grid, people per cell (default: the bundled WorldPop grid of Timor-Leste)")
	fs.StringVar(&c.baseURL, "base-url", "", "the URL clients reach the server at, such as https://maps.example.org/tasi, for the tile URLs in TileJSON and the style (default: the request's Host)")
	fs.BoolVar(&c.trustProxy, "trust-proxy", false, "behind a reverse proxy that sets them, take the scheme and host of those URLs from Forwarded or X-Forwarded-Proto/-Host (only when nothing but the proxy can reach the server)")
	fs.Func("cors-origins", "comma-separated origins whose pages may read the API and tiles, such as https://a.example,https://b.example (default: any origin, as everything served is public and read-only)", func(v string) error {
		for _, o := range strings.Split(v, ",") {
			if o = strings.TrimSpace(o); o != "" {
				c.corsOrigins = append(c.corsOrigins, o)
			}
		}
		return nil
	})
	fs.StringVar(&c.metricsAddr, "metrics-addr", "", "serve /metrics on this address of its own (such as 127.0.0.1:9090) instead of beside the map, where anyone who reaches the map could read it")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "Usage: tasi serve [--db URL | --gpkg results.gpkg] [--addr 127.0.0.1:8080] [flags]\n\n"+
			"Serves the web map at /, vector tiles at /tiles/, the JSON API at /api/v1 (OpenAPI at\n"+
			"/api/openapi.json) with the at-risk lists of tasi at-risk at /api/v1/at-risk, /healthz,\n"+
			"/readyz and /metrics. From a database, the newest run is\n"+
			"served as soon as it is stored, without a restart; a GeoPackage is read again when a new\n"+
			"run is written to it (the run it replaced stays served for maps already open).\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("serve: unexpected argument %q", fs.Arg(0))
	}
	switch {
	case c.gpkg != "" && c.db != "":
		return c, errors.New("serve: give --db or --gpkg, not both")
	case c.gpkg == "":
		c.db = databaseURL(c.db)
		if c.db == "" {
			return c, fmt.Errorf("serve: give --db URL (or set %s) or --gpkg FILE", envDatabaseURL)
		}
	}
	if c.follow < 0 {
		return c, fmt.Errorf("serve: --follow %v: must not be negative (0 turns it off)", c.follow)
	}
	if c.dbMaxConns < 0 {
		return c, fmt.Errorf("serve: --db-max-conns %d: must not be negative (0 takes the default)", c.dbMaxConns)
	}
	if c.cacheMB < 0 {
		return c, fmt.Errorf("serve: --cache-mb %d: must not be negative", c.cacheMB)
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"read-timeout", c.readTimeout}, {"write-timeout", c.writeTimeout}, {"request-timeout", c.requestTimeout}, {"shutdown-timeout", c.shutdownTimeout}} {
		if d.v <= 0 {
			return c, fmt.Errorf("serve: --%s %v: must be positive", d.name, d.v)
		}
	}
	if c.baseURL != "" {
		u, err := url.Parse(c.baseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
			return c, fmt.Errorf("serve: --base-url %q: want http(s)://host[:port][/path], without query or fragment", c.baseURL)
		}
	}
	for _, o := range c.corsOrigins {
		if u, err := url.Parse(o); o != "*" && (err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" || u.RawQuery != "") {
			return c, fmt.Errorf("serve: --cors-origins %q: want * or origins such as https://maps.example.org, without a path", o)
		}
	}
	if _, _, err := net.SplitHostPort(c.addr); err != nil {
		return c, fmt.Errorf("serve: --addr %q: want host:port, such as 127.0.0.1:8080: %w", c.addr, err)
	}
	if _, _, err := net.SplitHostPort(c.metricsAddr); c.metricsAddr != "" && err != nil {
		return c, fmt.Errorf("serve: --metrics-addr %q: want host:port, such as 127.0.0.1:9090: %w", c.metricsAddr, err)
	}
	return c, nil
}

func runServe(ctx context.Context, e *env, args []string) error {
	c, err := parseServeArgs(e, args)
	if err != nil {
		return err
	}
	// A GeoPackage's run is read while the bundled data, the named places, the context
	// layers and the web map are made: neither needs the other but at the very end (the
	// tiles draw the bundled coastline), and together they are the time before the
	// server can answer.
	bundled := sync.OnceValues(data.TimorLeste)
	var (
		read    sync.WaitGroup
		g       *gpkgStore
		gpkgErr error
	)
	if c.gpkg != "" {
		read.Go(func() { g, gpkgErr = openGpkgStore(ctx, e.log, c.gpkg, bundled) })
	}
	ref, err := bundled()
	if err != nil {
		read.Wait()
		return fmt.Errorf("serve: load bundled data: %w", err)
	}
	named, contextLayers, err := bundledContext(ref)
	webMap := web.New(web.Options{TileOrigins: c.tileOrigins()})
	read.Wait()
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	var (
		store  api.Store
		pools  func() []api.PoolStats
		tiles  servedTiles
		what   string
		assess = &runAssessor{src: c.atRisk, ref: ref, log: e.log}
	)
	if c.gpkg != "" {
		if gpkgErr != nil {
			return fmt.Errorf("serve: %w", gpkgErr)
		}
		// Reading the file made several times the garbage the run keeps: hand it back to
		// the system now, beside the first requests, rather than over the next minutes.
		go debug.FreeOSMemory()
		if c.follow > 0 {
			go g.follow(ctx, c.follow)
		}
		store, what = g, c.gpkg
		if tiles, err = newServedTiles(e.log, g, c, -1, contextLayers); err != nil {
			return fmt.Errorf("serve: %w", err)
		}
		assess.read = g.storedRun
	} else {
		s, err := openStore(ctx, "serve", c.db, postgis.WithMaxConns(c.dbMaxConns))
		if err != nil {
			return err
		}
		defer s.Close()
		e.log.Info("database pool", "max_conns", s.MaxConns(), "readiness_conns", 1)
		if err := checkSchemaCurrent(ctx, s); err != nil {
			return fmt.Errorf("serve: database %s: %w", postgis.Redact(c.db), err)
		}
		out := outage.New(e.log, "database")
		store, what = watchedStore{s, out}, postgis.Redact(c.db)
		assess.read = postgisRunReader(s)
		pools = poolStats(s)
		if tiles, err = postgisTiles(e.log, s, c, out, contextLayers); err != nil {
			return fmt.Errorf("serve: %w", err)
		}
	}
	o := api.Options{
		Store: store, Tiles: tiles.handler, TileCache: tiles.counters, DBPools: pools, Web: webMap,
		Logger: e.log, RequestTimeout: c.requestTimeout, AtRisk: assess, Planner: newRunPlanner(ref, e.log), CORSOrigins: c.corsOrigins,
		Places: places.NewIndex(named),
	}
	if c.metricsAddr == "" {
		return serveHTTP(ctx, e, c, api.New(o), nil, what)
	}
	h, metrics := api.NewSplit(o)
	return serveHTTP(ctx, e, c, h, metrics, what)
}

// poolStats reads the statistics of s's pools for /metrics.
func poolStats(s *postgis.Store) func() []api.PoolStats {
	conv := func(name string, st *pgxpool.Stat) api.PoolStats {
		return api.PoolStats{Name: name, Acquired: st.AcquiredConns(), Idle: st.IdleConns(), Total: st.TotalConns(), Max: st.MaxConns(),
			Acquires: st.AcquireCount(), Canceled: st.CanceledAcquireCount(), EmptyWaits: st.EmptyAcquireCount(), AcquireDuration: st.AcquireDuration()}
	}
	return func() []api.PoolStats {
		pool, ping := s.PoolStats()
		return []api.PoolStats{conv("api", pool), conv("readiness", ping)}
	}
}

// tileOrigins returns the origin of --base-url, which the web map then fetches tiles from.
func (c serveConfig) tileOrigins() []string {
	u, err := url.Parse(c.baseURL)
	if c.baseURL == "" || err != nil {
		return nil
	}
	return []string{u.Scheme + "://" + u.Host}
}

// serveMetrics serves h at /metrics on addr until stop is called. Scrapes are small and
// quick: the listener gets tight timeouts and no graceful shutdown.
func serveMetrics(e *env, addr string, h http.Handler) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", h)
	srv := &http.Server{
		Handler: mux, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second,
		IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 16 << 10, ErrorLog: slog.NewLogLogger(e.log.Handler(), slog.LevelWarn),
	}
	url := "http://" + ln.Addr().String() + "/metrics"
	e.log.Info("serving metrics", "url", url)
	fmt.Fprintf(e.stdout, "tasi serve: metrics on %s\n", url)
	go func() { _ = srv.Serve(ln) }()
	return func() { srv.Close() }, nil
}

// servedTiles is the tile server mounted beside the API.
type servedTiles struct {
	handler  http.Handler             // nil: no tiles
	counters func() api.CacheCounters // nil: no cache counters
}

// serveHTTP listens on c.addr and serves h until ctx ends, then shuts down gracefully:
// the listener closes at once, requests in flight get c.shutdownTimeout to finish. A
// metrics handler, when given, is served at /metrics on c.metricsAddr.
func serveHTTP(ctx context.Context, e *env, c serveConfig, h, metrics http.Handler, what string) error {
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	if metrics != nil {
		stop, err := serveMetrics(e, c.metricsAddr, metrics)
		if err != nil {
			ln.Close()
			return fmt.Errorf("serve: metrics: %w", err)
		}
		defer stop()
	}
	if host, _, _ := net.SplitHostPort(c.addr); host == "" || net.ParseIP(host).IsUnspecified() {
		e.log.Warn("listening on every network interface: anyone who can reach this machine can use the server", "addr", c.addr)
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: min(c.readTimeout, 10*time.Second),
		ReadTimeout:       c.readTimeout,
		WriteTimeout:      c.writeTimeout,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(e.log.Handler(), slog.LevelWarn),
	}
	url := "http://" + ln.Addr().String() + "/"
	e.log.Info("serving", "url", url, "from", what)
	fmt.Fprintf(e.stdout, "tasi serve: listening on %s\n", url)

	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	e.log.Info("shutting down", "grace", c.shutdownTimeout)
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close()
		return fmt.Errorf("serve: shut down: %w", err)
	}
	if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	e.log.Info("stopped")
	return nil
}
