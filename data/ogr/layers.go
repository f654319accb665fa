package ogr

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"

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
	infos, err := layers(path, nil)
	if err != nil {
		return nil, fmt.Errorf("list layers of %s: %w", path, err)
	}
	names := make([]string, len(infos))
	for i, l := range infos {
		names[i] = l.Name
	}
	return names, nil
}

// LayerInfo describes one layer of a vector file without its features.
type LayerInfo struct {
	Name string
	// Geometry is the layer's declared geometry type, with Point standing for Point and
	// MultiPoint, LineString for LineString and MultiLineString, Polygon for Polygon and
	// MultiPolygon; AnyGeometry when the layer declares none (GeoJSON with mixed types,
	// a GeometryCollection layer) and None for a table without geometry.
	Geometry GeometryKind
	Fields   []string // attribute names in layer order
	Features int      // feature count, -1 when the driver cannot tell without reading
}

// Layers describes the layers of the vector file at path, in the file's order, without
// reading their features: what a caller needs to pick the layer it wants from a file with
// several (a GeoPackage holding shorelines, transects and a baseline). Open options apply
// as in Read (a .csv finds its geometry columns by their usual names). Errors are those
// of Read.
func Layers(path string, openOptions ...string) ([]LayerInfo, error) {
	if err := setup(); err != nil {
		return nil, fmt.Errorf("list layers of %s: %w", path, err)
	}
	runtime.LockOSThread() // GDAL's error state is per thread, as in Read
	defer runtime.UnlockOSThread()
	infos, err := layers(path, openOptions)
	if err != nil {
		return nil, fmt.Errorf("list layers of %s: %w", path, err)
	}
	return infos, nil
}

func layers(path string, openOptions []string) ([]LayerInfo, error) {
	ds, err := open(path, openOptions)
	if err != nil {
		return nil, err
	}
	defer ds.Close(godal.SkipWarnings)
	ls := ds.Layers()
	out := make([]LayerInfo, len(ls))
	for i := range ls {
		l := &ls[i]
		out[i] = LayerInfo{Name: l.Name(), Geometry: kindOfLayer(l.Type()), Fields: fieldNames(l), Features: -1}
		if n, err := l.FeatureCount(godal.SkipWarnings); err == nil && n >= 0 {
			out[i].Features = n
		}
	}
	return out, nil
}

// kindOfLayer maps an OGR geometry type to the GeometryKind LayerInfo reports.
func kindOfLayer(t godal.GeometryType) GeometryKind {
	flat := uint32(t) &^ 0x80000000 // drop the 2.5D flag; ISO Z and M codes add 1000s
	if flat == uint32(godal.GTNone) {
		return None
	}
	switch flat % 1000 {
	case 1, 4:
		return Point
	case 2, 5:
		return LineString
	case 3, 6:
		return Polygon
	}
	return AnyGeometry
}

// IsVirtual reports whether path names a file through one of GDAL's virtual file systems
// (/vsizip/, /vsigzip/, /vsicurl/, /vsis3/, …), which only GDAL can open.
func IsVirtual(path string) bool { return strings.HasPrefix(path, "/vsi") }

// open opens the vector dataset at path, checking first that a local path exists and is
// a file (a virtual path goes to GDAL as it is).
func open(path string, openOptions []string) (*godal.Dataset, error) {
	if !IsVirtual(path) {
		st, err := os.Stat(path)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fs.ErrNotExist
		}
		if err != nil {
			return nil, err
		}
		if st.IsDir() {
			return nil, errors.New("is a directory, not a file")
		}
	}
	opts := []godal.OpenOption{
		godal.VectorOnly(),
		godal.SiblingFiles(), // let GDAL find .prj, .dbf and other side-car files
		godal.SkipWarnings,
	}
	oo := openOptions
	if len(oo) == 0 && strings.EqualFold(filepath.Ext(path), ".csv") {
		oo = csvOpenOptions
	}
	if len(oo) > 0 {
		opts = append(opts, godal.DriverOpenOption(oo...))
	}
	ds, err := godal.Open(path, opts...)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotVector, err)
	}
	return ds, nil
}
