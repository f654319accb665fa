package main

import (
	"log/slog"
	"net/http"

	"github.com/tasi-gis/tasi/api"
	"github.com/tasi-gis/tasi/data/postgis"
	"github.com/tasi-gis/tasi/tiles"
)

// postgisTiles returns the tile server cutting tiles in the database of s.
func postgisTiles(log *slog.Logger, s *postgis.Store, cacheMB int) (servedTiles, error) {
	src, err := tiles.NewPostGIS(s.Pool(), s.Schema(), nil)
	if err != nil {
		return servedTiles{}, err
	}
	return newServedTiles(log, src, cacheMB), nil
}

func newServedTiles(log *slog.Logger, src tiles.Source, cacheMB int) servedTiles {
	h := tiles.NewHandler(src, tiles.Options{
		CacheBytes: int64(cacheMB) << 20,
		OnError: func(r *http.Request, err error) {
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
