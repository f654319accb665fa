package main

import (
	"fmt"
	"log/slog"
	"net/http"

	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/api"
	"github.com/tasi-gis/tasi/data"
	"github.com/tasi-gis/tasi/data/postgis"
	"github.com/tasi-gis/tasi/data/results"
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

// gpkgTiles returns the tile server cutting tiles of the run res, served as run, with
// the bundled reference data for the layers that are not part of a run (coastline,
// localities).
func gpkgTiles(log *slog.Logger, res *analysis.Result, run results.Run, cacheMB int) (servedTiles, error) {
	ref, err := data.TimorLeste()
	if err != nil {
		return servedTiles{}, fmt.Errorf("load bundled data: %w", err)
	}
	src, err := tiles.NewMemory(tiles.Dataset{Run: tiles.Run{ID: run.ID, Finished: run.Finished}, Result: res, Reference: ref}, nil)
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
