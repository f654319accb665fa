package ogr

import (
	"errors"
	"fmt"
	"math"
	"os"
	"reflect"
	"strings"
	"time"

	"github.com/airbusgeo/godal"
	"github.com/paulmach/orb"
)

// FieldType is the type of an attribute column written to a GeoPackage.
type FieldType int

// Field types. Write takes, for each:
//   - String: string
//   - Integer: any Go integer type; stored as a 64-bit integer
//   - Real: float64, float32 or any integer type; NaN is stored as NULL
//   - Date: time.Time, of which the year, month and day in its own location are kept
//   - DateTime: time.Time, stored as UTC to the millisecond
//
// nil, and the zero time.Time, are stored as NULL in any column.
const (
	String FieldType = iota
	Integer
	Real
	Date
	DateTime
)

// String returns the name of t.
func (t FieldType) String() string {
	switch t {
	case String:
		return "String"
	case Integer:
		return "Integer"
	case Real:
		return "Real"
	case Date:
		return "Date"
	case DateTime:
		return "DateTime"
	}
	return fmt.Sprintf("FieldType(%d)", int(t))
}

// FieldDef is an attribute column: a name, unique in its layer ignoring case, and a type.
type FieldDef struct {
	Name string
	Type FieldType
}

// GeometryKind is the geometry type of a GeoPackage layer.
type GeometryKind int

// Geometry kinds. None makes an attribute table (gpkg_contents data_type
// "attributes"); AnyGeometry takes every type. Layers of a Multi kind also take the
// matching single geometry (orb.Point for MultiPoint, ...), written as a one-member
// multi-geometry as the GeoPackage specification wants.
const (
	None GeometryKind = iota
	Point
	LineString
	Polygon
	MultiPoint
	MultiLineString
	MultiPolygon
	AnyGeometry
)

// String returns the GeoPackage name of k's geometry type, "NONE" for None.
func (k GeometryKind) String() string {
	switch k {
	case None:
		return "NONE"
	case Point:
		return "POINT"
	case LineString:
		return "LINESTRING"
	case Polygon:
		return "POLYGON"
	case MultiPoint:
		return "MULTIPOINT"
	case MultiLineString:
		return "MULTILINESTRING"
	case MultiPolygon:
		return "MULTIPOLYGON"
	case AnyGeometry:
		return "GEOMETRY"
	}
	return fmt.Sprintf("GeometryKind(%d)", int(k))
}

// ogrType returns k's OGRwkbGeometryType.
func (k GeometryKind) ogrType() int {
	switch k {
	case None:
		return 100 // wkbNone
	case AnyGeometry:
		return 0 // wkbUnknown
	}
	return int(k) // wkbPoint = 1 ... wkbMultiPolygon = 6, in the same order
}

// LayerOption changes how GeoPackage.CreateLayer creates a layer.
type LayerOption func(*layerConfig)

type layerConfig struct {
	spatialIndex bool
	description  string
}

// WithoutSpatialIndex skips the layer's R-tree index. GDAL 3.6 builds the index when
// the GeoPackage is closed, at about 7 µs per feature, so this makes large layers
// several times faster to write; QGIS then reads the whole layer on every redraw
// (`ogrinfo FILE -sql "SELECT CreateSpatialIndex('layer', 'geom')"` adds it later).
func WithoutSpatialIndex() LayerOption {
	return func(c *layerConfig) { c.spatialIndex = false }
}

// WithDescription sets the layer's description in gpkg_contents, which QGIS shows.
func WithDescription(s string) LayerOption {
	return func(c *layerConfig) { c.description = s }
}

// GeoPackage is a GeoPackage file being written. It is not safe for concurrent use.
type GeoPackage struct {
	path   string
	ds     *godal.Dataset
	tx     bool // a transaction is open
	layers []*LayerWriter
	names  map[string]bool // lower-cased layer names
}

// CreateGeoPackage creates a new GeoPackage at path, which must not exist: write to a
// temporary name and rename it once Close succeeds. Everything written goes into one
// transaction that Close commits.
func CreateGeoPackage(path string) (*GeoPackage, error) {
	if err := setup(); err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	if _, err := os.Lstat(path); err == nil {
		return nil, fmt.Errorf("create %s: %w", path, os.ErrExist)
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	ds, err := godal.CreateVector(godal.GeoPackage, path, godal.SkipWarnings)
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	g := &GeoPackage{path: path, ds: ds, names: map[string]bool{}}
	if err := ds.StartTransaction(); err != nil {
		_ = ds.Close()
		return nil, fmt.Errorf("create %s: start transaction: %w", path, err)
	}
	g.tx = true
	return g, nil
}

// CreateLayer adds a layer to g: geometries of kind geom in the CRS EPSG:epsg (ignored
// for None), and attribute columns fields in that order, after the "fid" primary key
// and the "geom" geometry column.
func (g *GeoPackage) CreateLayer(name string, epsg int, geom GeometryKind, fields []FieldDef, opts ...LayerOption) (*LayerWriter, error) {
	if g.ds == nil {
		return nil, fmt.Errorf("create layer %q in %s: geopackage is closed", name, g.path)
	}
	if err := g.checkLayer(name, geom, fields); err != nil {
		return nil, fmt.Errorf("create layer %q in %s: %w", name, g.path, err)
	}
	cfg := layerConfig{spatialIndex: true}
	for _, o := range opts {
		o(&cfg)
	}
	lco := []string{"FID=fid"}
	if geom != None {
		lco = append(lco, "GEOMETRY_NAME=geom", "SPATIAL_INDEX="+yesNo(cfg.spatialIndex))
	}
	if cfg.description != "" {
		lco = append(lco, "DESCRIPTION="+cfg.description)
	}
	l, err := createLayer(g.ds, name, epsg, geom, lco)
	if err != nil {
		return nil, fmt.Errorf("create layer %q in %s: %w", name, g.path, err)
	}
	for _, f := range fields {
		if err := l.createField(f.Name, f.Type); err != nil {
			return nil, fmt.Errorf("create layer %q in %s: field %q: %w", name, g.path, f.Name, err)
		}
	}
	w := &LayerWriter{
		gpkg:   g,
		name:   name,
		kind:   geom,
		fields: append([]FieldDef(nil), fields...),
		buf:    newFeatureBuffer(l, len(fields)),
	}
	g.layers = append(g.layers, w)
	g.names[strings.ToLower(name)] = true
	return w, nil
}

func (g *GeoPackage) checkLayer(name string, geom GeometryKind, fields []FieldDef) error {
	if name == "" {
		return errors.New("empty layer name")
	}
	if g.names[strings.ToLower(name)] {
		return errors.New("layer exists")
	}
	if geom < None || geom > AnyGeometry {
		return fmt.Errorf("unknown geometry kind %d", int(geom))
	}
	seen := map[string]bool{"fid": true, "geom": geom != None}
	for _, f := range fields {
		if f.Name == "" {
			return errors.New("empty field name")
		}
		if seen[strings.ToLower(f.Name)] {
			return fmt.Errorf("field %q: name used twice (names ignore case; fid and geom are taken)", f.Name)
		}
		seen[strings.ToLower(f.Name)] = true
		if f.Type < String || f.Type > DateTime {
			return fmt.Errorf("field %q: unknown type %d", f.Name, int(f.Type))
		}
	}
	return nil
}

func yesNo(b bool) string {
	if b {
		return "YES"
	}
	return "NO"
}

// Close commits everything written and closes the file, which is then complete; GDAL
// builds the spatial indexes at this point. Close releases the GeoPackage even when it
// fails, in which case the file should be removed; calling it again returns nil.
func (g *GeoPackage) Close() error {
	if g.ds == nil {
		return nil
	}
	var errs []error
	if g.tx {
		if err := g.ds.CommitTransaction(); err != nil {
			errs = append(errs, fmt.Errorf("commit: %w", err))
		}
		g.tx = false
	}
	for _, w := range g.layers {
		w.buf.close()
	}
	if err := g.ds.Close(godal.SkipWarnings); err != nil {
		errs = append(errs, err)
	}
	g.ds = nil
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("close %s: %w", g.path, err)
	}
	return nil
}

// LayerWriter appends features to one layer of a GeoPackage.
type LayerWriter struct {
	gpkg   *GeoPackage
	name   string
	kind   GeometryKind
	fields []FieldDef
	buf    *featureBuffer
	wkb    []byte
	count  int64
}

// Count returns the number of features written so far.
func (w *LayerWriter) Count() int64 { return w.count }

// Write appends a feature with geometry geom (nil for none; must be nil in a None
// layer) in the layer's CRS, and one value per field in the order of the layer's
// fields; see FieldType for the Go types each takes. After an error nothing of the
// feature has been written and the layer can be written on.
func (w *LayerWriter) Write(geom orb.Geometry, values ...any) error {
	if err := w.write(geom, values); err != nil {
		return fmt.Errorf("write %s: layer %q: feature %d: %w", w.gpkg.path, w.name, w.count+1, err)
	}
	w.count++
	return nil
}

func (w *LayerWriter) write(geom orb.Geometry, values []any) error {
	if w.gpkg.ds == nil {
		return errors.New("geopackage is closed")
	}
	if len(values) != len(w.fields) {
		return fmt.Errorf("%d values for %d fields", len(values), len(w.fields))
	}
	wkb, err := w.encode(geom)
	if err != nil {
		return err
	}
	b := w.buf
	b.reset()
	for i, v := range values {
		if err := setValue(b, i, w.fields[i].Type, v); err != nil {
			return fmt.Errorf("field %q: %w", w.fields[i].Name, err)
		}
	}
	return b.write(wkb)
}

// encode returns geom's WKB in w.wkb, promoted to the layer's multi-geometry kind,
// or nil for a nil geometry.
func (w *LayerWriter) encode(geom orb.Geometry) ([]byte, error) {
	if geom == nil {
		return nil, nil
	}
	var err error
	dst := w.wkb[:0]
	switch {
	case w.kind == None:
		return nil, errors.New("geometry given for a layer without geometry")
	case w.kind == AnyGeometry || kindOf(geom) == w.kind:
		dst, err = appendWKB(dst, geom)
	case kindOf(geom)+3 == w.kind && w.kind >= MultiPoint && w.kind <= MultiPolygon:
		dst, err = appendMulti(dst, geom)
	default:
		return nil, fmt.Errorf("geometry %s in a %s layer", typeName(geom), w.kind)
	}
	w.wkb = dst
	return dst, err
}

// kindOf returns the GeometryKind of g, AnyGeometry for a collection or a Bound.
func kindOf(g orb.Geometry) GeometryKind {
	switch g.(type) {
	case orb.Point:
		return Point
	case orb.LineString:
		return LineString
	case orb.Polygon, orb.Ring:
		return Polygon
	case orb.MultiPoint:
		return MultiPoint
	case orb.MultiLineString:
		return MultiLineString
	case orb.MultiPolygon:
		return MultiPolygon
	}
	return AnyGeometry
}

// setValue stores v for field i of type t in b.
func setValue(b *featureBuffer, i int, t FieldType, v any) error {
	if v == nil {
		b.setNull(i)
		return nil
	}
	switch t {
	case String:
		if s, ok := v.(string); ok {
			b.setString(i, s)
			return nil
		}
	case Integer:
		if n, ok, err := toInt64(v); ok {
			if err != nil {
				return err
			}
			b.setInt(i, n)
			return nil
		}
	case Real:
		var f float64
		switch x := v.(type) {
		case float64:
			f = x
		case float32:
			f = float64(x)
		default:
			n, ok, err := toInt64(v)
			if !ok {
				return fmt.Errorf("want a number for a Real field, got %s", typeName(v))
			}
			if err != nil {
				return err
			}
			f = float64(n)
		}
		if math.IsNaN(f) {
			b.setNull(i)
		} else {
			b.setReal(i, f)
		}
		return nil
	case Date, DateTime:
		if tm, ok := v.(time.Time); ok {
			if tm.IsZero() {
				b.setNull(i)
			} else {
				b.setTime(i, tm, t == Date)
			}
			return nil
		}
	}
	return fmt.Errorf("want %s for a %s field, got %s", goTypeFor(t), t, typeName(v))
}

// typeName returns the name of v's type without letting v escape to the heap, as
// passing it to fmt would: Write allocates nothing per feature.
func typeName(v any) string {
	switch v.(type) {
	case orb.Point:
		return "Point"
	case orb.MultiPoint:
		return "MultiPoint"
	case orb.LineString:
		return "LineString"
	case orb.MultiLineString:
		return "MultiLineString"
	case orb.Ring:
		return "Ring"
	case orb.Polygon:
		return "Polygon"
	case orb.MultiPolygon:
		return "MultiPolygon"
	case orb.Collection:
		return "Collection"
	case orb.Bound:
		return "Bound"
	}
	return reflect.TypeOf(v).String()
}

func goTypeFor(t FieldType) string {
	switch t {
	case String:
		return "string"
	case Integer:
		return "an integer"
	case Date, DateTime:
		return "time.Time"
	}
	return "a number"
}

// toInt64 converts any Go integer to int64; ok is false for other types.
func toInt64(v any) (n int64, ok bool, err error) {
	switch x := v.(type) {
	case int:
		return int64(x), true, nil
	case int64:
		return x, true, nil
	case int32:
		return int64(x), true, nil
	case int16:
		return int64(x), true, nil
	case int8:
		return int64(x), true, nil
	case uint8:
		return int64(x), true, nil
	case uint16:
		return int64(x), true, nil
	case uint32:
		return int64(x), true, nil
	case uint:
		if uint64(x) > math.MaxInt64 {
			return 0, true, fmt.Errorf("%d overflows a 64-bit integer", x)
		}
		return int64(x), true, nil
	case uint64:
		if x > math.MaxInt64 {
			return 0, true, fmt.Errorf("%d overflows a 64-bit integer", x)
		}
		return int64(x), true, nil
	}
	return 0, false, nil
}
