package ogr

import (
	"context"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/airbusgeo/godal"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
)

// ErrNotVector reports a file GDAL cannot open as vector data: another format (an
// image, say), or a damaged file.
var ErrNotVector = errors.New("not a vector dataset")

// ErrNoCRS reports a layer whose geometries have no coordinate reference system, such
// as a Shapefile without its .prj or a CSV file; ReadOptions.AssumeSRS supplies one.
var ErrNoCRS = errors.New("no coordinate reference system (CRS)")

// Feature is one vector feature with its geometry in WGS84 lon/lat.
type Feature struct {
	// FID is the feature id the driver gives (GeoPackage fid, Shapefile record
	// number from 0, GeoJSON "id" when it is an integer, ...).
	FID int64
	// Geometry is in lon/lat degrees, traditional GIS axis order, 2D, with curves
	// approximated by lines; nil when the feature has no geometry or an empty one.
	Geometry orb.Geometry
	// Fields holds the non-null attributes by name: string, int64, float64, bool
	// (OGR booleans), time.Time (Date: midnight UTC; DateTime: UTC, or the file's
	// offset when it has one), []int64, []float64, []string or []byte. OGR Time fields
	// are strings ("HH:MM:SS").
	Fields map[string]any
}

// Layer is one layer of a vector file, read in full.
type Layer struct {
	Path string // the file it was read from
	Name string
	// SourceSRS is the layer's CRS before reprojection to WGS84 (the CRS of the
	// coordinates with ReadOptions.KeepCRS): "EPSG:28356" where it has an authority
	// code, else its name; "" for a layer without geometry.
	SourceSRS string
	Fields    []string // attribute names in layer order
	Features  []Feature
}

// ReadOptions tunes Read. The zero value reads every layer.
type ReadOptions struct {
	// Layer is the name of the only layer to read; "" reads them all.
	Layer string
	// AssumeSRS is the CRS of layers that declare none, in any form GDAL accepts
	// ("EPSG:4326", WKT, PROJ string). Coordinates are then taken as x = easting or
	// longitude, y = northing or latitude. Empty makes such layers an error.
	AssumeSRS string
	// OpenOptions are GDAL driver open options ("KEY=VALUE"). For .csv files they
	// default to reading geometry from a WKT/geom/geometry column or from lon/lat
	// (longitude/latitude, x/y) columns, which are then not returned as fields.
	OpenOptions []string
	// KeepNonFinite returns geometries with NaN or infinite coordinates as they are, for
	// a caller that cleans them part by part (a shoreline whose one bad part should not
	// cost the rest); by default such a feature fails the read.
	KeepNonFinite bool
	// Progress, when set, is called with the features read so far and the layer's
	// feature count (-1 when the driver cannot tell) after every feature, and once more at
	// the end of each layer: a whole-coast shoreline file holds a few huge features.
	Progress func(done, total int)
	// KeepCRS returns coordinates in the layer's own CRS, named by Layer.SourceSRS, as
	// they are stored, instead of reprojecting them to WGS84 lon/lat: for a caller that
	// works in that CRS anyway (a results GeoPackage is in its run's UTM zone), which
	// saves the reprojection there and back, most of the time to read large geometries.
	KeepCRS bool
}

// csvOpenOptions make the CSV driver find geometry columns by their usual names.
var csvOpenOptions = []string{
	"GEOM_POSSIBLE_NAMES=wkt,geom,geometry,the_geom",
	"X_POSSIBLE_NAMES=lon,lng,long,longitude,x",
	"Y_POSSIBLE_NAMES=lat,latitude,y",
	"KEEP_GEOM_COLUMNS=NO",
}

// vectorExtensions are the file name extensions IsVectorFile accepts.
var vectorExtensions = map[string]bool{
	".geojson": true, ".json": true, ".geojsonl": true, ".geojsons": true,
	".gpkg": true, ".shp": true, ".shz": true, ".kml": true, ".kmz": true,
	".fgb": true, ".gml": true, ".gpx": true, ".csv": true, ".tab": true,
	".mif": true, ".sqlite": true,
}

// IsVectorFile reports whether path has the extension of a vector format Read
// handles: .geojson .json .geojsonl .geojsons .gpkg .shp .shz .shp.zip .kml .kmz .fgb
// .gml .gpx .csv .tab .mif .sqlite, in any case. It looks at the name only: use it to
// pick files when expanding a directory (a Shapefile's .dbf, .shx and .prj are not
// vector files of their own; a .json or .csv may hold no geometry).
func IsVectorFile(path string) bool {
	lower := strings.ToLower(path)
	return vectorExtensions[filepath.Ext(lower)] || strings.HasSuffix(lower, ".shp.zip")
}

// Read reads the layers of the vector file at path (or only opt.Layer) with their
// features reprojected to WGS84 lon/lat. Errors name the file and, where it applies,
// the layer and feature; ErrNotVector, ErrNoCRS and fs.ErrNotExist can be tested
// with errors.Is.
func Read(ctx context.Context, path string, opt ReadOptions) ([]Layer, error) {
	if err := setup(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	// GDAL keeps error state and PROJ contexts per thread: make every call of this
	// read happen on one, so that concurrent Reads never share them.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()

	ds, err := open(path, opt.OpenOptions)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	defer ds.Close(godal.SkipWarnings)

	layers := ds.Layers()
	if opt.Layer != "" {
		var names []string
		for _, l := range layers {
			names = append(names, l.Name())
			if l.Name() == opt.Layer {
				layers = []godal.Layer{l}
				break
			}
		}
		if len(layers) != 1 || layers[0].Name() != opt.Layer {
			return nil, fmt.Errorf("read %s: no layer %q (layers: %s)", path, opt.Layer, strings.Join(names, ", "))
		}
	}
	out := make([]Layer, 0, len(layers))
	for i := range layers {
		l, err := readLayer(ctx, path, &layers[i], opt)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, nil
}

// readLayer reads every feature of l.
func readLayer(ctx context.Context, path string, l *godal.Layer, opt ReadOptions) (Layer, error) {
	name := l.Name()
	r, err := newLayerReader(l, opt.AssumeSRS)
	if errors.Is(err, errNoCRS) {
		return Layer{}, fmt.Errorf("read %s: layer %q: %w: a Shapefile needs its .prj, a CSV file a CRS given by the caller", path, name, ErrNoCRS)
	}
	if err != nil {
		return Layer{}, fmt.Errorf("read %s: layer %q: %w", path, name, err)
	}
	defer r.close()
	if opt.KeepCRS {
		r.keepCRS()
	}

	out := Layer{Path: path, Name: name, SourceSRS: r.srsName, Fields: make([]string, len(r.fields))}
	for i, f := range r.fields {
		out.Fields[i] = f.name
	}
	total := -1
	if n, err := l.FeatureCount(godal.SkipWarnings); err == nil && n >= 0 {
		total = n
		out.Features = make([]Feature, 0, n)
	}
	l.ResetReading()
	for i := 0; ; i++ {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return Layer{}, fmt.Errorf("read %s: layer %q: %w", path, name, err)
			}
		}
		fid, ok, err := r.next()
		if err != nil {
			return Layer{}, fmt.Errorf("read %s: layer %q: after feature %d: %w", path, name, i, err)
		}
		if !ok {
			break
		}
		f := Feature{FID: fid, Fields: make(map[string]any, len(r.fields))}
		if f.Geometry, err = readGeometry(r, opt.KeepNonFinite); err != nil {
			return Layer{}, fmt.Errorf("read %s: layer %q: feature %d: %w", path, name, fid, err)
		}
		r.values(f.Fields)
		out.Features = append(out.Features, f)
		if opt.Progress != nil {
			opt.Progress(len(out.Features), total)
		}
	}
	if opt.Progress != nil {
		opt.Progress(len(out.Features), len(out.Features))
	}
	return out, nil
}

// readGeometry returns the current feature's geometry in lon/lat (in the layer's CRS
// after keepCRS), nil if it has none.
func readGeometry(r *layerReader, keepNonFinite bool) (orb.Geometry, error) {
	from := ""
	if r.ct != nil {
		from = " from " + r.srsName + " to WGS 84"
	}
	b, err := r.geometryWKB()
	if err != nil {
		return nil, fmt.Errorf("geometry%s: %w", from, err)
	}
	if b == nil {
		return nil, nil
	}
	g, err := wkb.Unmarshal(b)
	if err != nil {
		return nil, fmt.Errorf("geometry: %w", err)
	}
	// A bound hides a NaN (every comparison with it is false): look at every vertex.
	if !allFinite(g) {
		if keepNonFinite {
			return g, nil
		}
		return nil, fmt.Errorf("geometry%s: coordinates are not finite", from)
	}
	if r.native {
		return g, nil
	}
	bb := g.Bound()
	if bb.Min[1] < -90 || bb.Max[1] > 90 {
		return nil, fmt.Errorf("geometry%s: latitude outside -90..90 (%g..%g)", from, bb.Min[1], bb.Max[1])
	}
	return g, nil
}

// allFinite reports whether every coordinate of g is a finite number.
func allFinite(g orb.Geometry) bool {
	points := func(ps []orb.Point) bool {
		for _, p := range ps {
			if math.IsNaN(p[0]) || math.IsNaN(p[1]) || math.IsInf(p[0], 0) || math.IsInf(p[1], 0) {
				return false
			}
		}
		return true
	}
	switch t := g.(type) {
	case orb.Point:
		return points([]orb.Point{t})
	case orb.MultiPoint:
		return points(t)
	case orb.LineString:
		return points(t)
	case orb.Ring:
		return points(t)
	case orb.MultiLineString:
		for _, l := range t {
			if !points(l) {
				return false
			}
		}
	case orb.Polygon:
		for _, r := range t {
			if !points(r) {
				return false
			}
		}
	case orb.MultiPolygon:
		for _, p := range t {
			if !allFinite(p) {
				return false
			}
		}
	case orb.Collection:
		for _, c := range t {
			if !allFinite(c) {
				return false
			}
		}
	}
	return true
}
