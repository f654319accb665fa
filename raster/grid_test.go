package raster_test

import (
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/raster"
)

// small is a 4 × 3 grid of 0.5° cells whose north-west corner is (10°E, 2°N):
//
//	row 0 (2.0 to 1.5°N):   1   NaN   2    0
//	row 1 (1.5 to 1.0°N):  NaN  NaN   3   NaN
//	row 2 (1.0 to 0.5°N):   4    5   NaN   6
func small(t testing.TB) *raster.Grid {
	t.Helper()
	g, err := raster.New(orb.Point{10, 2}, 0.5, 0.5, 4, 3)
	if err != nil {
		t.Fatal(err)
	}
	nan := float32(math.NaN())
	copy(g.Values, []float32{
		1, nan, 2, 0,
		nan, nan, 3, nan,
		4, 5, nan, 6,
	})
	return g
}

func TestNew(t *testing.T) {
	g, err := raster.New(orb.Point{124, -8}, 0.25, 0.125, 3, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Values) != 6 {
		t.Fatalf("%d values, want 6", len(g.Values))
	}
	for i, v := range g.Values {
		if !math.IsNaN(float64(v)) {
			t.Errorf("Values[%d] = %v, want NaN", i, v)
		}
	}
	if err := g.Validate(); err != nil {
		t.Errorf("Validate() = %v", err)
	}
}

func TestValidate(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	tests := []struct {
		name string
		g    raster.Grid
		ok   bool
	}{
		{"fine", raster.Grid{Origin: orb.Point{0, 0}, CellWidth: 1, CellHeight: 1, Width: 2, Height: 1, Values: make([]float32, 2)}, true},
		{"whole Earth", raster.Grid{Origin: orb.Point{-180, 90}, CellWidth: 1, CellHeight: 1, Width: 360, Height: 180, Values: make([]float32, 360*180)}, true},
		{"too few values", raster.Grid{Origin: orb.Point{0, 0}, CellWidth: 1, CellHeight: 1, Width: 2, Height: 2, Values: make([]float32, 3)}, false},
		{"no values", raster.Grid{Origin: orb.Point{0, 0}, CellWidth: 1, CellHeight: 1, Width: 1, Height: 1}, false},
		{"zero width", raster.Grid{Origin: orb.Point{0, 0}, CellWidth: 1, CellHeight: 1, Width: 0, Height: 1}, false},
		{"negative height", raster.Grid{Origin: orb.Point{0, 0}, CellWidth: 1, CellHeight: 1, Width: 1, Height: -1}, false},
		{"cell height negative (south-up)", raster.Grid{Origin: orb.Point{0, 0}, CellWidth: 1, CellHeight: -1, Width: 1, Height: 1, Values: make([]float32, 1)}, false},
		{"cell width zero", raster.Grid{Origin: orb.Point{0, 0}, CellWidth: 0, CellHeight: 1, Width: 1, Height: 1, Values: make([]float32, 1)}, false},
		{"cell width NaN", raster.Grid{Origin: orb.Point{0, 0}, CellWidth: nan, CellHeight: 1, Width: 1, Height: 1, Values: make([]float32, 1)}, false},
		{"origin infinite", raster.Grid{Origin: orb.Point{inf, 0}, CellWidth: 1, CellHeight: 1, Width: 1, Height: 1, Values: make([]float32, 1)}, false},
		{"beyond the south pole", raster.Grid{Origin: orb.Point{0, -89}, CellWidth: 1, CellHeight: 1, Width: 1, Height: 2, Values: make([]float32, 2)}, false},
		{"beyond the north pole", raster.Grid{Origin: orb.Point{0, 91}, CellWidth: 1, CellHeight: 1, Width: 1, Height: 1, Values: make([]float32, 1)}, false},
		{"round the Earth twice", raster.Grid{Origin: orb.Point{0, 0}, CellWidth: 1, CellHeight: 1, Width: 721, Height: 1, Values: make([]float32, 721)}, false},
		{"too many cells", raster.Grid{Origin: orb.Point{0, 0}, CellWidth: 1e-6, CellHeight: 1e-6, Width: 1 << 20, Height: 1 << 20}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.g.Validate()
			if (err == nil) != tt.ok {
				t.Fatalf("Validate() = %v, want ok %v", err, tt.ok)
			}
			if err != nil && !errors.Is(err, raster.ErrShape) {
				t.Errorf("Validate() = %v, not ErrShape", err)
			}
		})
	}
	if _, err := raster.New(orb.Point{0, 0}, 1, 1, 0, 1); err == nil {
		t.Error("New with no columns: no error")
	}
}

func TestAtSet(t *testing.T) {
	g := small(t)
	tests := []struct {
		col, row int
		want     float64 // NaN for no data
	}{
		{0, 0, 1}, {1, 0, math.NaN()}, {3, 0, 0}, {2, 1, 3}, {3, 2, 6}, {2, 2, math.NaN()},
	}
	for _, tt := range tests {
		got := float64(g.At(tt.col, tt.row))
		if got != tt.want && !(math.IsNaN(got) && math.IsNaN(tt.want)) {
			t.Errorf("At(%d, %d) = %v, want %v", tt.col, tt.row, got, tt.want)
		}
	}
	g.Set(1, 1, 7)
	if g.At(1, 1) != 7 || g.Values[5] != 7 {
		t.Errorf("after Set(1, 1, 7): At = %v, Values[5] = %v", g.At(1, 1), g.Values[5])
	}
	for _, c := range [][2]int{{-1, 0}, {4, 0}, {0, 3}, {0, -1}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("At(%d, %d) outside the grid did not panic", c[0], c[1])
				}
			}()
			g.At(c[0], c[1])
		}()
	}
}

func TestGeometry(t *testing.T) {
	g := small(t)
	if got, want := g.Bound(), (orb.Bound{Min: orb.Point{10, 0.5}, Max: orb.Point{12, 2}}); got != want {
		t.Errorf("Bound() = %v, want %v", got, want)
	}
	tests := []struct {
		col, row int
		centre   orb.Point
		bound    orb.Bound
	}{
		{0, 0, orb.Point{10.25, 1.75}, orb.Bound{Min: orb.Point{10, 1.5}, Max: orb.Point{10.5, 2}}},
		{3, 2, orb.Point{11.75, 0.75}, orb.Bound{Min: orb.Point{11.5, 0.5}, Max: orb.Point{12, 1}}},
		{2, 1, orb.Point{11.25, 1.25}, orb.Bound{Min: orb.Point{11, 1}, Max: orb.Point{11.5, 1.5}}},
		// The lattice goes on beyond the grid.
		{-1, 3, orb.Point{9.75, 0.25}, orb.Bound{Min: orb.Point{9.5, 0}, Max: orb.Point{10, 0.5}}},
	}
	for _, tt := range tests {
		if got := g.Centre(tt.col, tt.row); got != tt.centre {
			t.Errorf("Centre(%d, %d) = %v, want %v", tt.col, tt.row, got, tt.centre)
		}
		if got := g.CellBound(tt.col, tt.row); got != tt.bound {
			t.Errorf("CellBound(%d, %d) = %v, want %v", tt.col, tt.row, got, tt.bound)
		}
	}
}

func TestCell(t *testing.T) {
	g := small(t)
	tests := []struct {
		name     string
		p        orb.Point
		col, row int
		ok       bool
	}{
		{"centre of (0, 0)", orb.Point{10.25, 1.75}, 0, 0, true},
		{"north-west corner of the grid", orb.Point{10, 2}, 0, 0, true},
		{"west edge of column 1 belongs to it", orb.Point{10.5, 1.9}, 1, 0, true},
		{"north edge of row 1 belongs to it", orb.Point{10.1, 1.5}, 0, 1, true},
		{"east edge of the grid: last column", orb.Point{12, 1.9}, 3, 0, true},
		{"south edge of the grid: last row", orb.Point{10.1, 0.5}, 0, 2, true},
		{"south-east corner", orb.Point{12, 0.5}, 3, 2, true},
		{"inside (2, 1)", orb.Point{11.3, 1.2}, 2, 1, true},
		{"west of the grid", orb.Point{9.99, 1}, 0, 0, false},
		{"east of the grid", orb.Point{12.01, 1}, 0, 0, false},
		{"north of the grid", orb.Point{11, 2.01}, 0, 0, false},
		{"south of the grid", orb.Point{11, 0.49}, 0, 0, false},
		{"NaN", orb.Point{math.NaN(), 1}, 0, 0, false},
		{"infinite", orb.Point{11, math.Inf(-1)}, 0, 0, false},
		{"longitude + 360", orb.Point{371.3, 1.2}, 2, 1, true},
		{"longitude − 720", orb.Point{-708.7, 1.2}, 2, 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			col, row, ok := g.Cell(tt.p)
			if ok != tt.ok || (ok && (col != tt.col || row != tt.row)) {
				t.Errorf("Cell(%v) = %d, %d, %v; want %d, %d, %v", tt.p, col, row, ok, tt.col, tt.row, tt.ok)
			}
		})
	}
}

// TestCellAntimeridian checks a grid from 179.5°E to 180.5°E (−179.5°).
func TestCellAntimeridian(t *testing.T) {
	g, err := raster.New(orb.Point{179.5, 0}, 0.25, 0.25, 4, 1)
	if err != nil {
		t.Fatal(err)
	}
	for i := range g.Values {
		g.Values[i] = float32(i)
	}
	tests := []struct {
		lon float64
		col int
	}{
		{179.6, 0}, {179.9, 1}, {180, 2}, {-180, 2}, {-179.9, 2}, {-179.6, 3}, {180.4, 3},
	}
	for _, tt := range tests {
		col, row, ok := g.Cell(orb.Point{tt.lon, -0.1})
		if !ok || col != tt.col || row != 0 {
			t.Errorf("Cell(%g, -0.1) = %d, %d, %v; want %d, 0, true", tt.lon, col, row, ok, tt.col)
		}
	}
	// A bound given in −180..180 west of the antimeridian finds the eastern cells.
	var cols []int
	for c := range g.Cells(orb.Bound{Min: orb.Point{-180, -1}, Max: orb.Point{-179.5, 1}}) {
		cols = append(cols, c.Col)
	}
	if !slices.Equal(cols, []int{2, 3}) {
		t.Errorf("Cells west of the antimeridian: columns %v, want [2 3]", cols)
	}
}

func TestCells(t *testing.T) {
	g := small(t)
	type cv struct {
		c raster.Cell
		v float32
	}
	tests := []struct {
		name string
		b    orb.Bound
		want []cv
	}{
		{"whole grid: every value that is not NaN, zero included", g.Bound(), []cv{
			{raster.Cell{0, 0}, 1}, {raster.Cell{2, 0}, 2}, {raster.Cell{3, 0}, 0},
			{raster.Cell{2, 1}, 3},
			{raster.Cell{0, 2}, 4}, {raster.Cell{1, 2}, 5}, {raster.Cell{3, 2}, 6},
		}},
		{"the whole world", orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}}, []cv{
			{raster.Cell{0, 0}, 1}, {raster.Cell{2, 0}, 2}, {raster.Cell{3, 0}, 0},
			{raster.Cell{2, 1}, 3},
			{raster.Cell{0, 2}, 4}, {raster.Cell{1, 2}, 5}, {raster.Cell{3, 2}, 6},
		}},
		{"centres on the edges are inside", orb.Bound{Min: orb.Point{10.75, 0.75}, Max: orb.Point{11.25, 1.25}}, []cv{
			{raster.Cell{2, 1}, 3}, {raster.Cell{1, 2}, 5},
		}},
		{"a bound that misses every centre", orb.Bound{Min: orb.Point{10.3, 1.3}, Max: orb.Point{10.7, 1.7}}, nil},
		{"east column only", orb.Bound{Min: orb.Point{11.6, -10}, Max: orb.Point{30, 10}}, []cv{
			{raster.Cell{3, 0}, 0}, {raster.Cell{3, 2}, 6},
		}},
		{"outside the grid", orb.Bound{Min: orb.Point{20, 20}, Max: orb.Point{21, 21}}, nil},
		{"a point bound on a centre", orb.Bound{Min: orb.Point{11.25, 1.25}, Max: orb.Point{11.25, 1.25}}, []cv{
			{raster.Cell{2, 1}, 3},
		}},
		{"infinite", orb.Bound{Min: orb.Point{math.Inf(-1), math.Inf(-1)}, Max: orb.Point{math.Inf(1), 1.3}}, []cv{
			{raster.Cell{2, 1}, 3}, {raster.Cell{0, 2}, 4}, {raster.Cell{1, 2}, 5}, {raster.Cell{3, 2}, 6},
		}},
		{"NaN", orb.Bound{Min: orb.Point{math.NaN(), 0}, Max: orb.Point{20, 20}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []cv
			for c, v := range g.Cells(tt.b) {
				got = append(got, cv{c, v})
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Cells(%v) = %v, want %v", tt.b, got, tt.want)
			}
		})
	}

	// Stopping early stops.
	n := 0
	for range g.Cells(g.Bound()) {
		n++
		if n == 2 {
			break
		}
	}
	if n != 2 {
		t.Errorf("broke after %d cells, want 2", n)
	}
}

// TestCellsCentreRoundTrip checks that every cell's centre lies in the cell Cell finds,
// on a grid with the awkward cell size of the WorldPop grid.
func TestCellsCentreRoundTrip(t *testing.T) {
	g, err := raster.New(orb.Point{124.044582852, -8.126249766}, 0.000833333329965, 0.000833333330109, 397, 166)
	if err != nil {
		t.Fatal(err)
	}
	for i := range g.Values {
		g.Values[i] = 1
	}
	n := 0
	for c := range g.Cells(g.Bound()) {
		n++
		col, row, ok := g.Cell(g.Centre(c.Col, c.Row))
		if !ok || col != c.Col || row != c.Row {
			t.Fatalf("Cell(Centre(%d, %d)) = %d, %d, %v", c.Col, c.Row, col, row, ok)
		}
		if !g.CellBound(c.Col, c.Row).Contains(g.Centre(c.Col, c.Row)) {
			t.Fatalf("cell %v does not hold its centre", c)
		}
	}
	if n != 397*166 {
		t.Errorf("Cells(Bound()) visited %d cells, want %d", n, 397*166)
	}
}
