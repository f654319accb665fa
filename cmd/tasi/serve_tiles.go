package main

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/tasi-gis/tasi/api"
	"github.com/tasi-gis/tasi/data/postgis"
	"github.com/tasi-gis/tasi/internal/outage"
	"github.com/tasi-gis/tasi/tiles"
)

// postgisTiles returns the tile server cutting tiles in the database of s, telling out
// how the database answers.
func postgisTiles(log *slog.Logger, s *postgis.Store, c serveConfig, out *outage.Log) (servedTiles, error) {
	src, err := tiles.NewPostGIS(s.Pool(), s.Schema(), nil)
	if err != nil {
		return servedTiles{}, err
	}
	return newServedTiles(log, watchedSource{src, out}, c), nil
}

// newServedTiles returns the tile server of src with the cache and URLs c asks for.
func newServedTiles(log *slog.Logger, src tiles.Source, c serveConfig) servedTiles {
	h := tiles.NewHandler(src, tiles.Options{
		CacheBytes: int64(c.cacheMB) << 20,
		BaseURL:    c.baseURL,
		TrustProxy: c.trustProxy,
		OnError: func(r *http.Request, err error) {
			if errors.Is(err, tiles.ErrUnavailable) {
				return // the source's outage log reports it, once (watchedSource)
			}
			log.Error("tile request failed", "path", r.URL.Path, "err", err)
		},
	})
	return servedTiles{
		handler: h,
		counters: func() api.CacheCounters {
			st := h.CacheStats()
			return api.CacheCounters{Hits: st.Hits, Misses: st.Misses, Coalesced: st.Coalesced, Evictions: st.Evictions,
				Entries: st.Entries, Bytes: st.Bytes, MaxBytes: st.MaxBytes}
		},
	}
}
