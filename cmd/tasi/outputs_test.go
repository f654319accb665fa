package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/tasi-gis/tasi/data/gpkg"
	"github.com/tasi-gis/tasi/internal/fileset"
)

// TestAnalyzeOutputsTogether writes the GeoPackage and the CSV files into two folders
// and makes the last of them impossible to put in place: the GeoPackage and the other CSV
// file must stay the earlier run's (no new GeoPackage beside old CSV files), with nothing
// left behind, and a later run that can write them all replaces them all. Another
// writer's temporary file in the same folder, alive all along, is left alone.
func TestAnalyzeOutputsTogether(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out, csvDir := filepath.Join(dir, "gpkg", "results.gpkg"), filepath.Join(dir, "csv")
	args := append(straightCoastArgs(t, dir), "--out", out, "--csv-dir", csvDir)
	transects, admin := filepath.Join(csvDir, "transects.csv"), filepath.Join(csvDir, "admin_change.csv")
	if log, err := runCLIErr(t, args...); err != nil {
		t.Fatalf("earlier run: %v\n%s", err, log)
	}
	earlier := fileHashes(t, out, transects)

	// A live writer of another file in the CSV folder.
	live, err := fileset.Begin(filepath.Join(csvDir, "other.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer live.Abort()
	liveTemp := live.Temp(filepath.Join(csvDir, "other.csv"))
	if err := os.WriteFile(liveTemp, []byte("half written"), 0o644); err != nil {
		t.Fatal(err)
	}

	// admin_change.csv, the last file, cannot be put in place: a folder took its name.
	if err := os.Remove(admin); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(admin, "blocker"), 0o755); err != nil {
		t.Fatal(err)
	}
	log, err := runCLIErr(t, append(args, "--spacing", "25")...)
	if err == nil || !strings.Contains(err.Error(), "admin_change.csv") {
		t.Fatalf("analyze = %v, want admin_change.csv to fail\n%s", err, log)
	}
	if got := fileHashes(t, out, transects); fmt.Sprint(got) != fmt.Sprint(earlier) {
		t.Errorf("after the failed run, outputs %v; want the earlier ones %v", got, earlier)
	}
	for _, d := range []string{filepath.Dir(out), csvDir} {
		for _, name := range hiddenFiles(t, d, "") {
			if filepath.Join(d, name) != liveTemp && !strings.HasPrefix(name, ".tasi-") {
				t.Errorf("the failed run left %s in %s", name, d)
			}
		}
	}
	if _, err := os.Stat(liveTemp); err != nil {
		t.Errorf("the live writer's temporary file: %v", err)
	}

	if err := os.RemoveAll(admin); err != nil {
		t.Fatal(err)
	}
	if log, err := runCLIErr(t, append(args, "--spacing", "25")...); err != nil {
		t.Fatalf("run after the folder was removed: %v\n%s", err, log)
	}
	_, rows := readCSV(t, transects)
	_, units := readCSV(t, admin)
	res, prov, err := gpkg.Read(context.Background(), out)
	if err != nil {
		t.Fatal(err)
	}
	if prov.Parameters["spacing"] != "25" || len(res.Transects) != len(rows) || len(units) != 2 {
		t.Errorf("GeoPackage of spacing %s with %d transects, %d rows in transects.csv, %d in admin_change.csv",
			prov.Parameters["spacing"], len(res.Transects), len(rows), len(units))
	}
	if _, err := os.Stat(liveTemp); err != nil {
		t.Errorf("the live writer's temporary file: %v", err)
	}
	if err := live.Abort(); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{filepath.Dir(out), csvDir} {
		if h := hiddenFiles(t, d, ""); len(h) > 0 {
			t.Errorf("left in %s: %v", d, h)
		}
	}
}

// countdownCtx is a context that is cancelled once Err has been asked n times: a way to
// cancel at every point where the code looks, without timing.
type countdownCtx struct {
	context.Context
	n, calls atomic.Int64
}

func (c *countdownCtx) Err() error {
	c.calls.Add(1)
	if c.n.Add(-1) < 0 {
		return context.Canceled
	}
	return nil
}

// TestWriteOutputsCancelled cancels writeOutputs at every point where it or the
// GeoPackage writer looks at its context: each time it must return an interruption, not
// store the run, and leave the earlier outputs exactly as they were with nothing left
// behind. Not cancelled, it replaces them.
func TestWriteOutputsCancelled(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out, csvDir := filepath.Join(dir, "results.gpkg"), filepath.Join(dir, "csv")
	args := append(straightCoastArgs(t, dir), "--out", out, "--csv-dir", csvDir)
	if log, err := runCLIErr(t, args...); err != nil {
		t.Fatalf("earlier run: %v\n%s", err, log)
	}
	paths := []string{out, filepath.Join(csvDir, "transects.csv"), filepath.Join(csvDir, "admin_change.csv")}
	earlier := fileHashes(t, paths...)
	res, prov, err := gpkg.Read(context.Background(), out)
	if err != nil {
		t.Fatal(err)
	}
	prov.Parameters["spacing"] = "a new run"
	c, err := parseAnalyzeArgs(&env{stderr: io.Discard}, append(args[1:], "--spacing", "25"))
	if err != nil {
		t.Fatal(err)
	}
	e := &env{stdout: io.Discard, stderr: io.Discard, log: slog.New(slog.DiscardHandler)}
	write := func(n int64) (err error, stored bool) {
		ctx := &countdownCtx{Context: context.Background()}
		ctx.n.Store(n)
		err = writeOutputs(ctx, e, c, res, prov, nil, func() (func(), error) {
			stored = true
			return func() { t.Errorf("undo called") }, nil
		})
		return err, stored
	}

	// How often the context is looked at when it is not cancelled: once per feature.
	ctx := &countdownCtx{Context: context.Background()}
	ctx.n.Store(1 << 62)
	looks := int64(0)
	{
		c := c
		c.out = filepath.Join(t.TempDir(), "count.gpkg")
		c.csvDir = ""
		if err := writeOutputs(ctx, e, c, res, prov, nil, nil); err != nil {
			t.Fatal(err)
		}
		looks = ctx.calls.Load()
	}
	if looks < int64(len(res.Intersections)) {
		t.Fatalf("the context was looked at %d times for %d intersections", looks, len(res.Intersections))
	}
	for _, n := range []int64{0, 1, 3, looks / 2, looks - 1, looks, looks + 1} {
		err, stored := write(n)
		if !errors.Is(err, errInterrupted) || !errors.Is(err, context.Canceled) || stored {
			t.Errorf("cancelled after %d looks: %v, stored %v; want an interruption and nothing stored", n, err, stored)
		}
		if got := fileHashes(t, paths...); fmt.Sprint(got) != fmt.Sprint(earlier) {
			t.Fatalf("cancelled after %d looks: outputs changed", n)
		}
		for _, d := range []string{dir, csvDir} {
			if h := hiddenFiles(t, d, ""); len(h) > 0 {
				t.Errorf("cancelled after %d looks: left %v", n, h)
			}
		}
	}
	err, stored := write(1 << 62)
	if err != nil || !stored {
		t.Fatalf("not cancelled: %v, stored %v", err, stored)
	}
	if _, got, err := gpkg.Read(context.Background(), out, gpkg.WithoutIntersections()); err != nil || got.Parameters["spacing"] != "a new run" {
		t.Errorf("not cancelled: the GeoPackage holds %v (%v), want the new run", got.Parameters, err)
	}
}
