package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/data/gpkg"
	"github.com/tasi-gis/tasi/export"
)

// writeOutputs writes every requested output next to its destination under a temporary
// name, and renames them into place only once all are complete: a failed run leaves no
// partial file and leaves the results of an earlier run as they were.
//
// store, when not nil, stores the run elsewhere (the database) once every file is
// complete and before any is renamed: when it fails no file is put in place, and when the
// renaming fails after it, its undo is called.
func writeOutputs(c analyzeConfig, res *analysis.Result, prov analysis.Provenance, store func() (undo func(), err error)) (err error) {
	type pending struct{ tmp, final string }
	var done []pending
	defer func() {
		if err != nil {
			for _, p := range done {
				os.Remove(p.tmp)
			}
		}
	}()
	tempName := func(final string) (string, error) {
		if err := os.MkdirAll(filepath.Dir(final), 0o755); err != nil {
			return "", fmt.Errorf("write %s: %w", final, err)
		}
		f, err := os.CreateTemp(filepath.Dir(final), "."+filepath.Base(final)+".tmp-*")
		if err != nil {
			return "", fmt.Errorf("write %s: %w", final, err)
		}
		name := f.Name()
		f.Close()
		done = append(done, pending{name, final})
		return name, nil
	}

	if c.out != "" {
		tmp, err := tempName(c.out)
		if err != nil {
			return err
		}
		os.Remove(tmp) // the GeoPackage writer creates its file itself
		if err := gpkg.Write(tmp, res, prov); err != nil {
			return fmt.Errorf("write %s: %w", c.out, err)
		}
	}
	if c.csvDir != "" {
		if err := os.MkdirAll(c.csvDir, 0o755); err != nil {
			return fmt.Errorf("write CSV: %w", err)
		}
		for _, f := range []struct {
			name  string
			write func(io.Writer, *analysis.Result) error
		}{
			{"transects.csv", export.TransectsCSV},
			{"admin_change.csv", export.AdminChangeCSV},
		} {
			final := filepath.Join(c.csvDir, f.name)
			tmp, err := tempName(final)
			if err != nil {
				return err
			}
			if err := writeFile(tmp, func(w io.Writer) error { return f.write(w, res) }); err != nil {
				return fmt.Errorf("write %s: %w", final, err)
			}
		}
	}
	if store != nil {
		undo, serr := store()
		if serr != nil {
			return serr
		}
		defer func() { // on the named result: a failed rename below
			if err != nil {
				undo()
			}
		}()
	}
	for _, p := range done {
		// Temporary files are created private (0600); results are ordinary files.
		if err := os.Chmod(p.tmp, 0o644); err != nil {
			return fmt.Errorf("write %s: %w", p.final, err)
		}
		if err := os.Rename(p.tmp, p.final); err != nil {
			return fmt.Errorf("write %s: %w", p.final, err)
		}
	}
	return nil
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
