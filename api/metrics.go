package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// PoolStats are the counters of one database connection pool, for /metrics: what
// pgxpool.Stat reports, without making the API import pgx.
type PoolStats struct {
	Name                           string // "api" (tiles and API), "readiness" (/readyz's own)
	Acquired, Idle, Total, Max     int32  // connections in use, idle, open, and the bound
	Acquires, Canceled, EmptyWaits int64  // acquisitions, those cancelled while waiting, those that had to wait
	AcquireDuration                time.Duration
}

// metrics counts requests and their latency by route pattern, method and status, and
// exposes them with the Go runtime's and the process's series, the tile cache's counters
// and the database pools' in a registry of its own (no global state: two servers in one
// process, as in the tests, keep their counts apart).
//
// Routes are labelled by their pattern ("/api/v1/units/{pcode}"), never by the raw path,
// so the number of series stays bounded whatever clients request; paths no route matches
// share the label "unmatched".
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	inFlight prometheus.Gauge
}

func newMetrics(cache func() CacheCounters, pools func() []PoolStats) *metrics {
	labels := []string{"route", "method", "status"}
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tasi_http_requests_total", Help: "HTTP requests answered, by route pattern, method and status.",
		}, labels),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "tasi_http_request_duration_seconds", Help: "Time to answer HTTP requests, by route pattern, method and status.",
			// From a warm tile (under a millisecond) to a slow database query.
			Buckets: []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10},
		}, labels),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "tasi_http_requests_in_flight", Help: "HTTP requests being answered.",
		}),
	}
	m.reg.MustRegister(m.requests, m.duration, m.inFlight,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if cache != nil {
		m.reg.MustRegister(cacheCollector(cache))
	}
	if pools != nil {
		m.reg.MustRegister(poolCollector(pools))
	}
	return m
}

// middleware records every request once it has been answered.
func (m *metrics) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		m.inFlight.Inc()
		defer m.inFlight.Dec()
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		next.ServeHTTP(ww, r)
		route := "unmatched"
		if rc := chi.RouteContext(r.Context()); rc != nil && rc.RoutePattern() != "" && rc.RoutePattern() != "/*" {
			route = rc.RoutePattern()
		}
		if route == "/tiles/*" {
			// The tile server routes by itself; tell its tiles from its TileJSON.
			if strings.Count(r.URL.Path, "/") == 5 {
				route = "/tiles/{layer}/{z}/{x}/{y}"
			} else {
				route = "/tiles/{file}"
			}
		}
		status := ww.Status()
		if status == 0 {
			status = http.StatusOK
		}
		l := prometheus.Labels{"route": route, "method": methodLabel(r.Method), "status": strconv.Itoa(status)}
		m.requests.With(l).Inc()
		m.duration.With(l).Observe(time.Since(start).Seconds())
	})
}

// methodLabel keeps the method label to the standard methods.
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return m
	}
	return "other"
}

// handler serves the metrics in the exposition format the scraper asks for.
func (m *metrics) handler() http.Handler {
	h := promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		h.ServeHTTP(w, r)
	})
}

// funcCollector makes its metrics when scraped, from counters kept elsewhere.
type funcCollector struct {
	descs   []*prometheus.Desc
	collect func(ch chan<- prometheus.Metric)
}

func (c *funcCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range c.descs {
		ch <- d
	}
}

func (c *funcCollector) Collect(ch chan<- prometheus.Metric) { c.collect(ch) }

// cacheCollector exposes the tile cache's counters.
func cacheCollector(read func() CacheCounters) prometheus.Collector {
	type series struct {
		desc *prometheus.Desc
		kind prometheus.ValueType
		v    func(CacheCounters) float64
	}
	all := []series{
		{prometheus.NewDesc("tasi_tile_cache_hits_total", "Tiles served from the in-memory cache.", nil, nil), prometheus.CounterValue,
			func(c CacheCounters) float64 { return float64(c.Hits) }},
		{prometheus.NewDesc("tasi_tile_cache_misses_total", "Tiles not in the cache, cut by the tile source.", nil, nil), prometheus.CounterValue,
			func(c CacheCounters) float64 { return float64(c.Misses) }},
		{prometheus.NewDesc("tasi_tile_cache_coalesced_total", "Tile requests that waited for the same tile being cut for another.", nil, nil), prometheus.CounterValue,
			func(c CacheCounters) float64 { return float64(c.Coalesced) }},
		{prometheus.NewDesc("tasi_tile_cache_evictions_total", "Tiles dropped from the cache to stay within its size.", nil, nil), prometheus.CounterValue,
			func(c CacheCounters) float64 { return float64(c.Evictions) }},
		{prometheus.NewDesc("tasi_tile_cache_entries", "Tiles in the cache.", nil, nil), prometheus.GaugeValue,
			func(c CacheCounters) float64 { return float64(c.Entries) }},
		{prometheus.NewDesc("tasi_tile_cache_bytes", "Size of the tiles in the cache.", nil, nil), prometheus.GaugeValue,
			func(c CacheCounters) float64 { return float64(c.Bytes) }},
		{prometheus.NewDesc("tasi_tile_cache_max_bytes", "Bound on the size of the cache; 0 when it is off.", nil, nil), prometheus.GaugeValue,
			func(c CacheCounters) float64 { return float64(c.MaxBytes) }},
	}
	c := &funcCollector{}
	for _, s := range all {
		c.descs = append(c.descs, s.desc)
	}
	c.collect = func(ch chan<- prometheus.Metric) {
		counters := read()
		for _, s := range all {
			ch <- prometheus.MustNewConstMetric(s.desc, s.kind, s.v(counters))
		}
	}
	return c
}

// poolCollector exposes the database pools' statistics, labelled by pool.
func poolCollector(read func() []PoolStats) prometheus.Collector {
	type series struct {
		desc *prometheus.Desc
		kind prometheus.ValueType
		v    func(PoolStats) float64
	}
	desc := func(name, help string) *prometheus.Desc {
		return prometheus.NewDesc("tasi_db_pool_"+name, help, []string{"pool"}, nil)
	}
	all := []series{
		{desc("acquired_connections", "Connections in use."), prometheus.GaugeValue, func(s PoolStats) float64 { return float64(s.Acquired) }},
		{desc("idle_connections", "Connections open and idle."), prometheus.GaugeValue, func(s PoolStats) float64 { return float64(s.Idle) }},
		{desc("total_connections", "Connections open, in use, idle or being opened."), prometheus.GaugeValue, func(s PoolStats) float64 { return float64(s.Total) }},
		{desc("max_connections", "Most connections the pool opens (--db-max-conns for the api pool)."), prometheus.GaugeValue, func(s PoolStats) float64 { return float64(s.Max) }},
		{desc("acquires_total", "Connections acquired from the pool."), prometheus.CounterValue, func(s PoolStats) float64 { return float64(s.Acquires) }},
		{desc("acquire_duration_seconds_total", "Time spent acquiring connections, waits included."), prometheus.CounterValue, func(s PoolStats) float64 { return s.AcquireDuration.Seconds() }},
		{desc("canceled_acquires_total", "Acquisitions cancelled by their request's context while waiting."), prometheus.CounterValue, func(s PoolStats) float64 { return float64(s.Canceled) }},
		{desc("empty_acquires_total", "Acquisitions that had to wait for a connection: the pool was exhausted."), prometheus.CounterValue, func(s PoolStats) float64 { return float64(s.EmptyWaits) }},
	}
	c := &funcCollector{}
	for _, s := range all {
		c.descs = append(c.descs, s.desc)
	}
	c.collect = func(ch chan<- prometheus.Metric) {
		for _, p := range read() {
			for _, s := range all {
				ch <- prometheus.MustNewConstMetric(s.desc, s.kind, s.v(p), p.Name)
			}
		}
	}
	return c
}
