// Package raster holds gridded data for tasi: single-band grids of float32 values on a
// regular, north-up lattice in WGS 84 longitude/latitude (EPSG:4326, degrees, longitude
// first as everywhere in tasi), with NaN where the grid has no data.
//
// A Grid is plain data: it knows where its cells are (Centre, CellBound, Cell) and lets a
// consumer visit the cells that hold data inside a bound (Cells). What the values mean
// (people per cell for a population grid; later water indexes and thresholds for imagery)
// is the consumer's business, as is any distance in metres: cells are degrees, about
// 92 m × 92 m for a 0.000833° cell at 8.8° S.
//
// The package is pure Go and holds no state. Files are read into a Grid by raster/gdal,
// the only place that calls GDAL for rasters.
package raster

import (
	"errors"
	"fmt"
	"iter"
	"math"

	"github.com/paulmach/orb"
)

// Grid is a single-band, north-up grid in WGS 84 longitude/latitude (EPSG:4326).
//
// Cell (col, row) spans longitudes Origin[0]+col·CellWidth to Origin[0]+(col+1)·CellWidth
// and latitudes Origin[1]−(row+1)·CellHeight to Origin[1]−row·CellHeight: column 0 is the
// westernmost, row 0 the northernmost, as in a GeoTIFF. Its value is
// Values[row·Width+col], NaN where the grid has no data (the file's nodata value, a masked
// cell, or a NaN in the file).
type Grid struct {
	// Origin is the outer north-west corner of cell (0, 0): {lon, lat} in degrees.
	Origin orb.Point
	// CellWidth and CellHeight are the size of a cell in degrees of longitude and of
	// latitude, both positive (rows run south).
	CellWidth, CellHeight float64
	// Width and Height are the number of columns and of rows.
	Width, Height int
	// Values holds Width·Height values, row by row from the north, NaN for no data.
	Values []float32
}

// Cell names a cell of a Grid by column (west to east, from 0) and row (north to south,
// from 0).
type Cell struct{ Col, Row int }

// New returns a grid of width × height cells of cellWidth × cellHeight degrees whose
// north-west corner is origin ({lon, lat}), with every value NaN.
func New(origin orb.Point, cellWidth, cellHeight float64, width, height int) (*Grid, error) {
	g := &Grid{Origin: origin, CellWidth: cellWidth, CellHeight: cellHeight, Width: width, Height: height}
	if err := g.checkShape(); err != nil {
		return nil, err
	}
	g.Values = make([]float32, width*height)
	nan := float32(math.NaN())
	for i := range g.Values {
		g.Values[i] = nan
	}
	return g, nil
}

// maxCells bounds Width·Height so that the product fits an int on any platform.
const maxCells = math.MaxInt32

// checkShape checks everything Validate does but the length of Values.
func (g *Grid) checkShape() error {
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	switch {
	case !finite(g.Origin[0]) || !finite(g.Origin[1]):
		return fmt.Errorf("grid origin %v is not finite", g.Origin)
	case !finite(g.CellWidth) || !finite(g.CellHeight) || g.CellWidth <= 0 || g.CellHeight <= 0:
		return fmt.Errorf("grid cell size %g × %g degrees, want positive", g.CellWidth, g.CellHeight)
	case g.Width <= 0 || g.Height <= 0:
		return fmt.Errorf("grid of %d × %d cells, want at least 1 × 1", g.Width, g.Height)
	case g.Width > maxCells/g.Height:
		return fmt.Errorf("grid of %d × %d cells is too large", g.Width, g.Height)
	}
	north, south := g.Origin[1], g.Origin[1]-float64(g.Height)*g.CellHeight
	if north > 90.000001 || south < -90.000001 {
		return fmt.Errorf("grid spans latitudes %g to %g, outside -90 to 90", south, north)
	}
	if span := float64(g.Width) * g.CellWidth; span > 360.000001 {
		return fmt.Errorf("grid spans %g degrees of longitude, more than 360", span)
	}
	return nil
}

// ErrShape reports a grid whose fields do not describe a usable grid.
var ErrShape = errors.New("invalid grid")

// Validate reports, wrapping ErrShape, a grid whose origin is not finite, whose cells are
// not of positive size, that has no cell, that lies beyond the poles or wraps round the
// Earth more than once, or whose Values do not number Width·Height.
func (g *Grid) Validate() error {
	if err := g.checkShape(); err != nil {
		return fmt.Errorf("%w: %w", ErrShape, err)
	}
	if len(g.Values) != g.Width*g.Height {
		return fmt.Errorf("%w: %d values for %d × %d cells", ErrShape, len(g.Values), g.Width, g.Height)
	}
	return nil
}

// At returns the value of cell (col, row), NaN for no data. It panics when the cell is
// outside the grid, as indexing a slice does.
func (g *Grid) At(col, row int) float32 { return g.Values[g.index(col, row)] }

// Set sets the value of cell (col, row); NaN marks it as holding no data. It panics when
// the cell is outside the grid.
func (g *Grid) Set(col, row int, v float32) { g.Values[g.index(col, row)] = v }

func (g *Grid) index(col, row int) int {
	if col < 0 || col >= g.Width || row < 0 || row >= g.Height {
		panic(fmt.Sprintf("raster: cell (%d, %d) outside a grid of %d × %d", col, row, g.Width, g.Height))
	}
	return row*g.Width + col
}

// Centre returns the centre of cell (col, row), {lon, lat} in degrees. The cell need not be
// inside the grid: the lattice goes on.
func (g *Grid) Centre(col, row int) orb.Point {
	return orb.Point{
		g.Origin[0] + (float64(col)+0.5)*g.CellWidth,
		g.Origin[1] - (float64(row)+0.5)*g.CellHeight,
	}
}

// CellBound returns the extent of cell (col, row) in degrees.
func (g *Grid) CellBound(col, row int) orb.Bound {
	w, n := g.Origin[0]+float64(col)*g.CellWidth, g.Origin[1]-float64(row)*g.CellHeight
	return orb.Bound{Min: orb.Point{w, n - g.CellHeight}, Max: orb.Point{w + g.CellWidth, n}}
}

// Bound returns the extent of the whole grid in degrees, from the west edge of column 0 to
// the east edge of the last column and from the south edge of the last row to the north
// edge of row 0.
func (g *Grid) Bound() orb.Bound {
	return orb.Bound{
		Min: orb.Point{g.Origin[0], g.Origin[1] - float64(g.Height)*g.CellHeight},
		Max: orb.Point{g.Origin[0] + float64(g.Width)*g.CellWidth, g.Origin[1]},
	}
}

// unwrap returns lon, or lon ± 360 when that lies nearer the centre of the grid's longitude
// span: a grid over the antimeridian (west edge 179°, east edge 181°) and a point at
// −179.5° then meet.
func (g *Grid) unwrap(lon float64) float64 {
	mid := g.Origin[0] + float64(g.Width)*g.CellWidth/2
	for lon-mid > 180 {
		lon -= 360
	}
	for lon-mid < -180 {
		lon += 360
	}
	return lon
}

// Cell returns the cell holding p ({lon, lat} in degrees), and false when p lies outside the
// grid or is not finite. A cell holds its west and north edges, not its east and south ones,
// except along the grid's own east and south edges, which belong to the last column and
// row. Longitudes are taken modulo 360, so a grid over the antimeridian finds −179.5° and
// 180.5° alike.
func (g *Grid) Cell(p orb.Point) (col, row int, ok bool) {
	if math.IsNaN(p[0]) || math.IsNaN(p[1]) || math.IsInf(p[0], 0) || math.IsInf(p[1], 0) {
		return 0, 0, false
	}
	x := (g.unwrap(p[0]) - g.Origin[0]) / g.CellWidth
	y := (g.Origin[1] - p[1]) / g.CellHeight
	if x < 0 || y < 0 || x > float64(g.Width) || y > float64(g.Height) {
		return 0, 0, false
	}
	return min(int(x), g.Width-1), min(int(y), g.Height-1), true
}

// Cells returns the cells whose centre lies inside b (edges included) and whose value is
// not NaN, with their values, row by row from the north and west to east within a row. b is
// {lon, lat} in degrees; it is shifted by 360° when that brings it over the grid (see Cell).
// Visiting the cells of a bound costs time in the number of cells it covers, data or not.
func (g *Grid) Cells(b orb.Bound) iter.Seq2[Cell, float32] {
	return func(yield func(Cell, float32) bool) {
		if math.IsNaN(b.Min[0]) || math.IsNaN(b.Min[1]) || math.IsNaN(b.Max[0]) || math.IsNaN(b.Max[1]) {
			return
		}
		west, east := b.Min[0], b.Max[0]
		if mid := (west + east) / 2; !math.IsNaN(mid) && !math.IsInf(mid, 0) {
			shift := g.unwrap(mid) - mid
			west, east = west+shift, east+shift
		}
		// Centre of column c: Origin[0] + (c+0.5)·CellWidth ≥ west ⇔ c ≥ (west−Origin[0])/CellWidth − 0.5.
		c0 := max(0, ceilIndex((west-g.Origin[0])/g.CellWidth-0.5))
		c1 := min(g.Width-1, floorIndex((east-g.Origin[0])/g.CellWidth-0.5))
		r0 := max(0, ceilIndex((g.Origin[1]-b.Max[1])/g.CellHeight-0.5))
		r1 := min(g.Height-1, floorIndex((g.Origin[1]-b.Min[1])/g.CellHeight-0.5))
		for row := r0; row <= r1; row++ {
			vals := g.Values[row*g.Width : (row+1)*g.Width]
			for col := c0; col <= c1; col++ {
				if v := vals[col]; v == v { // not NaN
					if !yield(Cell{col, row}, v) {
						return
					}
				}
			}
		}
	}
}

// ceilIndex and floorIndex round a cell coordinate, clamping infinities and huge values to
// a range that cannot overflow an int.
func ceilIndex(x float64) int  { return int(math.Max(-1, math.Min(maxCells, math.Ceil(x)))) }
func floorIndex(x float64) int { return int(math.Max(-1, math.Min(maxCells, math.Floor(x)))) }
