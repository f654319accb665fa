package tiles

import (
	"context"
	"fmt"

	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/project"
	"github.com/tasi-gis/tasi/data"
	"github.com/tasi-gis/tasi/data/places"
)

// Zooms from which each level of place is in the places layer: a map shows the
// municipalities first, then their postos, sucos and settlements as it zooms in, and
// MapLibre's own collision detection sorts out the labels of one zoom.
const (
	MunicipalityZoom = 7
	PostoZoom        = 9
	SucoZoom         = 11
	LocalityZoom     = 12
)

// placeZoom returns the lowest zoom a place of level is in tiles at.
func placeZoom(level places.Level) int64 {
	switch level {
	case places.Municipality:
		return MunicipalityZoom
	case places.Posto:
		return PostoZoom
	case places.Suco:
		return SucoZoom
	}
	return LocalityZoom
}

// ContextLayers returns the layers that show where a run is, the same whatever the run
// and the store: the bundled Estrada roads (roads) and the labels of places (places).
// They are bundled reference data, cut in memory from Dataset.Roads and Dataset.Places in
// both modes (see WithContext), so they have no PostGIS table.
func ContextLayers() []Layer {
	return []Layer{
		{
			Name:        "roads",
			Description: "National, municipal and other roads of the Estrada network (" + data.RoadsCredit + ").",
			Geometry:    LineString,
			MinZoom:     5, MaxZoom: 14,
			Fields: []Field{
				{Name: "road_code", Type: String, Description: "road code, e.g. A01"},
				{Name: "road_class", Type: String, Description: "national, municipal or other"},
				{Name: "length_km", Type: Number, Description: "length as the source states it, km"},
			},
			Simplify: [3]float64{0, 100, 1000},
			Memory:   roadFeatures,
		},
		{
			Name: "places",
			Description: fmt.Sprintf("Label points of places: municipalities from zoom %d, postos from %d, sucos from %d (a point inside each "+
				"unit, its pole of inaccessibility) and the gazetteer's settlements from %d.", MunicipalityZoom, PostoZoom, SucoZoom, LocalityZoom),
			Geometry: Point,
			MinZoom:  MunicipalityZoom, MaxZoom: 14,
			Fields: []Field{
				{Name: "name", Type: String},
				{Name: "level", Type: String, Description: "municipality, posto, suco or locality"},
				{Name: "pcode", Type: String, Description: "P-code of a unit; absent for a locality"},
				{Name: "kind", Type: Number, Integer: true, Description: "a locality's kind: 1 municipality capital, 2 posto capital, 3 suco centre, 4 other"},
				{Name: "population", Type: Number, Integer: true, Description: "Census 2015 (summed over the sucos of a posto or municipality); absent for a locality"},
				{Name: "minzoom", Type: Number, Integer: true, Description: "lowest zoom the place is in tiles at"},
			},
			ZoomField: "minzoom",
			Memory:    placeFeatures,
		},
	}
}

func roadFeatures(d *Dataset) ([]Feature, error) {
	out := make([]Feature, len(d.Roads))
	for i, r := range d.Roads {
		out[i] = Feature{
			ID:       uint64(i + 1),
			Props:    []any{r.Code, r.Class, r.LengthKm},
			Geometry: project.MultiLineString(r.Line.Clone(), mercator),
		}
	}
	return out, nil
}

func placeFeatures(d *Dataset) ([]Feature, error) {
	out := make([]Feature, len(d.Places))
	for i, p := range d.Places {
		var kind any
		if p.Level == places.Locality {
			kind = int64(p.Kind)
		}
		out[i] = Feature{
			ID:       uint64(i + 1),
			Props:    []any{p.Name, string(p.Level), data.NullString(p.Code), kind, data.NullCount(p.Population), placeZoom(p.Level)},
			Geometry: mercator(p.Point),
		}
	}
	return out, nil
}

// contextRun is the run id under which the context layers are held: they belong to none.
const contextRun = 1

// Context holds the context layers of ContextLayers, cut in memory, for WithContext.
type Context struct {
	mem *Memory
}

// NewContext indexes the roads and places to draw around every run (data.Roads and
// places.FromReference of the bundled data).
func NewContext(roads []data.Road, named []places.Place) (*Context, error) {
	m, err := NewMemory(Dataset{Run: Run{ID: contextRun}, Roads: roads, Places: named}, ContextLayers())
	if err != nil {
		return nil, fmt.Errorf("context layers: %w", err)
	}
	return &Context{mem: m}, nil
}

// WithContext returns a Source serving the layers of src and, after them, the context
// layers of c, cut in memory whichever store src reads: the roads and places are bundled
// reference data, the same for every run, and need no table in the database. A tile
// asking for both is src's tile followed by c's, which is one MVT tile holding the layers
// of both (a tile is a list of layers, and protobuf concatenates lists). It fails if src
// has a layer of the same name. A nil c adds nothing.
func WithContext(src Source, c *Context) (Source, error) {
	if c == nil {
		return src, nil
	}
	layers := append([]Layer(nil), src.Layers()...)
	own := make(map[string]bool, len(layers))
	for _, l := range layers {
		own[l.Name] = true
	}
	for _, l := range c.mem.Layers() {
		if own[l.Name] {
			return nil, fmt.Errorf("context layers: the source has a layer %s already", l.Name)
		}
		layers = append(layers, l)
	}
	if err := checkLayers(layers); err != nil {
		return nil, fmt.Errorf("context layers: %w", err)
	}
	return &withContext{Source: src, ctx: c.mem, layers: layers, own: own}, nil
}

// withContext is a Source with context layers; Latest and Run are src's.
type withContext struct {
	Source
	ctx    *Memory
	layers []Layer
	own    map[string]bool // names of the layers of Source
}

func (w *withContext) Layers() []Layer { return w.layers }

func (w *withContext) Tile(ctx context.Context, run int64, t maptile.Tile, layers []string) ([]byte, error) {
	var own, extra []string
	for _, name := range layers {
		if w.own[name] {
			own = append(own, name)
		} else {
			extra = append(extra, name)
		}
	}
	var tile []byte
	if len(own) > 0 {
		b, err := w.Source.Tile(ctx, run, t, own)
		if err != nil {
			return nil, err
		}
		tile = b
	}
	if len(extra) > 0 {
		b, err := w.ctx.Tile(ctx, contextRun, t, extra)
		if err != nil {
			return nil, err
		}
		tile = append(tile[:len(tile):len(tile)], b...) // a copy: src's bytes stay as they were
	}
	if len(tile) == 0 {
		return nil, nil
	}
	return tile, nil
}
