package input

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/tasi-gis/tasi/data/ogr"
	"github.com/tasi-gis/tasi/export"
)

// sourceFile is one file to read shorelines from.
type sourceFile struct {
	path string
	// explicit is true for a file named on its own, false for one found in a folder: a
	// named file that cannot be read is an error, a folder's is skipped with a note.
	explicit bool
	// index and of place it among the files read, for progress.
	index, of int
}

// sidecars are the extensions of the files that travel with a Shapefile or a GeoPackage
// and are read with it, never on their own.
var sidecars = map[string]bool{
	".dbf": true, ".shx": true, ".prj": true, ".cpg": true, ".qix": true, ".sbn": true,
	".sbx": true, ".qmd": true, ".xml": true, ".gpkg-wal": true, ".gpkg-shm": true,
	".gpkg-journal": true,
}

// expand turns shoreline paths, files and folders, into the files to read, in a stable
// order: each argument in turn, a folder's files sorted by name.
func (l *loader) expand(args []string) ([]sourceFile, error) {
	var out []sourceFile
	for _, a := range args {
		if ogr.IsVirtual(a) {
			out = append(out, sourceFile{path: a, explicit: true})
			continue
		}
		st, err := os.Stat(a)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("shorelines %s: %w", a, fs.ErrNotExist)
		}
		if err != nil {
			return nil, fmt.Errorf("shorelines %s: %w", a, err)
		}
		if !st.IsDir() {
			if err := l.checkNotOutput(a, "shorelines"); err != nil {
				return nil, err
			}
			out = append(out, sourceFile{path: a, explicit: true})
			continue
		}
		entries, err := os.ReadDir(a)
		if err != nil {
			return nil, fmt.Errorf("shorelines %s: %w", a, err)
		}
		names := make([]string, 0, len(entries))
		for _, e := range entries {
			names = append(names, e.Name())
		}
		sort.Strings(names)
		n := 0
		for _, name := range names {
			p := filepath.Join(a, name)
			skip := func(why string) {
				l.report.add(Note{Kind: SkippedFile, File: p, Feature: -1, Message: why})
			}
			fi, err := os.Stat(p)
			switch {
			case err != nil:
				skip(fmt.Sprintf("cannot be read: %v", err))
			case fi.IsDir():
				skip("a folder: folders are read one level deep")
			case strings.HasPrefix(name, "."):
				skip("a hidden file (a temporary file, or macOS metadata such as ._*)")
			case sidecars[strings.ToLower(filepath.Ext(name))]:
				// read with its Shapefile or GeoPackage
			case !ogr.IsVectorFile(p):
				skip("not a vector file")
			default:
				if o, ok := l.isOutput(p); ok {
					skip(fmt.Sprintf("an output of this analysis (%s)", o))
					continue
				}
				out = append(out, sourceFile{path: p})
				n++
			}
		}
		if n == 0 {
			return nil, fmt.Errorf("shorelines %s: the folder holds no vector files", a)
		}
	}
	return out, nil
}

// isResults reports whether a file's layers are those of tasi's own output: a results
// GeoPackage (a runs table beside transects) or one of the CSV files analyze writes.
func isResults(infos []ogr.LayerInfo) bool {
	names := make(map[string]bool, len(infos))
	for _, l := range infos {
		names[l.Name] = true
	}
	if names["runs"] && names["transects"] {
		return true
	}
	if len(infos) != 1 {
		return false
	}
	// The CSV driver takes lon/lat columns as the geometry and drops them from the fields.
	fields := strings.Join(infos[0].Fields, ",")
	for _, h := range [][]string{export.TransectHeader, export.AdminChangeHeader} {
		var rest []string
		for _, f := range h {
			if f != "lon" && f != "lat" {
				rest = append(rest, f)
			}
		}
		if strings.EqualFold(fields, strings.Join(rest, ",")) || strings.EqualFold(fields, strings.Join(h, ",")) {
			return true
		}
	}
	return false
}
