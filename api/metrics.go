package api

import (
	"bytes"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
)

// metrics counts requests and their latency by route pattern, method and status, and
// writes them with the tile cache's counters in the Prometheus text exposition format
// (version 0.0.4). It is written by hand: a dozen series do not need client_golang and its
// dependencies.
//
// Routes are labelled by their pattern ("/api/v1/units/{pcode}"), never by the raw path,
// so the number of series stays bounded whatever clients request; paths no route matches
// share the label "unmatched".
type metrics struct {
	buckets  []float64 // upper bounds of the latency histogram, seconds
	cache    func() CacheCounters
	inFlight atomic.Int64

	mu     sync.Mutex
	series map[seriesKey]*seriesValue
}

type seriesKey struct {
	route, method string
	status        int
}

type seriesValue struct {
	count  uint64
	sum    float64  // seconds
	counts []uint64 // per bucket, not cumulative
}

func newMetrics(cache func() CacheCounters) *metrics {
	return &metrics{
		// From a warm tile (under a millisecond) to a slow database query.
		buckets: []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10},
		cache:   cache,
		series:  map[seriesKey]*seriesValue{},
	}
}

// middleware records every request once it has been answered.
func (m *metrics) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		m.inFlight.Add(1)
		defer m.inFlight.Add(-1)
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
		m.observe(seriesKey{route, methodLabel(r.Method), status}, time.Since(start).Seconds())
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

func (m *metrics) observe(k seriesKey, seconds float64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v := m.series[k]
	if v == nil {
		v = &seriesValue{counts: make([]uint64, len(m.buckets))}
		m.series[k] = v
	}
	v.count++
	v.sum += seconds
	for i, b := range m.buckets {
		if seconds <= b {
			v.counts[i]++
			break
		}
	}
}

// serve writes the metrics.
func (m *metrics) serve(w http.ResponseWriter, _ *http.Request) {
	var b bytes.Buffer
	m.write(&b)
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(b.Bytes())
}

func (m *metrics) write(b *bytes.Buffer) {
	m.mu.Lock()
	keys := make([]seriesKey, 0, len(m.series))
	vals := make(map[seriesKey]seriesValue, len(m.series))
	for k, v := range m.series {
		keys = append(keys, k)
		c := *v
		c.counts = append([]uint64(nil), v.counts...)
		vals[k] = c
	}
	m.mu.Unlock()
	sort.Slice(keys, func(i, j int) bool {
		a, c := keys[i], keys[j]
		if a.route != c.route {
			return a.route < c.route
		}
		if a.method != c.method {
			return a.method < c.method
		}
		return a.status < c.status
	})
	labels := func(k seriesKey) string {
		return fmt.Sprintf(`route="%s",method="%s",status="%d"`, escapeLabel(k.route), escapeLabel(k.method), k.status)
	}

	b.WriteString("# HELP tasi_http_requests_total HTTP requests answered, by route pattern, method and status.\n")
	b.WriteString("# TYPE tasi_http_requests_total counter\n")
	for _, k := range keys {
		fmt.Fprintf(b, "tasi_http_requests_total{%s} %d\n", labels(k), vals[k].count)
	}
	b.WriteString("# HELP tasi_http_request_duration_seconds Time to answer HTTP requests, by route pattern, method and status.\n")
	b.WriteString("# TYPE tasi_http_request_duration_seconds histogram\n")
	for _, k := range keys {
		v := vals[k]
		l := labels(k)
		var cum uint64
		for i, ub := range m.buckets {
			cum += v.counts[i]
			fmt.Fprintf(b, "tasi_http_request_duration_seconds_bucket{%s,le=\"%s\"} %d\n", l, formatFloat(ub), cum)
		}
		fmt.Fprintf(b, "tasi_http_request_duration_seconds_bucket{%s,le=\"+Inf\"} %d\n", l, v.count)
		fmt.Fprintf(b, "tasi_http_request_duration_seconds_sum{%s} %s\n", l, formatFloat(v.sum))
		fmt.Fprintf(b, "tasi_http_request_duration_seconds_count{%s} %d\n", l, v.count)
	}
	b.WriteString("# HELP tasi_http_requests_in_flight HTTP requests being answered.\n")
	b.WriteString("# TYPE tasi_http_requests_in_flight gauge\n")
	fmt.Fprintf(b, "tasi_http_requests_in_flight %d\n", m.inFlight.Load())
	if m.cache != nil {
		c := m.cache()
		for _, s := range []struct {
			name, kind, help string
			v                any
		}{
			{"tasi_tile_cache_hits_total", "counter", "Tiles served from the in-memory cache.", c.Hits},
			{"tasi_tile_cache_misses_total", "counter", "Tiles not in the cache, cut by the tile source.", c.Misses},
			{"tasi_tile_cache_coalesced_total", "counter", "Tile requests that waited for the same tile being cut for another.", c.Coalesced},
			{"tasi_tile_cache_evictions_total", "counter", "Tiles dropped from the cache to stay within its size.", c.Evictions},
			{"tasi_tile_cache_entries", "gauge", "Tiles in the cache.", c.Entries},
			{"tasi_tile_cache_bytes", "gauge", "Size of the tiles in the cache.", c.Bytes},
			{"tasi_tile_cache_max_bytes", "gauge", "Bound on the size of the cache; 0 when it is off.", c.MaxBytes},
		} {
			fmt.Fprintf(b, "# HELP %s %s\n# TYPE %s %s\n%s %d\n", s.name, s.help, s.name, s.kind, s.name, s.v)
		}
	}
}

// escapeLabel escapes a label value as the exposition format requires.
func escapeLabel(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s)
}

func formatFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
