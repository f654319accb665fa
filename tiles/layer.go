package tiles

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/data"
	"github.com/tasi-gis/tasi/data/places"
	"github.com/tasi-gis/tasi/plan"
)

// GeometryType is the MVT geometry type of a layer's features.
type GeometryType string

// The geometry types of MVT 2.1 (multi-geometries are encoded as the same types).
const (
	Point      GeometryType = "point"
	LineString GeometryType = "line"
	Polygon    GeometryType = "polygon"
)

// FieldType is the type of a feature property, as TileJSON's vector_layers names it.
type FieldType string

// The field types of TileJSON vector_layers.
const (
	String  FieldType = "String"
	Number  FieldType = "Number"
	Boolean FieldType = "Boolean"
)

// Field is one property of a layer's features. Both sources encode a value of the Go type
// its FieldType implies (see Feature); a NULL or NaN value leaves the property out.
type Field struct {
	Name        string
	Type        FieldType
	Description string
	// Integer marks a Number field of whole numbers (counts, years, codes), encoded as
	// MVT uint or sint values. Other Number fields are measurements, encoded as 32-bit
	// float values: seven significant digits are far finer than anything tasi measures,
	// and they take half the bytes of doubles (a fifth off a tile of transects) and less
	// of PostgreSQL's time to encode.
	Integer bool
	// SQL is the expression giving the value in the layer's PostGIS query, over the
	// table alias t; empty means the column t.<Name>. It must have a type that ST_AsMVT
	// encodes as Type: text for String, an integer for an Integer Number, any number for
	// another Number (the query casts it to real), boolean for Boolean. The query runs
	// with DateStyle ISO, so a date cast to text reads YYYY-MM-DD.
	SQL string
}

// Level is a level of detail: the geometry a zoom range draws from.
type Level int

// The levels of detail, each stored (PostGIS) or built (Memory) once per layer.
const (
	Full Level = iota // zooms 11 and above
	Mid               // zooms 7 to 10: simplified by about a 256-pixel pixel at zoom 10
	Low               // zooms 0 to 6: simplified by about a pixel at zoom 7
)

// LevelFor returns the level of detail tiles of zoom z are cut from.
func LevelFor(z int) Level {
	switch {
	case z <= 6:
		return Low
	case z <= 10:
		return Mid
	}
	return Full
}

// Layer is one declarative entry of the tile layer registry: what the layer holds, and
// how each Source gets its features. Adding a layer is adding one Layer to the slice
// DefaultLayers returns (or to the one given to NewPostGIS and NewMemory).
type Layer struct {
	Name        string // URL path segment and MVT layer name: lower case letters, digits, _
	Description string
	Geometry    GeometryType
	// MinZoom is the lowest zoom with features: below it the layer's tiles are empty.
	// MaxZoom is the highest zoom TileJSON advertises; clients overzoom beyond it, and
	// the server still cuts tiles there if asked (up to MaxTileZoom).
	MinZoom, MaxZoom int
	Fields           []Field
	// Simplify is the Douglas-Peucker tolerance, in EPSG:3857 metres, of the geometry at
	// each Level. It must match how the PostGIS copies are made (see the migrations):
	// Memory simplifies with it, PostGIS reads the stored columns.
	Simplify [3]float64
	// Thin, when set, leaves the less important features of a dense layer out of its
	// low-zoom tiles, where they would only crowd the map and the tile.
	Thin *Thinning
	// ZoomField, when set, names an Integer Number field holding the lowest zoom each
	// feature is drawn at: tiles below it leave the feature out (places: municipalities
	// from zoom 7, settlements from 12). Features without the field are kept.
	ZoomField string
	// PostGIS says where the layer's rows are in the database.
	PostGIS Table
	// Memory returns the layer's features from an in-memory run (Dataset), with
	// geometry in EPSG:3857 at full detail, in the order of their ids.
	Memory func(*Dataset) ([]Feature, error)
}

// Thinning keeps only the features whose Number field Field is at most Max in tiles below
// zoom Below: for the gazetteer, only capitals and suco centres (kind ≤ 3) below zoom 10.
// Features without the field are kept.
type Thinning struct {
	Field string
	Max   float64
	Below int
}

// keeps reports whether a feature with properties props belongs in a tile at zoom z.
func (th *Thinning) keeps(z int, props map[string]any) bool {
	if th == nil || z >= th.Below {
		return true
	}
	switch v := props[th.Field].(type) {
	case float64:
		return v <= th.Max
	case float32:
		return float64(v) <= th.Max
	case int64:
		return float64(v) <= th.Max
	case uint64:
		return float64(v) <= th.Max
	}
	return true
}

// Table is where a layer's rows are in tasi's PostGIS schema. Every string is SQL written
// by the programmer, never user input: the only values that vary per request are the tile
// and the run, passed as $1 (z), $2 (x), $3 (y) and $4 (run id).
type Table struct {
	// Table is the table, in tasi's schema, aliased t in every expression.
	Table string
	// ID is the integer expression giving the stable feature id (t.unit, t.transect...).
	ID string
	// Geom names the EPSG:3857 geometry column of each Level, such as {"t.geom_3857",
	// "t.geom_3857_mid", "t.geom_3857_lo"}; an empty entry uses the Full one. Made valid
	// before they are stored, so that clipping cannot make a feature vanish.
	Geom [3]string
	// PerRun is true for tables holding rows of many runs in a run_id column.
	PerRun bool
	// Where is an extra condition on t, such as "t.source = 'bundled'"; may be empty.
	Where string
	// Pieces names a table holding the layer's geometry cut into small pieces, for long
	// lines whose bounding box covers many tiles: it has columns run_id, Key (the id of
	// the feature in Table), level (0 Full, 1 Mid, 2 Low) and geom (EPSG:3857). Pieces
	// are clipped, merged per feature and joined back to Table on t.<Key> = the id.
	// Geom is then unused. Empty when Table holds the geometry itself.
	Pieces, Key string
}

// Feature is one feature of a layer, as Memory sources return it.
type Feature struct {
	ID uint64
	// Props holds the values of the layer's Fields in order: string for String; int64
	// or uint64 for an Integer Number (encoded as MVT uint values when not negative,
	// sint values otherwise, as PostGIS does); float64 for another Number (encoded as
	// float32); bool for Boolean; nil, or a NaN float64, for NULL.
	Props []any
	// Geometry is in EPSG:3857 metres: orb.Point, orb.MultiPoint, orb.LineString,
	// orb.MultiLineString, orb.Polygon or orb.MultiPolygon as Layer.Geometry says.
	Geometry orb.Geometry
}

// Dataset is one run held in memory, such as a GeoPackage written by package gpkg, with
// the reference data for the layers that are not part of a run.
type Dataset struct {
	// Run describes the run; Run.ID must be positive and should change when the data
	// does (tile URLs naming it are cached for a year): see NewMemory.
	Run Run
	// Result is the run's result, geometry in its UTM zone.
	Result *analysis.Result
	// Reference is the reference data (localities, coastline), WGS84 lon/lat; nil
	// leaves the reference layers empty.
	Reference *data.Reference
	// Hazard is the run's forecast with its hazard zones, geometry in the run's UTM zone
	// (gpkg.ReadRun gives it); nil leaves the hazard layer empty.
	Hazard *plan.Hazard
	// Roads and Places are the context layers' data (ContextLayers), lon/lat.
	Roads  []data.Road
	Places []places.Place
}

var layerName = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// reserved are names that cannot be layers: the composite tile path and TileJSON name.
var reserved = map[string]bool{"all": true, "tasi": true}

// checkLayers reports the first problem with a layer registry.
func checkLayers(layers []Layer) error {
	if len(layers) == 0 {
		return errors.New("no layers")
	}
	seen := map[string]bool{}
	for i, l := range layers {
		if !layerName.MatchString(l.Name) || reserved[l.Name] {
			return fmt.Errorf("layer %d: name %q must match %s and not be all or tasi", i, l.Name, layerName)
		}
		if seen[l.Name] {
			return fmt.Errorf("layer %s: listed twice", l.Name)
		}
		seen[l.Name] = true
		switch l.Geometry {
		case Point, LineString, Polygon:
		default:
			return fmt.Errorf("layer %s: geometry %q is not point, line or polygon", l.Name, l.Geometry)
		}
		if l.MinZoom < 0 || l.MinZoom > l.MaxZoom || l.MaxZoom > MaxTileZoom {
			return fmt.Errorf("layer %s: zooms %d..%d outside 0..%d", l.Name, l.MinZoom, l.MaxZoom, MaxTileZoom)
		}
		fields := map[string]bool{"id": true, "geom": true} // the PostGIS query's own columns
		for _, f := range l.Fields {
			if !layerName.MatchString(f.Name) || fields[f.Name] {
				return fmt.Errorf("layer %s: field %q: bad or duplicate name", l.Name, f.Name)
			}
			fields[f.Name] = true
			switch f.Type {
			case String, Number, Boolean:
				if f.Integer && f.Type != Number {
					return fmt.Errorf("layer %s: field %s: only a Number can be Integer", l.Name, f.Name)
				}
			default:
				return fmt.Errorf("layer %s: field %s: type %q is not String, Number or Boolean", l.Name, f.Name, f.Type)
			}
		}
		if z := l.ZoomField; z != "" {
			i := slices.IndexFunc(l.Fields, func(f Field) bool { return f.Name == z })
			if i < 0 || !l.Fields[i].Integer {
				return fmt.Errorf("layer %s: zoom field %q is not an Integer Number field", l.Name, z)
			}
		}
		if th := l.Thin; th != nil {
			i := slices.IndexFunc(l.Fields, func(f Field) bool { return f.Name == th.Field })
			if i < 0 || l.Fields[i].Type != Number || math.IsNaN(th.Max) || th.Below <= l.MinZoom || th.Below > MaxTileZoom {
				return fmt.Errorf("layer %s: thinning by %q below zoom %d needs a Number field and a zoom above MinZoom", l.Name, th.Field, th.Below)
			}
		}
	}
	return nil
}
