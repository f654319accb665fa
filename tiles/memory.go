package tiles

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/simplify"
)

// chunkVertices is the most vertices of one indexed piece of a line, as in PostGIS's
// shoreline_tiles: long lines are cut so that a tile touches only the pieces near it.
const chunkVertices = 256

// Memory cuts tiles in process from one run held in memory (the embedded GeoPackage
// store): features are projected to EPSG:3857 and simplified once per level of detail
// when it is built, indexed on a grid, and each tile is clipped and encoded with orb's
// clip and encoding/mvt packages, following ST_AsMVTGeom step by step (see clip.go).
type Memory struct {
	run    Run
	layers []Layer
	byName map[string]int
	mem    []memLayer
}

type memLayer struct {
	ids    []uint64
	props  []geojson.Properties
	levels [3]*grid
}

// NewMemory indexes the features of every layer of d. layers is the registry; nil means
// DefaultLayers. d.Run.ID must be positive; for a GeoPackage, tasi derives it from the
// file's SHA-256 digest, so that tile URLs change when the file's content does. d.Run.Bounds is computed when zero.
func NewMemory(d Dataset, layers []Layer) (*Memory, error) {
	if layers == nil {
		layers = DefaultLayers()
	}
	if err := checkLayers(layers); err != nil {
		return nil, fmt.Errorf("memory tile source: %w", err)
	}
	if d.Run.ID <= 0 {
		return nil, fmt.Errorf("memory tile source: run id %d, want a positive one", d.Run.ID)
	}
	m := &Memory{run: d.Run, layers: layers, byName: map[string]int{}, mem: make([]memLayer, len(layers))}
	for i, l := range layers {
		m.byName[l.Name] = i
	}
	// Layers are made side by side, and then every level of every layer is indexed side
	// by side: the shorelines of a whole coast take most of the time, and a server cannot
	// answer before its run is indexed (issue 12).
	feats := make([][]Feature, len(layers))
	bounds := make([]orb.Bound, len(layers))
	errs := make([]error, len(layers))
	parallel(len(layers), func(i int) {
		if layers[i].Memory != nil {
			feats[i], bounds[i], errs[i] = m.mem[i].features(&layers[i], &d)
		}
	})
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("memory tile source: %w", err)
	}
	type task struct{ layer, level int }
	var tasks []task
	for i := range layers {
		for lv := range m.mem[i].levels {
			if feats[i] != nil && (lv == 0 || layers[i].Simplify[lv] != layers[i].Simplify[lv-1]) {
				tasks = append(tasks, task{i, lv})
			}
		}
	}
	// The largest first, so that the last to finish is a small one.
	slices.SortStableFunc(tasks, func(a, b task) int { return cmp.Compare(len(feats[b.layer]), len(feats[a.layer])) })
	parallel(len(tasks), func(k int) {
		t := tasks[k]
		m.mem[t.layer].levels[t.level] = newGrid(feats[t.layer], layers[t.layer].Simplify[t.level], Level(t.level))
	})
	all := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	for i := range layers {
		ml := &m.mem[i]
		for lv := 1; lv < len(ml.levels); lv++ {
			if ml.levels[lv] == nil {
				ml.levels[lv] = ml.levels[lv-1]
			}
		}
		if layers[i].PostGIS.PerRun {
			all = all.Union(bounds[i])
		}
	}
	if m.run.Bounds == (orb.Bound{}) && !all.IsEmpty() && !math.IsInf(all.Min[0], 0) {
		m.run.Bounds = orb.Bound{Min: lonLat(all.Min), Max: lonLat(all.Max)}
	}
	return m, nil
}

// features makes the features of layer l from d, with their ids and properties, and
// returns them with their bounds (empty and inverted when there are none).
func (ml *memLayer) features(l *Layer, d *Dataset) ([]Feature, orb.Bound, error) {
	bounds := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	feats, err := l.Memory(d)
	if err != nil {
		return nil, bounds, fmt.Errorf("layer %s: %w", l.Name, err)
	}
	ml.ids = make([]uint64, len(feats))
	ml.props = make([]geojson.Properties, len(feats))
	for k, f := range feats {
		if ml.props[k], err = properties(l, f); err != nil {
			return nil, bounds, fmt.Errorf("layer %s: feature %d: %w", l.Name, f.ID, err)
		}
		if err := checkGeometry(l.Geometry, f.Geometry); err != nil {
			return nil, bounds, fmt.Errorf("layer %s: feature %d: %w", l.Name, f.ID, err)
		}
		ml.ids[k] = f.ID
		if f.Geometry != nil {
			bounds = bounds.Union(f.Geometry.Bound())
		}
	}
	if feats == nil {
		feats = []Feature{}
	}
	return feats, bounds, nil
}

// parallel calls fn(0) … fn(n-1), as many at once as there are CPUs to run them.
func parallel(n int, fn func(i int)) {
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(n, runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for i := range next {
				fn(i)
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

// properties returns f's values as MVT properties, leaving out NULLs and NaNs.
func properties(l *Layer, f Feature) (geojson.Properties, error) {
	if len(f.Props) != len(l.Fields) {
		return nil, fmt.Errorf("%d values for %d fields", len(f.Props), len(l.Fields))
	}
	p := make(geojson.Properties, len(f.Props))
	for i, v := range f.Props {
		fd := l.Fields[i]
		ok := false
		switch v := v.(type) {
		case nil:
			continue
		case string:
			ok = fd.Type == String
		case bool:
			ok = fd.Type == Boolean
		case float64:
			if math.IsNaN(v) {
				continue
			}
			if fd.Type == Number && !fd.Integer {
				p[fd.Name] = float32(v)
				continue
			}
		case int64:
			ok = fd.Type == Number && fd.Integer
			if ok && v >= 0 { // PostGIS encodes integers that are not negative as uint values
				p[fd.Name] = uint64(v)
				continue
			}
		case uint64:
			ok = fd.Type == Number && fd.Integer
		}
		if !ok {
			return nil, fmt.Errorf("field %s: %T value for a %s field", fd.Name, v, fd.Type)
		}
		p[fd.Name] = v
	}
	return p, nil
}

func checkGeometry(want GeometryType, g orb.Geometry) error {
	var got GeometryType
	switch g.(type) {
	case nil:
		return nil
	case orb.Point, orb.MultiPoint:
		got = Point
	case orb.LineString, orb.MultiLineString:
		got = LineString
	case orb.Polygon, orb.MultiPolygon:
		got = Polygon
	default:
		return fmt.Errorf("unsupported geometry %T", g)
	}
	if got != want {
		return fmt.Errorf("%s geometry in a %s layer", got, want)
	}
	return nil
}

// Layers returns the layer registry.
func (m *Memory) Layers() []Layer { return m.layers }

// Latest returns the run.
func (m *Memory) Latest(context.Context) (Run, error) { return m.run, nil }

// Run returns the run if id names it.
func (m *Memory) Run(_ context.Context, id int64) (Run, error) {
	if id != m.run.ID {
		return Run{}, fmt.Errorf("run %d: %w", id, ErrNoRun)
	}
	return m.run, nil
}

// Tile cuts tile t with the named layers.
func (m *Memory) Tile(ctx context.Context, run int64, t maptile.Tile, layers []string) ([]byte, error) {
	if run != m.run.ID {
		return nil, fmt.Errorf("tile %d/%d/%d: run %d: %w", t.Z, t.X, t.Y, run, ErrNoRun)
	}
	if !validTile(t) {
		return nil, fmt.Errorf("tile %d/%d/%d: out of range", t.Z, t.X, t.Y)
	}
	use := make([]int, 0, len(layers))
	for _, name := range layers {
		i, ok := m.byName[name]
		if !ok {
			return nil, fmt.Errorf("tile %d/%d/%d: unknown layer %q", t.Z, t.X, t.Y, name)
		}
		use = append(use, i)
	}
	slices.Sort(use)
	use = slices.Compact(use)
	var out mvt.Layers
	for _, i := range use {
		l := &m.layers[i]
		if int(t.Z) < l.MinZoom || m.mem[i].levels[0] == nil {
			continue
		}
		feats, err := m.mem[i].cut(ctx, l.Geometry, t)
		if err != nil {
			return nil, fmt.Errorf("tile %d/%d/%d: layer %s: %w", t.Z, t.X, t.Y, l.Name, err)
		}
		if l.Thin != nil {
			feats = slices.DeleteFunc(feats, func(f *geojson.Feature) bool { return !l.Thin.keeps(int(t.Z), f.Properties) })
		}
		if l.ZoomField != "" {
			feats = slices.DeleteFunc(feats, func(f *geojson.Feature) bool {
				z, ok := f.Properties[l.ZoomField].(uint64)
				return ok && z > uint64(t.Z)
			})
		}
		if len(feats) > 0 {
			out = append(out, &mvt.Layer{Name: l.Name, Version: 2, Extent: Extent, Features: feats})
		}
	}
	if len(out) == 0 {
		return nil, nil
	}
	b, err := mvt.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("tile %d/%d/%d: encode: %w", t.Z, t.X, t.Y, err)
	}
	return b, nil
}

// cut returns the features of the layer in tile t, in tile coordinates, by id.
func (ml *memLayer) cut(ctx context.Context, kind GeometryType, t maptile.Tile) ([]*geojson.Feature, error) {
	g := ml.levels[LevelFor(int(t.Z))]
	tb := tileBound(t)
	a := newAffine(tb)
	parts := map[int32]*collected{}
	var order []int32
	n := 0
	var err error
	g.search(floatBound(bufferedBound(t)), func(pc *piece) bool {
		if n++; n%4096 == 0 {
			if err = ctx.Err(); err != nil {
				return false
			}
		}
		c := parts[pc.feature]
		if c == nil {
			c = &collected{}
			parts[pc.feature] = c
			order = append(order, pc.feature)
		}
		switch geom := pc.geom.(type) {
		case orb.Point:
			if q, ok := tilePoint(geom, a); ok {
				c.points = append(c.points, q)
			}
		case orb.LineString:
			c.lines = tileLine(c.lines, geom, a)
		case orb.Polygon:
			c.polygons = tilePolygon(c.polygons, geom, a)
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(order)
	out := make([]*geojson.Feature, 0, len(order))
	for _, f := range order {
		c := parts[f]
		var geom orb.Geometry
		switch kind {
		case Point:
			switch len(c.points) {
			case 0:
			case 1:
				geom = c.points[0]
			default:
				geom = c.points
			}
		case LineString:
			lines := mergeLines(c.lines)
			switch len(lines) {
			case 0:
			case 1:
				geom = lines[0]
			default:
				geom = lines
			}
		case Polygon:
			switch len(c.polygons) {
			case 0:
			case 1:
				geom = c.polygons[0]
			default:
				geom = c.polygons
			}
		}
		if geom == nil {
			continue
		}
		out = append(out, &geojson.Feature{ID: ml.ids[f], Geometry: geom, Properties: ml.props[f]})
	}
	return out, nil
}

// collected holds one feature's geometry in a tile as its pieces come in.
type collected struct {
	points   orb.MultiPoint
	lines    orb.MultiLineString
	polygons orb.MultiPolygon
}

// bufferedBound returns the EPSG:3857 bounds of tile t grown by Buffer, as
// ST_TileEnvelope(z, x, y, margin => Buffer/Extent) computes them: y is clamped to the
// world, and x too where the grown tile is wider than the world (zoom 0).
func bufferedBound(t maptile.Tile) orb.Bound {
	const (
		half   = math.Pi * earthRadius
		margin = float64(Buffer) / Extent
	)
	n := float64(uint64(1) << t.Z)
	size := 2 * half / n
	b := orb.Bound{
		Min: orb.Point{-half + size*(float64(t.X)-margin), max(-half, half-size*(float64(t.Y)+1+margin))},
		Max: orb.Point{-half + size*(float64(t.X)+1+margin), min(half, half-size*(float64(t.Y)-margin))},
	}
	if 1+2*margin > n {
		b.Min[0], b.Max[0] = -half, half
	}
	return b
}

// floatBound returns b rounded outwards to float32 values, as PostGIS keeps bounding
// boxes in its index and in stored geometries: the && filter passes what touches the
// rounded boxes, up to a metre beyond a tile's buffer at Timor-Leste's coordinates.
func floatBound(b orb.Bound) orb.Bound {
	down := func(v float64) float64 {
		f := float32(v)
		if float64(f) > v {
			f = math.Nextafter32(f, float32(math.Inf(-1)))
		}
		return float64(f)
	}
	up := func(v float64) float64 {
		f := float32(v)
		if float64(f) < v {
			f = math.Nextafter32(f, float32(math.Inf(1)))
		}
		return float64(f)
	}
	return orb.Bound{Min: orb.Point{down(b.Min[0]), down(b.Min[1])}, Max: orb.Point{up(b.Max[0]), up(b.Max[1])}}
}

// piece is an indexed part of a feature: a point, a polygon, or up to chunkVertices
// vertices of a line (consecutive pieces of a line share their end points).
type piece struct {
	feature int32
	geom    orb.Geometry
	bound   orb.Bound
}

// grid indexes pieces by the cells of a regular grid their bounds overlap.
type grid struct {
	pieces []piece
	origin orb.Point
	cell   float64
	nx, ny int
	cells  [][]int32
	// scratch is where lines are simplified while the grid is built: Douglas-Peucker
	// works in place, and a simplified line keeps only a copy of the vertices it keeps,
	// not a clone of the whole line behind them (issue 12: two levels of the whole
	// coast's shorelines held 90 MB that way).
	scratch orb.LineString
}

// cellZoom is the zoom whose tile size is the grid cell at each level: about the size of
// the largest tiles that level serves, so that a tile looks at a few cells.
var cellZoom = [3]int{12, 9, 6}

// newGrid simplifies features with tolerance and indexes their pieces.
func newGrid(feats []Feature, tolerance float64, level Level) *grid {
	g := &grid{}
	dp := simplify.DouglasPeucker(tolerance)
	for i, f := range feats {
		g.add(int32(i), f.Geometry, tolerance, dp)
	}
	g.scratch = nil
	b := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	for _, p := range g.pieces {
		b = b.Union(p.bound)
	}
	if len(g.pieces) == 0 {
		return g
	}
	g.cell = 2 * math.Pi * earthRadius / float64(uint64(1)<<cellZoom[level])
	for {
		g.nx = int((b.Max[0]-b.Min[0])/g.cell) + 1
		g.ny = int((b.Max[1]-b.Min[1])/g.cell) + 1
		if g.nx*g.ny <= 1<<20 {
			break
		}
		g.cell *= 2
	}
	g.origin = b.Min
	g.cells = make([][]int32, g.nx*g.ny)
	for i := range g.pieces {
		x0, y0, x1, y1 := g.cellRange(g.pieces[i].bound)
		for y := y0; y <= y1; y++ {
			for x := x0; x <= x1; x++ {
				g.cells[y*g.nx+x] = append(g.cells[y*g.nx+x], int32(i))
			}
		}
	}
	return g
}

// add simplifies geom and appends its pieces.
func (g *grid) add(f int32, geom orb.Geometry, tolerance float64, dp *simplify.DouglasPeuckerSimplifier) {
	switch geom := geom.(type) {
	case orb.Point:
		g.pieces = append(g.pieces, piece{feature: f, geom: geom, bound: floatBound(geom.Bound())})
	case orb.MultiPoint:
		for _, p := range geom {
			g.add(f, p, tolerance, dp)
		}
	case orb.LineString:
		if tolerance > 0 && len(geom) > 2 {
			geom = g.simplified(geom, dp)
		}
		if collapsed(geom) { // as ST_Simplify drops a line reduced to one point
			return
		}
		for start := 0; start < len(geom)-1; start += chunkVertices - 1 {
			end := min(start+chunkVertices, len(geom))
			chunk := geom[start:end:end]
			g.pieces = append(g.pieces, piece{feature: f, geom: chunk, bound: floatBound(chunk.Bound())})
		}
	case orb.MultiLineString:
		for _, l := range geom {
			g.add(f, l, tolerance, dp)
		}
	case orb.Polygon:
		if tolerance > 0 {
			geom = g.simplifyPolygon(geom, dp)
		}
		g.pieces = append(g.pieces, piece{feature: f, geom: geom, bound: floatBound(geom.Bound())})
	case orb.MultiPolygon:
		for _, p := range geom {
			g.add(f, p, tolerance, dp)
		}
	}
}

// simplified returns l simplified by dp in a slice of its own, l unchanged.
func (g *grid) simplified(l orb.LineString, dp *simplify.DouglasPeuckerSimplifier) orb.LineString {
	g.scratch = append(g.scratch[:0], l...)
	return slices.Clone(dp.LineString(g.scratch))
}

// simplifyPolygon simplifies each ring of p, keeping a ring whole where simplifying would
// collapse it (as ST_SimplifyPreserveTopology, which PostGIS stores, never drops a ring).
func (g *grid) simplifyPolygon(p orb.Polygon, dp *simplify.DouglasPeuckerSimplifier) orb.Polygon {
	out := make(orb.Polygon, len(p))
	for i, r := range p {
		s := orb.Ring(g.simplified(orb.LineString(r), dp))
		if len(s) < 4 {
			s = r
		}
		out[i] = s
	}
	return out
}

// cellRange returns the cells b overlaps, clamped to the grid.
func (g *grid) cellRange(b orb.Bound) (x0, y0, x1, y1 int) {
	clamp := func(v float64, n int) int {
		if v < 0 {
			return 0
		}
		if v >= float64(n) {
			return n - 1
		}
		return int(v)
	}
	x0 = clamp((b.Min[0]-g.origin[0])/g.cell, g.nx)
	x1 = clamp((b.Max[0]-g.origin[0])/g.cell, g.nx)
	y0 = clamp((b.Min[1]-g.origin[1])/g.cell, g.ny)
	y1 = clamp((b.Max[1]-g.origin[1])/g.cell, g.ny)
	return
}

// search calls fn once for each piece whose bounds intersect b, until fn returns false.
func (g *grid) search(b orb.Bound, fn func(*piece) bool) {
	if len(g.pieces) == 0 {
		return
	}
	if b.Max[0] < g.origin[0] || b.Max[1] < g.origin[1] ||
		b.Min[0] > g.origin[0]+float64(g.nx)*g.cell || b.Min[1] > g.origin[1]+float64(g.ny)*g.cell {
		return
	}
	qx0, qy0, qx1, qy1 := g.cellRange(b)
	for y := qy0; y <= qy1; y++ {
		for x := qx0; x <= qx1; x++ {
			for _, i := range g.cells[y*g.nx+x] {
				p := &g.pieces[i]
				if !p.bound.Intersects(b) {
					continue
				}
				// Report a piece only in the first cell it shares with the query, so
				// that pieces spanning several cells come once.
				px0, py0, _, _ := g.cellRange(p.bound)
				if x != max(px0, qx0) || y != max(py0, qy0) {
					continue
				}
				if !fn(p) {
					return
				}
			}
		}
	}
}
