package ogr

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"

	"github.com/airbusgeo/godal"
)

// LayerNames returns the names of the layers of the vector file at path, in the file's
// order, without reading any feature: callers that need only some layers of a large file
// (a results GeoPackage with half a million intersection points) check which exist and
// then Read each with ReadOptions.Layer. Errors are those of Read.
func LayerNames(path string) ([]string, error) {
	if err := setup(); err != nil {
		return nil, fmt.Errorf("list layers of %s: %w", path, err)
	}
	runtime.LockOSThread() // GDAL's error state is per thread, as in Read
	defer runtime.UnlockOSThread()
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("list layers of %s: %w", path, fs.ErrNotExist)
	}
	if err != nil {
		return nil, fmt.Errorf("list layers of %s: %w", path, err)
	}
	if st.IsDir() {
		return nil, fmt.Errorf("list layers of %s: is a directory, not a file", path)
	}
	ds, err := godal.Open(path, godal.VectorOnly(), godal.SiblingFiles(), godal.SkipWarnings)
	if err != nil {
		return nil, fmt.Errorf("list layers of %s: %w: %v", path, ErrNotVector, err)
	}
	defer ds.Close(godal.SkipWarnings)
	layers := ds.Layers()
	names := make([]string, len(layers))
	for i, l := range layers {
		names[i] = l.Name()
	}
	return names, nil
}
