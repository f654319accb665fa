package tiles

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"sync"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
	"github.com/tasi-gis/tasi/data"
	"github.com/tasi-gis/tasi/data/places"
)

// bundledContext is the context of the bundled roads and places, made once per test binary.
var bundledContext = sync.OnceValues(func() (*contextFixture, error) {
	ref, err := data.TimorLeste()
	if err != nil {
		return nil, err
	}
	named, err := places.FromReference(ref)
	if err != nil {
		return nil, err
	}
	roads, err := data.Roads()
	if err != nil {
		return nil, err
	}
	c, err := NewContext(roads, named)
	if err != nil {
		return nil, err
	}
	return &contextFixture{ctx: c, roads: roads, places: named}, nil
})

type contextFixture struct {
	ctx    *Context
	roads  []data.Road
	places []places.Place
}

func contextData(t testing.TB) *contextFixture {
	t.Helper()
	c, err := bundledContext()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// withContextSources returns every source of sources(t) with the bundled context layers.
func withContextSources(t *testing.T) map[string]struct {
	src Source
	run int64
} {
	c := contextData(t)
	out := sources(t)
	for name, s := range out {
		w, err := WithContext(s.src, c.ctx)
		if err != nil {
			t.Fatal(err)
		}
		s.src = w
		out[name] = s
	}
	return out
}

// findPlace returns the place of level named name.
func findPlace(t *testing.T, level places.Level, name string) places.Place {
	t.Helper()
	for _, p := range contextData(t).places {
		if p.Level == level && p.Name == name {
			return p
		}
	}
	t.Fatalf("no %s %s", level, name)
	return places.Place{}
}

// layerValues returns the values of field in the features of layer in tile b.
func layerValues(t *testing.T, b []byte, layers []Layer, layer, field string) []string {
	t.Helper()
	tile := checkTile(t, b, layers)
	var out []string
	for _, l := range tile.Layers {
		if l.Name != layer {
			continue
		}
		for _, f := range l.Features {
			if v, ok := f.Props[field].(string); ok {
				out = append(out, v)
			}
		}
	}
	sort.Strings(out)
	return out
}

func TestContextTiles(t *testing.T) {
	c := contextData(t)
	comoro := findPlace(t, places.Suco, "Comoro")
	// The zoom-12 tile holding Comoro's label point, in the west of Dili.
	z12 := maptile.At(comoro.Point, 12)
	// Roads that have a vertex in the tile, which the tile must hold (it may hold more:
	// roads that only cross it, and those within its buffer).
	var wantRoads []string
	b := z12.Bound()
	for _, r := range c.roads {
		if slices.ContainsFunc(r.Line[0], func(p orb.Point) bool { return b.Contains(p) }) {
			wantRoads = append(wantRoads, r.Code)
		}
	}
	if !slices.Contains(wantRoads, "A01") {
		t.Fatalf("test premise: road A01 (Dili–Baucau) has no vertex in the tile of Comoro %v: %v", z12, wantRoads)
	}
	for name, s := range withContextSources(t) {
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			tile, err := s.src.Tile(ctx, s.run, z12, []string{"admin", "roads", "places"})
			if err != nil {
				t.Fatal(err)
			}
			layers := s.src.Layers()
			roads := layerValues(t, tile, layers, "roads", "road_code")
			for _, code := range wantRoads {
				if !slices.Contains(roads, code) {
					t.Errorf("road %s missing: %v", code, roads)
				}
			}
			names := layerValues(t, tile, layers, "places", "name")
			for _, want := range []string{"Comoro", "Dom Aleixo", "Bairro Pite"} {
				if !slices.Contains(names, want) {
					t.Errorf("place %s missing: %v", want, names)
				}
			}
			levels := layerValues(t, tile, layers, "places", "level")
			if !slices.Contains(levels, "locality") {
				t.Errorf("no locality at zoom 12: levels %v", slices.Compact(levels))
			}
			if admin := layerValues(t, tile, layers, "admin", "name"); len(admin) == 0 {
				t.Error("the run's own admin layer is missing beside the context layers")
			}
			// By zoom: each place from its level's zoom on, in the tile of its label point,
			// and only the levels of that zoom.
			allowed := func(z maptile.Zoom) []string {
				var out []string
				for _, l := range []places.Level{places.Municipality, places.Posto, places.Suco, places.Locality} {
					if int64(z) >= placeZoom(l) {
						out = append(out, string(l))
					}
				}
				return out
			}
			for _, p := range []places.Place{findPlace(t, places.Municipality, "Dili"), findPlace(t, places.Posto, "Dom Aleixo"), comoro} {
				for z := maptile.Zoom(placeZoom(p.Level) - 1); z <= maptile.Zoom(placeZoom(p.Level)+1); z++ {
					b, err := s.src.Tile(ctx, s.run, maptile.At(p.Point, z), []string{"places"})
					if err != nil {
						t.Fatal(err)
					}
					names := layerValues(t, b, layers, "places", "name")
					if got, want := slices.Contains(names, p.Name), int64(z) >= placeZoom(p.Level); got != want {
						t.Errorf("%s %s at zoom %d: in the tile %v, want %v", p.Level, p.Name, z, got, want)
					}
					for _, level := range layerValues(t, b, layers, "places", "level") {
						if !slices.Contains(allowed(z), level) {
							t.Errorf("zoom %d: a %s", z, level)
						}
					}
				}
			}
		})
	}
}

func TestContextTileJSON(t *testing.T) {
	w, err := WithContext(memorySource(t), contextData(t).ctx)
	if err != nil {
		t.Fatal(err)
	}
	rec := get(t, NewHandler(w, Options{}), "/tiles/tasi.json")
	var tj TileJSON
	if err := json.Unmarshal(rec.Body.Bytes(), &tj); err != nil || rec.Code != 200 {
		t.Fatalf("%d %v", rec.Code, err)
	}
	byID := map[string]VectorLayer{}
	for _, l := range tj.VectorLayers {
		byID[l.ID] = l
	}
	want := map[string]struct {
		min    int
		fields map[string]string
	}{
		"roads":  {5, map[string]string{"road_code": "String", "road_class": "String", "length_km": "Number"}},
		"places": {7, map[string]string{"name": "String", "level": "String", "pcode": "String", "kind": "Number", "population": "Number", "minzoom": "Number"}},
	}
	for id, w := range want {
		l, ok := byID[id]
		if !ok || l.MinZoom != w.min || l.MaxZoom != 14 || fmt.Sprint(l.Fields) != fmt.Sprint(w.fields) || l.Description == "" {
			t.Errorf("%s: %+v, want fields %v from zoom %d", id, l, w.fields, w.min)
		}
	}
	if len(tj.VectorLayers) != len(DefaultLayers())+2 {
		t.Errorf("%d vector layers, want the %d of the run and 2", len(tj.VectorLayers), len(DefaultLayers()))
	}
	// One context layer on its own.
	if rec := get(t, NewHandler(w, Options{}), "/tiles/roads/12/3526/2170.mvt"); rec.Code != 200 && rec.Code != 204 {
		t.Errorf("roads tile: %d %s", rec.Code, rec.Body)
	}
}

func TestWithContextClash(t *testing.T) {
	c := contextData(t)
	w, err := WithContext(memorySource(t), c.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := WithContext(w, c.ctx); err == nil {
		t.Error("context layers added twice: no error")
	}
}
