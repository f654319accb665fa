package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/data/gpkg"
	"github.com/tasi-gis/tasi/export"
	"github.com/tasi-gis/tasi/internal/fileset"
	"github.com/tasi-gis/tasi/plan"
)

// errInterrupted marks the error of a run stopped by Ctrl-C or SIGTERM before its outputs
// were put in place.
var errInterrupted = errors.New("interrupted: earlier outputs left as they were")

// interrupted returns err marked with errInterrupted when ctx was cancelled.
func interrupted(ctx context.Context, err error) error {
	if err == nil || ctx.Err() == nil || errors.Is(err, errInterrupted) {
		return err
	}
	return fmt.Errorf("%w: %w", errInterrupted, err)
}

// output is one file analyze writes: its path, and how to write it to a temporary name.
type output struct {
	path  string
	write func(tmp string, report func(analysis.Progress)) error
}

// writeOutputs writes every requested output (the GeoPackage with the hazard zones, when
// hazard is not nil) and puts them in place together, through a
// fileset: the GeoPackage and the CSV files are either all from this run or all as they
// were, whatever fails and even when tasi is killed (the next run finishes or undoes what
// a killed run left, and removes its temporary files).
//
// store, when not nil, stores the run elsewhere (the database) once every file is
// complete and before any is put in place: when it fails no file is put in place, and
// when putting them in place fails after it, its undo is called.
//
// A cancelled ctx stops the writing; once the files are complete and the run stored,
// putting them in place is not cancelled (it takes milliseconds).
func writeOutputs(ctx context.Context, e *env, c analyzeConfig, res *analysis.Result, prov analysis.Provenance, hazard *plan.Hazard,
	store func() (undo func(), err error)) (err error) {
	var outs []output
	if c.out != "" {
		outs = append(outs, output{c.out, func(tmp string, report func(analysis.Progress)) error {
			return gpkg.Write(ctx, tmp, res, prov, gpkg.WithProgress(report), gpkg.WithHazard(hazard))
		}})
	}
	if c.csvDir != "" {
		for _, f := range []struct {
			name  string
			write func(io.Writer, *analysis.Result, ...export.Option) error
		}{
			{"transects.csv", export.TransectsCSV},
			{"admin_change.csv", export.AdminChangeCSV},
		} {
			outs = append(outs, output{filepath.Join(c.csvDir, f.name), func(tmp string, report func(analysis.Progress)) error {
				return writeFile(tmp, func(w io.Writer) error { return f.write(w, res, export.WithProgress(report)) })
			}})
		}
	}
	if len(outs) == 0 {
		if store == nil {
			return nil
		}
		_, err := store()
		return interrupted(ctx, err)
	}

	paths := make([]string, len(outs))
	for i, o := range outs {
		paths[i] = o.path
	}
	set, err := fileset.Begin(paths...)
	if err != nil {
		return fmt.Errorf("write outputs: %w", err)
	}
	defer func() {
		if err := set.Abort(); err != nil {
			e.log.Warn("could not remove the temporary files", "err", err)
		}
	}()
	logLeftovers(e, set.Leftovers())

	bar := newProgress(e)
	for _, o := range outs {
		if err := ctx.Err(); err != nil {
			bar.done()
			return interrupted(ctx, err)
		}
		name := filepath.Base(o.path)
		report := func(p analysis.Progress) {
			step := "write " + name
			if p.Step != name { // a GeoPackage layer
				step += ": " + p.Step
			}
			bar.update(analysis.Progress{Step: step, Done: p.Done, Total: p.Total})
		}
		if err := o.write(set.Temp(o.path), report); err != nil {
			bar.done()
			if ctx.Err() != nil { // say where, without the temporary file's name
				return interrupted(ctx, fmt.Errorf("writing %s: %w", name, ctx.Err()))
			}
			return fmt.Errorf("write %s: %w", o.path, err)
		}
	}
	bar.done()
	// Every file is complete: the last moment to stop with nothing changed anywhere.
	if err := ctx.Err(); err != nil {
		return interrupted(ctx, err)
	}
	if store != nil {
		undo, serr := store()
		if serr != nil {
			return interrupted(ctx, serr)
		}
		defer func() { // on the named result: a failed commit below
			if err != nil {
				undo()
			}
		}()
	}
	if err := set.Commit(); err != nil {
		return fmt.Errorf("write outputs: %w", err)
	}
	return nil
}

// logLeftovers tells what was cleaned up after runs that were killed.
func logLeftovers(e *env, l fileset.Leftovers) {
	if len(l.Completed) > 0 {
		e.log.Warn("a run killed while putting its outputs in place had written them all: put them in place", "files", l.Completed)
	}
	if len(l.Restored) > 0 {
		e.log.Warn("a run killed while putting its outputs in place could not finish: put the earlier ones back", "files", l.Restored)
	}
	if n := len(l.Removed); n > 0 {
		e.log.Info("removed the temporary files of runs that were killed", "count", n, "first", l.Removed[0])
	}
}

// writeFile writes through fn into path, synced, and reports the first error.
func writeFile(path string, fn func(io.Writer) error) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	err = fn(f)
	return errors.Join(err, f.Sync(), f.Close())
}
