package main

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/tasi-gis/tasi/api"
	"github.com/tasi-gis/tasi/data"
	"github.com/tasi-gis/tasi/data/places"
	"github.com/tasi-gis/tasi/data/postgis"
	"github.com/tasi-gis/tasi/internal/outage"
	"github.com/tasi-gis/tasi/tiles"
)

// postgisTiles returns the tile server cutting tiles in the database of s, telling out
// how the database answers, with the context layers of c.
func postgisTiles(log *slog.Logger, s *postgis.Store, cacheMB int, out *outage.Log, c *tiles.Context) (servedTiles, error) {
	src, err := tiles.NewPostGIS(s.Pool(), s.Schema(), nil)
	if err != nil {
		return servedTiles{}, err
	}
	return newServedTiles(log, watchedSource{src, out}, cacheMB, c)
}

// contextTiles returns the context layers drawn around every run, whatever the store:
// the bundled roads and the label points of named places.
func contextTiles(named []places.Place) (*tiles.Context, error) {
	roads, err := data.Roads()
	if err != nil {
		return nil, err
	}
	return tiles.NewContext(roads, named)
}

// newServedTiles serves the tiles of src with the context layers of c.
func newServedTiles(log *slog.Logger, src tiles.Source, cacheMB int, c *tiles.Context) (servedTiles, error) {
	src, err := tiles.WithContext(src, c)
	if err != nil {
		return servedTiles{}, err
	}
	h := tiles.NewHandler(src, tiles.Options{
		CacheBytes: int64(cacheMB) << 20,
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
	}, nil
}
