package tiles

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

// area returns the area of a clipped polygon set (exteriors minus holes).
func area(ps []orb.Polygon) float64 {
	var a float64
	for _, p := range ps {
		for _, r := range p {
			a += ringArea(r) / 2
		}
	}
	return a
}

func rect(x0, y0, x1, y1 float64) orb.Ring {
	return orb.Ring{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}
}

func reversed(r orb.Ring) orb.Ring {
	r = r.Clone()
	r.Reverse()
	return r
}

func TestClipPolygon(t *testing.T) {
	const lo, hi = -Buffer, Extent + Buffer // the clip box
	side := float64(hi - lo)
	for _, tc := range []struct {
		name     string
		poly     orb.Polygon
		pieces   int
		area     float64
		holes    int
		boundsOf orb.Bound // of the first piece, when pieces > 0
	}{
		{"square across the right edge", orb.Polygon{rect(4000, 100, 5000, 200)}, 1, 352 * 100, 0,
			orb.Bound{Min: orb.Point{4000, 100}, Max: orb.Point{4352, 200}}},
		{"arch whose top is outside: two legs", orb.Polygon{{{0, -1000}, {400, -1000}, {400, 100}, {300, 100}, {300, -900}, {100, -900}, {100, 100}, {0, 100}, {0, -1000}}},
			2, 2 * 100 * 356, 0, orb.Bound{}},
		{"covers the box, hole inside", orb.Polygon{rect(-9000, -9000, 9000, 9000), reversed(rect(100, 100, 200, 200))},
			1, side*side - 100*100, 1, orb.Bound{Min: orb.Point{lo, lo}, Max: orb.Point{hi, hi}}},
		{"covers the box, hole across its edge", orb.Polygon{rect(-9000, -9000, 9000, 9000), reversed(rect(-1000, 100, 200, 200))},
			1, side*side - 456*100, 0, orb.Bound{Min: orb.Point{lo, lo}, Max: orb.Point{hi, hi}}},
		{"L around a corner, outside", orb.Polygon{{{-2000, -2000}, {6000, -2000}, {6000, -1000}, {-1000, -1000}, {-1000, 6000}, {-2000, 6000}, {-2000, -2000}}},
			0, 0, 0, orb.Bound{}},
		{"box inside a hole", orb.Polygon{rect(-9000, -9000, 9000, 9000), reversed(rect(-8000, -8000, 8000, 8000))}, 0, 0, 0, orb.Bound{}},
		{"inside whole but one vertex", orb.Polygon{{{0, 0}, {4400, 0}, {100, 100}, {0, 0}}}, 1, 0, 0, orb.Bound{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if a := ringArea(tc.poly[0]); a <= 0 {
				t.Fatalf("test polygon's exterior has area %v", a)
			}
			got := clipPolygon(tc.poly)
			if len(got) != tc.pieces {
				t.Fatalf("%d pieces, want %d: %v", len(got), tc.pieces, got)
			}
			holes := 0
			for _, p := range got {
				holes += len(p) - 1
				for i, r := range p {
					if r[0] != r[len(r)-1] || len(r) < 4 {
						t.Errorf("ring %d not closed or too short: %v", i, r)
					}
					if a := ringArea(r); (i == 0) != (a > 0) {
						t.Errorf("ring %d has area %v", i, a)
					}
					for _, q := range r {
						if q[0] != math.Round(q[0]) || q[1] != math.Round(q[1]) || q[0] < lo || q[0] > hi || q[1] < lo || q[1] > hi {
							t.Errorf("vertex %v off the grid or outside the box", q)
						}
					}
				}
			}
			if holes != tc.holes {
				t.Errorf("%d holes, want %d", holes, tc.holes)
			}
			if tc.area > 0 && math.Abs(area(got)-tc.area) > 1 {
				t.Errorf("area %v, want %v", area(got), tc.area)
			}
			if tc.boundsOf != (orb.Bound{}) && got[0][0].Bound() != tc.boundsOf {
				t.Errorf("bounds %v, want %v", got[0][0].Bound(), tc.boundsOf)
			}
		})
	}
}

func TestSimplify0(t *testing.T) {
	for _, tc := range []struct {
		name    string
		in, out orb.LineString
	}{
		{"straight run", orb.LineString{{0, 0}, {1, 0}, {2, 0}, {3, 0}}, orb.LineString{{0, 0}, {3, 0}}},
		{"corner kept", orb.LineString{{0, 0}, {2, 0}, {2, 2}}, orb.LineString{{0, 0}, {2, 0}, {2, 2}}},
		{"spike tip dropped", orb.LineString{{0, 0}, {5, 0}, {2, 0}, {2, 3}}, orb.LineString{{0, 0}, {5, 0}, {2, 0}, {2, 3}}},
		{"out and back collapses", orb.LineString{{0, 0}, {100, 0}, {0, 0}}, orb.LineString{{0, 0}}},
		{"two points", orb.LineString{{0, 0}, {1, 1}}, orb.LineString{{0, 0}, {1, 1}}},
	} {
		got := orb.LineString(simplify0(tc.in.Clone()))
		if !got.Equal(tc.out) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.out)
		}
	}
	if !collapsed(orb.LineString{{1, 1}}) || !collapsed(orb.LineString{{1, 1}, {1, 1}}) || collapsed(orb.LineString{{1, 1}, {1, 2}}) {
		t.Error("collapsed")
	}
}

func TestTileLine(t *testing.T) {
	b := tileBound(maptile.New(0, 0, 1)) // the north-west quarter of the world
	a := newAffine(b)
	unit := (b.Max[0] - b.Min[0]) / Extent
	at := func(x, y float64) orb.Point { return orb.Point{b.Min[0] + x*unit, b.Max[1] - y*unit} }
	// A line from inside the tile out past the right buffer: clipped at 4352.
	got := tileLine(nil, orb.LineString{at(100, 100), at(5000, 100)}, a)
	if len(got) != 1 || !got[0].Equal(orb.LineString{{100, 100}, {4352, 100}}) {
		t.Errorf("clipped line %v", got)
	}
	// Vertices 0.4 units apart snap together; the line collapses.
	if got := tileLine(nil, orb.LineString{at(10, 10), at(10.4, 10)}, a); len(got) != 0 {
		t.Errorf("collapsed line %v", got)
	}
	if q, ok := tilePoint(at(-256.4, 7), a); !ok || q != (orb.Point{-256, 7}) {
		t.Errorf("point in the buffer: %v %v", q, ok)
	}
	if _, ok := tilePoint(at(-257, 7), a); ok {
		t.Error("point beyond the buffer kept")
	}
}

func TestCheckLayers(t *testing.T) {
	base := func() []Layer { return DefaultLayers() }
	for _, tc := range []struct {
		name   string
		change func([]Layer) []Layer
		says   string
	}{
		{"none", func([]Layer) []Layer { return nil }, "no layers"},
		{"upper case", func(l []Layer) []Layer { l[0].Name = "Admin"; return l }, "name"},
		{"reserved", func(l []Layer) []Layer { l[0].Name = "all"; return l }, "name"},
		{"twice", func(l []Layer) []Layer { return append(l, l[0]) }, "twice"},
		{"geometry", func(l []Layer) []Layer { l[0].Geometry = "raster"; return l }, "geometry"},
		{"zooms", func(l []Layer) []Layer { l[0].MinZoom = 15; return l }, "zooms"},
		{"field type", func(l []Layer) []Layer { l[0].Fields[0].Type = "Date"; return l }, "type"},
		{"field id", func(l []Layer) []Layer { l[0].Fields[0].Name = "id"; return l }, "field"},
	} {
		err := checkLayers(tc.change(base()))
		if err == nil || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("%s: %v, want an error about %s", tc.name, err, tc.says)
		}
	}
	if err := checkLayers(base()); err != nil {
		t.Errorf("default layers: %v", err)
	}
	if _, err := NewPostGIS(nil, "tasi", nil); err == nil {
		t.Error("NewPostGIS without a pool succeeded")
	}
}

func TestLevelFor(t *testing.T) {
	for z, want := range map[int]Level{0: Low, 6: Low, 7: Mid, 10: Mid, 11: Full, 22: Full} {
		if got := LevelFor(z); got != want {
			t.Errorf("zoom %d: level %d, want %d", z, got, want)
		}
	}
}

// square returns a layer of one feature: a 1 km square polygon near Dili.
func square(props ...any) Layer {
	c := mercator(dili)
	return Layer{
		Name: "zones", Geometry: Polygon, MinZoom: 0, MaxZoom: 14,
		Fields: []Field{{Name: "name", Type: String}, {Name: "risk", Type: Number}},
		Memory: func(*Dataset) ([]Feature, error) {
			return []Feature{{ID: 7, Props: props, Geometry: orb.Polygon{rect(c[0], c[1], c[0]+1000, c[1]+1000)}}}, nil
		},
	}
}

func TestNewMemory(t *testing.T) {
	for _, tc := range []struct {
		name  string
		run   int64
		layer Layer
		says  string
	}{
		{"run id", 0, square("a", 1.0), "run id"},
		{"too few values", 1, square("a"), "1 values for 2 fields"},
		{"wrong type", 1, square(1.0, 1.0), "field name"},
		{"wrong geometry", 1, func() Layer { l := square("a", 1.0); l.Geometry = Point; return l }(), "polygon geometry in a point layer"},
	} {
		_, err := NewMemory(Dataset{Run: Run{ID: tc.run}}, []Layer{tc.layer})
		if err == nil || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("%s: %v, want an error saying %q", tc.name, err, tc.says)
		}
	}
	m, err := NewMemory(Dataset{Run: Run{ID: 3}}, []Layer{square(nil, math.NaN())})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	b, err := m.Tile(ctx, 3, maptile.At(dili, 14), []string{"zones"})
	if err != nil {
		t.Fatal(err)
	}
	tile, err := decodeMVT(b)
	if err != nil {
		t.Fatal(err)
	}
	f := tile.Layers[0].Features[0]
	if f.ID != 7 || len(f.Props) != 0 || f.Type != 3 || len(f.Paths) != 1 {
		t.Errorf("feature %+v: want id 7, no properties (NULL and NaN), one ring", f)
	}
	if _, err := m.Tile(ctx, 4, maptile.At(dili, 14), []string{"zones"}); !errors.Is(err, ErrNoRun) {
		t.Errorf("other run: %v", err)
	}
	if _, err := m.Tile(ctx, 3, maptile.At(dili, 14), []string{"nope"}); err == nil {
		t.Error("unknown layer accepted")
	}
	if _, err := m.Tile(ctx, 3, maptile.New(9, 0, 2), []string{"zones"}); err == nil {
		t.Error("tile out of range accepted")
	}
	if r, _ := m.Latest(ctx); r.ID != 3 || r.Bounds != (orb.Bound{}) {
		t.Errorf("latest %+v (a layer not per run adds no bounds)", r)
	}
}
