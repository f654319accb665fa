package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/paulmach/orb/maptile"
	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/api"
	"github.com/tasi-gis/tasi/data"
	"github.com/tasi-gis/tasi/data/gpkg"
	"github.com/tasi-gis/tasi/data/results"
	"github.com/tasi-gis/tasi/input/demo"
	"github.com/tasi-gis/tasi/plan"
)

// runFile is a results GeoPackage of the straight test coast moving at rate m/yr, with
// the provenance of an analysis that finished at finished.
type runFile struct {
	rate     float64
	finished time.Time
}

// write writes f to a new file in dir and returns its path.
func (f runFile) write(t *testing.T, dir string) string {
	t.Helper()
	res, h, err := demo.StraightCoastHazard(f.rate, plan.Options{Horizons: []int{10}})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, fmt.Sprintf("run-%g-%d.gpkg", f.rate, f.finished.Unix()))
	prov := analysis.Provenance{Version: "test", Started: f.finished.Add(-time.Minute), Finished: f.finished}
	if err := gpkg.Write(context.Background(), path, res, prov, gpkg.WithHazard(h)); err != nil {
		t.Fatal(err)
	}
	return path
}

// replaceFile puts a copy of src at dst by renaming a temporary copy over it, as analyze
// --out and a rollback by hand do.
func replaceFile(t *testing.T, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	tmp := dst + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, dst); err != nil {
		t.Fatal(err)
	}
}

// transectTile returns the composite tile of run id over the middle of the straight coast.
func transectTile(t *testing.T, g *gpkgStore, id int64) []byte {
	t.Helper()
	run, err := g.Run(context.Background(), id)
	if err != nil {
		t.Fatalf("tiles of run %d: %v", id, err)
	}
	b, err := g.Tile(context.Background(), id, maptile.At(run.Bounds.Center(), 12), []string{"transects"})
	if err != nil {
		t.Fatal(err)
	}
	if len(b) == 0 {
		t.Fatalf("run %d: no transects in the tile over the middle of the coast", id)
	}
	return b
}

// TestGpkgRunIDNamesContent checks that a GeoPackage's run id names the file's content:
// a file rewritten with other rates but the same finish time (or two analyses finishing
// in the same second) is a new run with other tiles, never new content under an id whose
// tiles were sent as immutable; the same file copied back is the run it was; and tasi
// at-risk names the file's run as tasi serve does. Run ids were the finish time in
// seconds, so the rewritten file kept the id.
func TestGpkgRunIDNamesContent(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	finished := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	first := runFile{rate: -1, finished: finished}.write(t, dir)
	rewritten := runFile{rate: -3, finished: finished}.write(t, dir) // LRR rewritten, same second
	path := filepath.Join(dir, "results.gpkg")
	replaceFile(t, first, path)

	ctx := context.Background()
	g, err := openGpkgStore(ctx, slog.New(slog.DiscardHandler), path, bundledReference(t))
	if err != nil {
		t.Fatal(err)
	}
	latestID := func() int64 {
		t.Helper()
		r, err := g.FindRun(ctx, results.Latest)
		if err != nil {
			t.Fatal(err)
		}
		return r.ID
	}
	a := latestID()
	tileA := transectTile(t, g, a)
	if _, id, err := loadRun(ctx, atRiskConfig{gpkg: path}); err != nil || id != strconv.FormatInt(a, 10) {
		t.Errorf("tasi at-risk --gpkg names the run %q (%v); tasi serve serves it as %d", id, err, a)
	}
	if a >= 1<<53 {
		t.Errorf("run id %d is beyond 2^53: a JSON number cannot hold it exactly", a)
	}

	replaceFile(t, rewritten, path)
	if !g.check(ctx) {
		t.Fatal("the rewritten file was not read as a new run")
	}
	b := latestID()
	if b == a {
		t.Fatalf("the file rewritten with other rates is served under the id %d of the file it replaced", a)
	}
	tileB := transectTile(t, g, b)
	if string(tileA) == string(tileB) {
		t.Errorf("runs %d and %d (LRR -1 and -3 m/yr) have the same transect tile", a, b)
	}
	if got := transectTile(t, g, a); string(got) != string(tileA) {
		t.Errorf("run %d's tile changed after the file was rewritten", a)
	}
	if _, id, err := loadRun(ctx, atRiskConfig{gpkg: path}); err != nil || id != strconv.FormatInt(b, 10) {
		t.Errorf("tasi at-risk --gpkg names the rewritten run %q (%v); tasi serve serves it as %d", id, err, b)
	}

	// The first file copied back is its run again: same content, same id, same tiles.
	replaceFile(t, first, path)
	if !g.check(ctx) {
		t.Fatal("the file copied back was not read")
	}
	if got := latestID(); got != a {
		t.Errorf("the first file copied back is run %d, want %d as before", got, a)
	}
}

// TestGpkgLatestAfterRollback serves a newer run and then rolls the file back to an
// older one: the older run is now the latest, first in /api/v1/runs and named by
// run=latest in /api/v1/units, the tiles and the style alike. The runs were listed by
// finish time (the newer first) while latest was the file's, and the tiles remembered
// the replaced run as latest for two seconds.
func TestGpkgLatestAfterRollback(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	older := runFile{rate: -1, finished: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}.write(t, dir)
	newer := runFile{rate: -2, finished: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)}.write(t, dir)
	path := filepath.Join(dir, "results.gpkg")
	replaceFile(t, older, path)

	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	g, err := openGpkgStore(ctx, log, path, bundledReference(t))
	if err != nil {
		t.Fatal(err)
	}
	tl, err := newServedTiles(log, g, serveConfig{cacheMB: 1}, -1, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api.New(api.Options{Store: g, Tiles: tl.handler, Logger: log}))
	t.Cleanup(srv.Close)
	get := func(path string, v any) {
		t.Helper()
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %s", path, res.StatusCode, b)
		}
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	}
	// latest returns the run each answer calls latest.
	latest := func() map[string]int64 {
		t.Helper()
		var runs struct {
			Runs []struct {
				ID int64 `json:"id"`
			} `json:"runs"`
		}
		var units struct {
			Run int64 `json:"run"`
		}
		var style struct {
			Metadata struct {
				Run int64 `json:"tasi:run"`
			} `json:"metadata"`
		}
		get("/api/v1/runs", &runs)
		get("/api/v1/units", &units)
		get("/styles/tasi.json", &style)
		if len(runs.Runs) == 0 {
			t.Fatal("no runs listed")
		}
		tiles, err := g.Latest(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return map[string]int64{"first of /api/v1/runs": runs.Runs[0].ID, "/api/v1/units": units.Run,
			"style": style.Metadata.Run, "tile source": tiles.ID}
	}
	olderID := latest()["/api/v1/units"]

	for _, step := range []struct {
		name, file string
	}{{"the newer run", newer}, {"the rollback to the older run", older}} {
		replaceFile(t, step.file, path)
		if !g.check(ctx) {
			t.Fatalf("%s: the file was not read", step.name)
		}
		want, err := g.FindRun(ctx, results.Latest)
		if err != nil {
			t.Fatal(err)
		}
		for where, id := range latest() {
			if id != want.ID {
				t.Errorf("after %s: %s names run %d, want %d (finished %s)", step.name, where, id, want.ID, want.Finished.Format(time.DateOnly))
			}
		}
	}
	if got := latest()["/api/v1/units"]; got != olderID {
		t.Errorf("after the rollback latest is run %d, want the older run %d", got, olderID)
	}
}

// TestGpkgReloadDoesNotBlock holds the reading of a new file half-way (a stand-in for
// gpkg.ReadRun that waits on a channel, never a sleep) and checks that the API and the
// tiles go on answering from the run already served meanwhile, and that the new run is
// the latest once it is read.
func TestGpkgReloadDoesNotBlock(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	oldFile := runFile{rate: -1, finished: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}.write(t, dir)
	newFile := runFile{rate: -2, finished: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)}.write(t, dir)
	path := filepath.Join(dir, "results.gpkg")
	replaceFile(t, oldFile, path)

	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	g, err := openGpkgStore(ctx, log, path, bundledReference(t))
	if err != nil {
		t.Fatal(err)
	}
	old, err := g.FindRun(ctx, results.Latest)
	if err != nil {
		t.Fatal(err)
	}
	reading, release := make(chan struct{}), make(chan struct{})
	g.readRun = func(ctx context.Context, path string, opts ...gpkg.ReadOption) (*gpkg.Run, error) {
		close(reading)
		<-release
		return gpkg.ReadRun(ctx, path, opts...)
	}
	tl, err := newServedTiles(log, g, serveConfig{cacheMB: 1}, -1, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api.New(api.Options{Store: g, Tiles: tl.handler, Logger: log}))
	t.Cleanup(srv.Close)

	replaceFile(t, newFile, path)
	checked := make(chan bool)
	go func() { checked <- g.check(ctx) }()
	<-reading
	tiles, err := g.Run(ctx, old.ID)
	if err != nil {
		t.Fatal(err)
	}
	tile := maptile.At(tiles.Bounds.Center(), 12)
	tilePath := fmt.Sprintf("/tiles/transects/%d/%d/%d.mvt", tile.Z, tile.X, tile.Y)
	for _, p := range []string{"/api/v1/runs", "/api/v1/units", "/styles/tasi.json", "/readyz", tilePath} {
		res, err := http.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Errorf("%s while a new file is read: %d %s", p, res.StatusCode, b)
		}
	}
	var units struct {
		Run int64 `json:"run"`
	}
	getJSONTo(t, srv.URL+"/api/v1/units", &units)
	if units.Run != old.ID {
		t.Errorf("units while a new file is read: run %d, want the run served, %d", units.Run, old.ID)
	}
	close(release)
	if !<-checked {
		t.Fatal("the new file was not read")
	}
	getJSONTo(t, srv.URL+"/api/v1/units", &units)
	if units.Run == old.ID {
		t.Errorf("units once the new file is read: still run %d", old.ID)
	}
}

// getJSONTo decodes the JSON answer to a GET of url into v.
func getJSONTo(t *testing.T, url string, v any) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		t.Fatalf("%s: %d: %v", url, res.StatusCode, err)
	}
}

// TestGpkgReloadReadsOnlyNewContent follows a file through rewrites and checks which are
// read and which runs are held meanwhile: a copy of the file with the same content (new
// inode and modification time) is not read again, nor is a rollback to the run it
// replaced, which becomes the latest from memory; a new file is read after the run it
// pushes out has been dropped, so that a reload holds two runs, never three.
func TestGpkgReloadReadsOnlyNewContent(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var files [3]string
	for i := range files {
		files[i] = runFile{rate: -float64(i + 1), finished: time.Date(2026, time.Month(i+1), 1, 0, 0, 0, 0, time.UTC)}.write(t, dir)
	}
	path := filepath.Join(dir, "results.gpkg")
	replaceFile(t, files[0], path)
	ctx := context.Background()
	g, err := openGpkgStore(ctx, slog.New(slog.DiscardHandler), path, bundledReference(t))
	if err != nil {
		t.Fatal(err)
	}
	held := func() []int64 {
		runs, err := g.ListRuns(ctx)
		if err != nil {
			t.Fatal(err)
		}
		ids := make([]int64, len(runs))
		for i, r := range runs {
			ids[i] = r.ID
		}
		return ids
	}
	var reads [][]int64 // the runs held while each read was made
	g.readRun = func(ctx context.Context, path string, opts ...gpkg.ReadOption) (*gpkg.Run, error) {
		reads = append(reads, held())
		return gpkg.ReadRun(ctx, path, opts...)
	}
	var id [3]int64
	id[0] = held()[0]
	for i, step := range []struct {
		name    string
		file    int   // which file is copied over path
		changed bool  // check's answer: another run is the latest
		read    []int // the runs held while the file is read, nil if it must not be read
		after   []int // the runs held afterwards, latest first
	}{
		{"the same content again", 0, false, nil, []int{0}},
		{"a new run", 1, true, []int{0}, []int{1, 0}},
		{"the same content again", 1, false, nil, []int{1, 0}},
		{"a third run", 2, true, []int{1}, []int{2, 1}},
		{"a rollback to the run it replaced", 1, true, nil, []int{1, 2}},
		{"the first run again", 0, true, []int{1}, []int{0, 1}},
	} {
		before := len(reads)
		replaceFile(t, files[step.file], path)
		if got := g.check(ctx); got != step.changed {
			t.Errorf("step %d, %s: check says %v, want %v", i, step.name, got, step.changed)
		}
		ids := func(k []int) []int64 {
			out := make([]int64, len(k))
			for j, x := range k {
				out[j] = id[x]
			}
			return out
		}
		switch {
		case step.read == nil && len(reads) != before:
			t.Errorf("step %d, %s: the file was read again", i, step.name)
		case step.read != nil && len(reads) != before+1:
			t.Errorf("step %d, %s: %d reads, want 1", i, step.name, len(reads)-before)
		case step.read != nil && fmt.Sprint(reads[before]) != fmt.Sprint(ids(step.read)):
			t.Errorf("step %d, %s: runs held while reading %v, want %v", i, step.name, reads[before], ids(step.read))
		}
		if step.read != nil && id[step.file] == 0 {
			id[step.file] = held()[0]
		}
		if got := held(); fmt.Sprint(got) != fmt.Sprint(ids(step.after)) {
			t.Errorf("step %d, %s: runs held %v, want %v", i, step.name, got, ids(step.after))
		}
	}
}

// bundledReference returns the bundled reference data, loaded once, as tasi serve gives
// it to openGpkgStore.
func bundledReference(t testing.TB) func() (*data.Reference, error) {
	t.Helper()
	ref, err := data.TimorLeste()
	if err != nil {
		t.Fatal(err)
	}
	return func() (*data.Reference, error) { return ref, nil }
}
