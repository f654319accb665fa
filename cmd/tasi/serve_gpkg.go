package main

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"slices"
	"sync"
	"time"

	"github.com/paulmach/orb/maptile"
	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/data"
	"github.com/tasi-gis/tasi/data/gpkg"
	"github.com/tasi-gis/tasi/data/results"
	"github.com/tasi-gis/tasi/tiles"
)

// gpkgKeepRuns is how many runs a followed GeoPackage keeps in memory: the one in the
// file and the one it replaced, so that a map opened before the replacement, whose tile
// URLs and API links name the old run, keeps working until the next one.
const gpkgKeepRuns = 2

// gpkgStore serves the run in a results GeoPackage, both the API (api.Store) and the
// tiles (tiles.Source), and follows the file: when `tasi analyze --out` writes a new run
// to the same path, check reads it and serves it as the latest run, without a restart.
// A file that cannot be read (a copy still being written, say) is logged and skipped;
// the runs already held go on being served. Methods are safe for concurrent use.
type gpkgStore struct {
	path string
	log  *slog.Logger
	// ref returns the bundled reference data, whose coastline and localities the tiles
	// draw: loaded once, by whichever needs it first (runServe reads the file meanwhile).
	ref func() (*data.Reference, error)
	// readRun reads the file: gpkg.ReadRun, or a stand-in of a test that holds a reload.
	readRun func(ctx context.Context, path string, opts ...gpkg.ReadOption) (*gpkg.Run, error)

	mu   sync.RWMutex
	runs []*gpkgRun  // newest first, at most gpkgKeepRuns
	seen os.FileInfo // the file as last read or tried
}

// gpkgRun is one run read from the file, with its API store and tile source, and what
// the at-risk lists need: its result without shoreline geometry and without
// intersections (the store holds them, see storedRun), provenance and forecast.
type gpkgRun struct {
	run    results.Run
	store  *results.Memory
	tiles  *tiles.Memory
	stored storedRun
}

// openGpkgStore reads the run in path; ref returns the bundled reference data (such as
// sync.OnceValues(data.TimorLeste)), which is needed only once the file is read.
func openGpkgStore(ctx context.Context, log *slog.Logger, path string, ref func() (*data.Reference, error)) (*gpkgStore, error) {
	g := &gpkgStore{path: path, log: log, ref: ref, readRun: gpkg.ReadRun}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	r, err := g.read(ctx)
	if err != nil {
		return nil, err
	}
	g.runs, g.seen = []*gpkgRun{r}, fi
	return g, nil
}

// read reads the file and indexes its run for the API and the tiles.
func (g *gpkgStore) read(ctx context.Context) (*gpkgRun, error) {
	start := time.Now()
	r, err := g.readRun(ctx, g.path)
	if err != nil {
		return nil, err
	}
	res := r.Result
	// The API's index and the tiles' are built side by side: they share nothing but res,
	// which neither changes, and each takes about half a second for the whole coast.
	rec := gpkgRunRecord(r)
	ref, err := g.ref()
	if err != nil {
		return nil, fmt.Errorf("load bundled data: %w", err)
	}
	var (
		src     *tiles.Memory
		tileErr error
		built   sync.WaitGroup
	)
	built.Go(func() {
		src, tileErr = tiles.NewMemory(tiles.Dataset{Run: tiles.Run{ID: rec.ID, Finished: rec.Finished}, Result: res, Reference: ref, Hazard: r.Hazard}, nil)
	})
	store, err := results.NewMemory(rec, res)
	built.Wait()
	if err == nil {
		err = tileErr
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", g.path, err)
	}
	// The record as the store completed it, with the run's counts: ListRuns lists it.
	run := store.Run()
	g.log.Info("loaded run", "file", g.path, "run", run.ID, "sha256", hex.EncodeToString(r.SHA256[:]), "transects", len(res.Transects), "units", len(res.Units), "took", since(start))
	stored := storedRun{res: lean(res), prov: r.Provenance, forecast: withoutZones(r.Hazard)}
	return &gpkgRun{run: run, store: store, tiles: src, stored: stored}, nil
}

// lean returns a copy of res to keep beside the run's API store and tiles: its shorelines
// keep their dates and uncertainties but not their geometry (tens of MB for the whole
// coast of Timor-Leste), which the tiles hold already and forecasts do not need, and it
// has no intersections, which the API store holds (32 MB more).
func lean(res *analysis.Result) *analysis.Result {
	out := *res
	out.Shorelines = make([]analysis.Shoreline, len(res.Shorelines))
	for i, s := range res.Shorelines {
		s.Geometry, s.Points = nil, nil
		out.Shorelines[i] = s
	}
	out.Intersections = nil
	return &out
}

// storedRun returns what the at-risk lists need of run id.
func (g *gpkgStore) storedRun(_ context.Context, id int64) (storedRun, error) {
	r := g.pick(results.RunRef(id))
	if r.run.ID != id {
		return storedRun{}, &results.NotFoundError{Msg: fmt.Sprintf("run %d is no longer served (the GeoPackage holds a newer run)", id)}
	}
	// The forecast needs the intersections: made again from the API store's copy, once
	// per run (the API keeps the assessment), rather than kept twice for the run's life.
	s := r.stored
	res := *s.res
	res.Intersections = r.store.Intersections()
	s.res = &res
	return s, nil
}

// gpkgRunRecord is the record of the run in a GeoPackage. Its id is the file's SHA-256
// digest cut to 53 bits (gpkgRunID), so that tile URLs, which name the run and are cached
// as immutable for a year, name the file's content: a rewritten file, or two analyses
// finishing in the same second, get different ids, and the same file copied back gets its
// old id again. `tasi serve`, `tasi at-risk` and `tasi plan` all name a file's run so.
func gpkgRunRecord(r *gpkg.Run) results.Run {
	prov := r.Provenance
	return results.Run{
		ID: gpkgRunID(r.SHA256), Status: results.StatusSucceeded, Version: prov.Version, Started: prov.Started.UTC(), Finished: prov.Finished.UTC(),
		EPSG: r.Result.Zone.EPSG(), Parameters: prov.Parameters, Inputs: prov.Inputs, Synthetic: prov.Synthetic,
	}
}

// gpkgRunID is the run id of a file with SHA-256 digest sum: its first 53 bits, which a
// JSON number holds exactly (JavaScript's Number.MAX_SAFE_INTEGER is 2^53 − 1), and never
// 0, which means latest. Two files share an id with probability 2^-53; a server holds two.
func gpkgRunID(sum [32]byte) int64 {
	id := int64(binary.BigEndian.Uint64(sum[:8]) >> 11)
	if id == 0 {
		id = 1
	}
	return id
}

// check reads the file again if it changed since it was last read or tried (another
// file renamed over it, or its size or modification time), and reports whether another
// run is now served as the latest.
//
// A reload must not hold three runs at once (issue 12: a reload of the 76 MB demo file
// raised the server from 355 to 824 MB). So the file is hashed first, and a file whose
// SHA-256 names a run already held (the same file copied again, or a rollback to the run
// it replaced) is served from memory without being read. Otherwise, once gpkg.Check
// finds the file to be a results GeoPackage (a file that is not one costs no run), the
// run that the new one will push out is dropped before reading, so that the maps still
// open on it get 404 a few seconds early (and for good, should the new file still fail to
// read), and the memory is handed back to the system after the swap: reloads are rare,
// a long-lived server's footprint is what an operator watches.
func (g *gpkgStore) check(ctx context.Context) bool {
	fi, err := os.Stat(g.path)
	g.mu.RLock()
	unchanged := err == nil && os.SameFile(fi, g.seen) && fi.Size() == g.seen.Size() && fi.ModTime().Equal(g.seen.ModTime())
	g.mu.RUnlock()
	if err != nil {
		g.log.Warn("cannot check the GeoPackage; serving the runs already read", "file", g.path, "err", err)
		return false
	}
	if unchanged {
		return false
	}
	sum, err := fileSHA256(g.path)
	if err != nil {
		g.log.Warn("the GeoPackage changed but cannot be read; serving the runs already read", "file", g.path, "err", err)
		return false
	}
	id := gpkgRunID(sum)
	if held, moved := g.promote(id, fi); held {
		g.log.Info("the GeoPackage holds a run already read; serving it without reading the file again", "file", g.path, "run", id, "sha256", hex.EncodeToString(sum[:]))
		return moved
	}
	if err := gpkg.Check(g.path); err != nil {
		g.mu.Lock()
		g.seen = fi
		g.mu.Unlock()
		g.log.Warn("the GeoPackage changed but cannot be read; serving the runs already read", "file", g.path, "err", err)
		return false
	}
	g.mu.Lock()
	g.runs = slices.Clone(g.runs[:min(len(g.runs), gpkgKeepRuns-1)]) // a copy: the dropped run must not stay reachable
	g.mu.Unlock()
	r, err := g.read(ctx)
	g.mu.Lock()
	g.seen = fi
	if err != nil {
		g.log.Warn("the GeoPackage changed but cannot be read; serving the runs already read", "file", g.path, "run", g.runs[0].run.ID, "err", err)
		g.mu.Unlock()
		return false
	}
	runs := slices.DeleteFunc(slices.Clone(g.runs), func(o *gpkgRun) bool { return o.run.ID == r.run.ID })
	g.runs = append([]*gpkgRun{r}, runs...)[:min(len(runs)+1, gpkgKeepRuns)]
	g.mu.Unlock()
	debug.FreeOSMemory()
	return true
}

// promote makes run id the latest if it is held, and records fi as the file seen then.
// It reports whether the run is held, and whether another run was the latest before.
func (g *gpkgStore) promote(id int64, fi os.FileInfo) (held, moved bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	i := slices.IndexFunc(g.runs, func(r *gpkgRun) bool { return r.run.ID == id })
	if i < 0 {
		return false, false
	}
	g.seen = fi
	if i == 0 {
		return true, false
	}
	r := g.runs[i]
	g.runs = append([]*gpkgRun{r}, slices.Delete(slices.Clone(g.runs), i, i+1)...)
	return true, true
}

// fileSHA256 returns the SHA-256 digest of the file at path: a tenth of a second for the
// 76 MB demo file, against seconds to read its run.
func fileSHA256(path string) ([sha256.Size]byte, error) {
	var sum [sha256.Size]byte
	f, err := os.Open(path)
	if err != nil {
		return sum, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return sum, fmt.Errorf("hash %s: %w", path, err)
	}
	h.Sum(sum[:0])
	return sum, nil
}

// follow checks the file every interval until ctx ends.
func (g *gpkgStore) follow(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			g.check(ctx)
		}
	}
}

// pick returns the held run ref names, or the newest when ref is Latest or names none
// (whose store then answers with its own not-found error).
func (g *gpkgStore) pick(ref results.RunRef) *gpkgRun {
	g.mu.RLock()
	defer g.mu.RUnlock()
	for _, r := range g.runs {
		if ref != results.Latest && r.run.ID == int64(ref) {
			return r
		}
	}
	return g.runs[0]
}

// The API (api.Store).

// ListRuns lists the runs held, latest first: the run in the file now, then the one it
// replaced, whatever their finish times say (after a rollback to an older file the older
// run is the latest), so that the first run listed is the one run=latest names.
func (g *gpkgStore) ListRuns(context.Context) ([]results.Run, error) {
	g.mu.RLock()
	defer g.mu.RUnlock()
	out := make([]results.Run, len(g.runs))
	for i, r := range g.runs {
		out[i] = r.run
	}
	return out, nil
}

func (g *gpkgStore) FindRun(ctx context.Context, ref results.RunRef) (results.Run, error) {
	return g.pick(ref).store.FindRun(ctx, ref)
}

func (g *gpkgStore) UnitsPage(ctx context.Context, q results.UnitsQuery) (results.UnitsPage, error) {
	return g.pick(q.Run).store.UnitsPage(ctx, q)
}

func (g *gpkgStore) Unit(ctx context.Context, ref results.RunRef, pcode string, geometry bool) (results.UnitDetail, error) {
	return g.pick(ref).store.Unit(ctx, ref, pcode, geometry)
}

func (g *gpkgStore) TransectSeries(ctx context.Context, ref results.RunRef, id string) (results.TransectDetail, error) {
	return g.pick(ref).store.TransectSeries(ctx, ref, id)
}

// Ping reports nothing: the runs are in memory, whatever happens to the file.
func (g *gpkgStore) Ping(context.Context) error { return nil }

// The tiles (tiles.Source).

func (g *gpkgStore) Layers() []tiles.Layer { return g.pick(results.Latest).tiles.Layers() }

func (g *gpkgStore) Latest(ctx context.Context) (tiles.Run, error) {
	return g.pick(results.Latest).tiles.Latest(ctx)
}

func (g *gpkgStore) Run(ctx context.Context, id int64) (tiles.Run, error) {
	return g.pick(results.RunRef(id)).tiles.Run(ctx, id)
}

func (g *gpkgStore) Tile(ctx context.Context, run int64, t maptile.Tile, layers []string) ([]byte, error) {
	return g.pick(results.RunRef(run)).tiles.Tile(ctx, run, t, layers)
}
