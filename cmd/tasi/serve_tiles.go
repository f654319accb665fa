package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/tasi-gis/tasi/api"
	"github.com/tasi-gis/tasi/data"
	"github.com/tasi-gis/tasi/data/places"
	"github.com/tasi-gis/tasi/data/postgis"
	"github.com/tasi-gis/tasi/internal/outage"
	"github.com/tasi-gis/tasi/tiles"
)

// postgisTiles returns the tile server cutting tiles in the database of s, telling out
// how the database answers, with the context layers ctxLayers.
func postgisTiles(log *slog.Logger, s *postgis.Store, c serveConfig, out *outage.Log, ctxLayers *tiles.Context) (servedTiles, error) {
	src, err := tiles.NewPostGIS(s.Pool(), s.Schema(), nil)
	if err != nil {
		return servedTiles{}, err
	}
	return newServedTiles(log, watchedSource{src, out}, c, 0, ctxLayers)
}

// bundledContext returns the named places of the bundled reference data and the context
// layers drawn around every run, whatever the store: the bundled roads and the label
// points of those places.
func bundledContext(ref *data.Reference) ([]places.Place, *tiles.Context, error) {
	named, err := places.FromReference(ref)
	if err != nil {
		return nil, nil, fmt.Errorf("bundled places: %w", err)
	}
	roads, err := data.Roads()
	if err != nil {
		return nil, nil, fmt.Errorf("context layers: %w", err)
	}
	layers, err := tiles.NewContext(roads, named)
	if err != nil {
		return nil, nil, fmt.Errorf("context layers: %w", err)
	}
	return named, layers, nil
}

// newServedTiles returns the tile server of src with the context layers ctxLayers and
// the cache and URLs c asks for. latestTTL is how long it remembers the latest run
// (tiles.Options.LatestTTL): 0 for the default, negative to ask src on every request, as
// for a GeoPackage, whose latest run is in memory and must be the one the API calls
// latest the moment a new file is loaded.
func newServedTiles(log *slog.Logger, src tiles.Source, c serveConfig, latestTTL time.Duration, ctxLayers *tiles.Context) (servedTiles, error) {
	src, err := tiles.WithContext(src, ctxLayers)
	if err != nil {
		return servedTiles{}, err
	}
	h := tiles.NewHandler(src, tiles.Options{
		CacheBytes: int64(c.cacheMB) << 20,
		BaseURL:    c.baseURL,
		TrustProxy: c.trustProxy,
		LatestTTL:  latestTTL,
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
