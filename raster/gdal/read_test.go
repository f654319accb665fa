package gdal

import (
	"context"
	"crypto/rand"
	"errors"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/airbusgeo/godal"
	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/raster"
	"github.com/tasi-gis/tasi/vector/utm"
)

// tiff describes a small GeoTIFF that a test writes to /vsimem/.
type tiff struct {
	epsg   int // 0 for no CRS
	gt     [6]float64
	dtype  godal.DataType
	w, h   int
	bands  [][]float64 // values per band, row by row
	nodata *float64    // set on every band
	mask   []byte      // a per-dataset mask (0 = no data), or nil
}

// write writes the GeoTIFF to a new /vsimem/ path, removed when the test ends.
func (s tiff) write(t *testing.T) string {
	t.Helper()
	setup()
	path := "/vsimem/test-" + filepath.Base(t.Name()) + "-" + rand.Text() + ".tif"
	ds, err := godal.Create(godal.GTiff, path, len(s.bands), s.dtype, s.w, s.h)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = godal.VSIUnlink(path) })
	if s.gt != ([6]float64{}) {
		if err := ds.SetGeoTransform(s.gt); err != nil {
			t.Fatal(err)
		}
	}
	if s.epsg != 0 {
		sr, err := godal.NewSpatialRefFromEPSG(s.epsg)
		if err != nil {
			t.Fatal(err)
		}
		defer sr.Close()
		if err := ds.SetSpatialRef(sr); err != nil {
			t.Fatal(err)
		}
	}
	for i, vals := range s.bands {
		b := ds.Bands()[i]
		if s.nodata != nil {
			if err := b.SetNoData(*s.nodata); err != nil {
				t.Fatal(err)
			}
		}
		if err := b.Write(0, 0, vals, s.w, s.h); err != nil {
			t.Fatal(err)
		}
	}
	if s.mask != nil {
		m, err := ds.CreateMaskBand(maskPerDataset, godal.ConfigOption("GDAL_TIFF_INTERNAL_MASK=YES"))
		if err != nil {
			t.Fatal(err)
		}
		if err := m.Write(0, 0, s.mask, s.w, s.h); err != nil {
			t.Fatal(err)
		}
	}
	if err := ds.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// vsiBytes returns the content of a /vsimem/ file.
func vsiBytes(t *testing.T, path string) []byte {
	t.Helper()
	f, err := godal.VSIOpen(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func ptr(v float64) *float64 { return &v }

// lonlat3x2 is a 3 × 2 grid of 0.01° cells at (125.5 E, −8.5 N).
var lonlat3x2 = [6]float64{125.5, 0.01, 0, -8.5, 0, -0.01}

const nd = -99999

func TestReadSynthetic(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name string
		tif  tiff
		opt  Options
		want []float64 // NaN for no data
	}{
		{"Float32 with nodata −99999",
			tiff{epsg: 4326, gt: lonlat3x2, dtype: godal.Float32, w: 3, h: 2, nodata: ptr(nd),
				bands: [][]float64{{1.5, nd, 0, nd, 2.25, 1e6}}},
			Options{}, []float64{1.5, nan, 0, nan, 2.25, 1e6}},
		{"Float32 with NaN values and no nodata",
			tiff{epsg: 4326, gt: lonlat3x2, dtype: godal.Float32, w: 3, h: 2,
				bands: [][]float64{{nan, 1, 2, 3, nan, 5}}},
			Options{}, []float64{nan, 1, 2, 3, nan, 5}},
		{"Float32 with NaN nodata",
			tiff{epsg: 4326, gt: lonlat3x2, dtype: godal.Float32, w: 3, h: 2, nodata: ptr(nan),
				bands: [][]float64{{nan, 1, 2, 3, nan, 5}}},
			Options{}, []float64{nan, 1, 2, 3, nan, 5}},
		{"Int16 with nodata −32768",
			tiff{epsg: 4326, gt: lonlat3x2, dtype: godal.Int16, w: 3, h: 2, nodata: ptr(-32768),
				bands: [][]float64{{-32768, -1, 0, 32767, -32768, 7}}},
			Options{}, []float64{nan, -1, 0, 32767, nan, 7}},
		{"Byte with nodata 255",
			tiff{epsg: 4326, gt: lonlat3x2, dtype: godal.Byte, w: 3, h: 2, nodata: ptr(255),
				bands: [][]float64{{0, 255, 254, 1, 2, 255}}},
			Options{}, []float64{0, nan, 254, 1, 2, nan}},
		// float32 cannot tell 4294967295 from 4294967294: GDAL's mask band does.
		{"UInt32 with nodata 4294967295",
			tiff{epsg: 4326, gt: lonlat3x2, dtype: godal.UInt32, w: 3, h: 2, nodata: ptr(4294967295),
				bands: [][]float64{{4294967295, 4294967294, 0, 16777217, 1, 4294967295}}},
			Options{}, []float64{nan, float64(float32(4294967294)), 0, 16777216, 1, nan}},
		{"Float64 with nodata −1e300",
			tiff{epsg: 4326, gt: lonlat3x2, dtype: godal.Float64, w: 3, h: 2, nodata: ptr(-1e300),
				bands: [][]float64{{-1e300, 0.1, -1e299, 3, 4, 5}}},
			Options{}, []float64{nan, float64(float32(0.1)), math.Inf(-1), 3, 4, 5}},
		{"per-dataset mask",
			tiff{epsg: 4326, gt: lonlat3x2, dtype: godal.Float32, w: 3, h: 2,
				bands: [][]float64{{1, 2, 3, 4, 5, 6}}, mask: []byte{255, 0, 255, 255, 255, 0}},
			Options{}, []float64{1, nan, 3, 4, 5, nan}},
		{"second of three bands",
			tiff{epsg: 4326, gt: lonlat3x2, dtype: godal.Float32, w: 3, h: 2, nodata: ptr(nd),
				bands: [][]float64{{1, 1, 1, 1, 1, 1}, {nd, 2, 3, 4, 5, 6}, {9, 9, 9, 9, 9, 9}}},
			Options{Band: 2}, []float64{nan, 2, 3, 4, 5, 6}},
		{"resampling asked for but not needed: read as is",
			tiff{epsg: 4326, gt: lonlat3x2, dtype: godal.Float32, w: 3, h: 2,
				bands: [][]float64{{1, 2, 3, 4, 5, 6}}},
			Options{Resampling: "sum"}, []float64{1, 2, 3, 4, 5, 6}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := tt.tif.write(t)
			check := func(how string, g *raster.Grid, err error) {
				t.Helper()
				if err != nil {
					t.Fatalf("%s: %v", how, err)
				}
				if g.Width != 3 || g.Height != 2 || g.Origin != (orb.Point{125.5, -8.5}) ||
					g.CellWidth != 0.01 || g.CellHeight != 0.01 {
					t.Errorf("%s: grid %d × %d at %v, cells %g × %g; want 3 × 2 at [125.5 -8.5], 0.01 × 0.01",
						how, g.Width, g.Height, g.Origin, g.CellWidth, g.CellHeight)
				}
				for i, v := range g.Values {
					w := tt.want[i]
					if float64(v) != w && !(math.IsNaN(float64(v)) && math.IsNaN(w)) {
						t.Errorf("%s: value %d = %v, want %v", how, i, v, w)
					}
				}
			}
			g, err := Read(context.Background(), path, tt.opt)
			check("Read", g, err)
			g, err = ReadBytes(context.Background(), "grid.tif", vsiBytes(t, path), tt.opt)
			check("ReadBytes", g, err)
		})
	}
}

// TestReadWarp checks rasters that are not north-up in lon/lat: refused without
// Options.Resampling, warped to EPSG:4326 with it.
func TestReadWarp(t *testing.T) {
	// 40 × 30 cells of 100 m in UTM 51S, 12.5 people in each, with a nodata column.
	const w, h, size = 40, 30, 100.0
	e0, n0 := 780000.0, 9055000.0
	people := make([]float64, w*h)
	for i := range people {
		people[i] = 12.5
		if i%w == 7 {
			people[i] = nd
		}
	}
	utmTif := tiff{epsg: 32751, gt: [6]float64{e0, size, 0, n0, 0, -size}, dtype: godal.Float32, w: w, h: h,
		nodata: ptr(nd), bands: [][]float64{people}}

	// 10 × 10 cells of 0.01° rotated by 30°, all 1.
	ones := make([]float64, 100)
	for i := range ones {
		ones[i] = 1
	}
	s, c := 0.01*math.Sin(math.Pi/6), 0.01*math.Cos(math.Pi/6)
	rotated := tiff{epsg: 4326, gt: [6]float64{125.5, c, -s, -8.5, -s, -c}, dtype: godal.Float32, w: 10, h: 10, bands: [][]float64{ones}}
	southUp := tiff{epsg: 4326, gt: [6]float64{125.5, 0.01, 0, -8.6, 0, 0.01}, dtype: godal.Float32, w: 10, h: 10, bands: [][]float64{ones}}
	// The same north-up lattice but in NAD83, another geographic CRS.
	nad83 := tiff{epsg: 4269, gt: [6]float64{125.5, 0.01, 0, -8.5, 0, -0.01}, dtype: godal.Float32, w: 10, h: 10, bands: [][]float64{ones}}

	for _, tt := range []struct {
		name, why string
		tif       tiff
	}{
		{"UTM", "EPSG:32751", utmTif},
		{"rotated", "rotated", rotated},
		{"south-up", "not north-up", southUp},
		{"NAD83", "EPSG:4269", nad83},
	} {
		t.Run(tt.name+" refused", func(t *testing.T) {
			_, err := Read(context.Background(), tt.tif.write(t), Options{})
			if !errors.Is(err, ErrNotLonLat) {
				t.Fatalf("Read = %v, want ErrNotLonLat", err)
			}
			if !containsFold(err.Error(), tt.why) {
				t.Errorf("error %q does not say %q", err, tt.why)
			}
		})
	}

	t.Run("UTM warped with sum", func(t *testing.T) {
		g, err := Read(context.Background(), utmTif.write(t), Options{Resampling: "sum"})
		if err != nil {
			t.Fatal(err)
		}
		var total float64
		var centre orb.Point
		b := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
		for c, v := range g.Cells(g.Bound()) {
			total += float64(v)
			p := g.Centre(c.Col, c.Row)
			centre[0] += float64(v) * p[0]
			centre[1] += float64(v) * p[1]
			if v > 0 {
				b = b.Extend(p)
			}
		}
		centre[0] /= total
		centre[1] /= total
		// 39 of 40 columns hold 12.5 people in each of 30 rows.
		want := 12.5 * 39 * 30
		t.Logf("warped to %d × %d cells of %.6f° × %.6f°: %.1f people (source %.1f), centre %v",
			g.Width, g.Height, g.CellWidth, g.CellHeight, total, want, centre)
		if math.Abs(total-want)/want > 0.001 {
			t.Errorf("warped total %.1f people, want %.1f ± 0.1 %%", total, want)
		}
		zone := utm.Zone{Number: 51, South: true}
		// The people-weighted centre of the source, with the nodata column 7 taken out.
		var sx float64
		for col := range w {
			if col != 7 {
				sx += e0 + (float64(col)+0.5)*size
			}
		}
		wantCentre := zone.Inverse(orb.Point{sx / (w - 1), n0 - h*size/2})
		if d := math.Hypot((centre[0]-wantCentre[0])*110e3, (centre[1]-wantCentre[1])*110e3); d > 50 {
			t.Errorf("people-weighted centre %v is %.0f m from %v", centre, d, wantCentre)
		}
		corner := zone.Inverse(orb.Point{e0, n0})
		if !b.Pad(0.002).Contains(corner) {
			t.Errorf("settled cells %v do not reach the north-west corner %v", b, corner)
		}
	})

	t.Run("UTM warped with sum over a bound", func(t *testing.T) {
		path := utmTif.write(t)
		full, err := Read(context.Background(), path, Options{Resampling: "sum"})
		if err != nil {
			t.Fatal(err)
		}
		fb := full.Bound()
		west := orb.Bound{Min: fb.Min, Max: orb.Point{(fb.Min[0] + fb.Max[0]) / 2, fb.Max[1]}}
		g, err := Read(context.Background(), path, Options{Resampling: "sum", Bound: west})
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(g.CellWidth-full.CellWidth) > 1e-9 || math.Abs(g.CellHeight-full.CellHeight) > 1e-9 {
			t.Errorf("cells %g × %g over the bound, %g × %g over the whole", g.CellWidth, g.CellHeight, full.CellWidth, full.CellHeight)
		}
		// Whole cells of the full warp's lattice: the west half of 41 columns is 21 of them.
		if gb := g.Bound(); math.Abs(gb.Min[0]-west.Min[0]) > 1e-9 || gb.Max[0] < west.Max[0] ||
			gb.Max[0]-west.Max[0] >= g.CellWidth || g.Width != 21 || g.Height != full.Height {
			t.Errorf("warped over %v (%d × %d cells), want the 21 × %d cells covering %v", gb, g.Width, g.Height, full.Height, west)
		}
		var total float64
		for _, v := range g.Cells(g.Bound()) {
			total += float64(v)
		}
		// About half the 14,625 people, 12.5 per 100 m × 100 m.
		if total < 0.4*14625 || total > 0.6*14625 {
			t.Errorf("%.1f people in the west half, want about %.1f", total, 14625/2.0)
		}
	})

	t.Run("rotated warped with near", func(t *testing.T) {
		g, err := Read(context.Background(), rotated.write(t), Options{Resampling: "near"})
		if err != nil {
			t.Fatal(err)
		}
		n, nan := 0, 0
		for _, v := range g.Values {
			switch {
			case v == 1:
				n++
			case math.IsNaN(float64(v)):
				nan++
			default:
				t.Fatalf("warped value %v, want 1 or NaN", v)
			}
		}
		// A 30° rotated square inside its north-up bounding box fills 1/(cos30+sin30)² of it.
		if share := float64(n) / float64(len(g.Values)); math.Abs(share-0.536) > 0.06 {
			t.Errorf("%d of %d cells hold data (%.3f), want about 0.536", n, len(g.Values), share)
		}
		if nan == 0 {
			t.Error("no NaN outside the rotated square")
		}
	})

	t.Run("unknown resampling", func(t *testing.T) {
		_, err := Read(context.Background(), utmTif.write(t), Options{Resampling: "nonsense"})
		if err == nil || !containsFold(err.Error(), "nonsense") {
			t.Errorf("Read = %v, want an error naming the resampling", err)
		}
	})
}

func TestReadErrors(t *testing.T) {
	ones := []float64{1, 1, 1, 1, 1, 1}
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(text, []byte("not a raster\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	geojson := filepath.Join(dir, "points.geojson")
	if err := os.WriteFile(geojson, []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[125.5,-8.5]}}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()

	tests := []struct {
		name   string
		path   func(t *testing.T) string
		ctx    context.Context
		opt    Options
		target error  // for errors.Is, or nil
		says   string // part of the message
	}{
		{"missing file", func(*testing.T) string { return filepath.Join(dir, "none.tif") }, nil, Options{}, fs.ErrNotExist, "none.tif"},
		{"directory", func(*testing.T) string { return dir }, nil, Options{}, nil, "directory"},
		{"text file", func(*testing.T) string { return text }, nil, Options{}, ErrNotRaster, "notes.txt"},
		{"vector file", func(*testing.T) string { return geojson }, nil, Options{}, ErrNotRaster, "points.geojson"},
		{"missing /vsimem/ file", func(*testing.T) string { return "/vsimem/none.tif" }, nil, Options{}, ErrNotRaster, "/vsimem/none.tif"},
		{"no CRS", func(t *testing.T) string {
			return tiff{gt: lonlat3x2, dtype: godal.Float32, w: 3, h: 2, bands: [][]float64{ones}}.write(t)
		}, nil, Options{Resampling: "near"}, ErrNoCRS, "no CRS"},
		{"no geotransform", func(t *testing.T) string {
			return tiff{epsg: 4326, dtype: godal.Float32, w: 3, h: 2, bands: [][]float64{ones}}.write(t)
		}, nil, Options{}, ErrNoCRS, "geotransform"},
		{"two bands, none chosen", func(t *testing.T) string {
			return tiff{epsg: 4326, gt: lonlat3x2, dtype: godal.Float32, w: 3, h: 2, bands: [][]float64{ones, ones}}.write(t)
		}, nil, Options{}, nil, "2 bands"},
		{"band 3 of 2", func(t *testing.T) string {
			return tiff{epsg: 4326, gt: lonlat3x2, dtype: godal.Float32, w: 3, h: 2, bands: [][]float64{ones, ones}}.write(t)
		}, nil, Options{Band: 3}, nil, "no band 3"},
		{"cancelled", func(t *testing.T) string {
			return tiff{epsg: 4326, gt: lonlat3x2, dtype: godal.Float32, w: 3, h: 2, bands: [][]float64{ones}}.write(t)
		}, cancelled, Options{}, context.Canceled, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := tt.ctx
			if ctx == nil {
				ctx = context.Background()
			}
			path := tt.path(t)
			g, err := Read(ctx, path, tt.opt)
			if err == nil {
				t.Fatalf("Read = %d × %d grid, want an error", g.Width, g.Height)
			}
			if tt.target != nil && !errors.Is(err, tt.target) {
				t.Errorf("Read = %v, want %v", err, tt.target)
			}
			if !containsFold(err.Error(), tt.says) || !containsFold(err.Error(), path) {
				t.Errorf("Read = %q, want it to name %s and say %q", err, path, tt.says)
			}
		})
	}

	t.Run("ReadBytes of garbage", func(t *testing.T) {
		_, err := ReadBytes(context.Background(), "garbage.tif", []byte("II*\x00garbage"), Options{})
		if !errors.Is(err, ErrNotRaster) || !containsFold(err.Error(), "garbage.tif") {
			t.Errorf("ReadBytes = %v, want ErrNotRaster naming garbage.tif", err)
		}
		if _, err := ReadBytes(context.Background(), "empty.tif", nil, Options{}); !errors.Is(err, ErrNotRaster) {
			t.Errorf("ReadBytes(nil) = %v, want ErrNotRaster", err)
		}
	})
}

// TestMemFileRemoved checks that ReadBytes' in-memory files are gone after use.
func TestMemFileRemoved(t *testing.T) {
	setup()
	f, err := newMemFile("a.tif", []byte("abc"))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(vsiBytes(t, f.path)); got != "abc" {
		t.Fatalf("in-memory file holds %q", got)
	}
	if err := f.remove(); err != nil {
		t.Fatal(err)
	}
	if _, err := godal.VSIOpen(f.path); err == nil {
		t.Errorf("%s still there after remove", f.path)
	}
}

// TestReadConcurrent reads one synthetic file from several goroutines, by path and by bytes.
func TestReadConcurrent(t *testing.T) {
	path := tiff{epsg: 4326, gt: lonlat3x2, dtype: godal.Float32, w: 3, h: 2, nodata: ptr(nd),
		bands: [][]float64{{1, 2, nd, 4, 5, 6}}}.write(t)
	b := vsiBytes(t, path)
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for i := range 16 {
		wg.Go(func() {
			var g *raster.Grid
			var err error
			if i%2 == 0 {
				g, err = Read(context.Background(), path, Options{})
			} else {
				g, err = ReadBytes(context.Background(), "grid.tif", b, Options{})
			}
			if err == nil && (g.At(1, 0) != 2 || !math.IsNaN(float64(g.At(2, 0)))) {
				err = errors.New("wrong values")
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}

func TestReadBound(t *testing.T) {
	// 4 × 3 cells of 0.01° from (125.5, −8.5); value = 10·row + col.
	vals := make([]float64, 12)
	for i := range vals {
		vals[i] = float64(10*(i/4) + i%4)
	}
	path := tiff{epsg: 4326, gt: [6]float64{125.5, 0.01, 0, -8.5, 0, -0.01}, dtype: godal.Float32, w: 4, h: 3,
		bands: [][]float64{vals}}.write(t)
	tests := []struct {
		name   string
		b      orb.Bound
		origin orb.Point
		w, h   int
		want   []float32
	}{
		{"whole cells overlapping", orb.Bound{Min: orb.Point{125.515, -8.525}, Max: orb.Point{125.525, -8.515}}, orb.Point{125.51, -8.51}, 2, 2,
			[]float32{11, 12, 21, 22}},
		{"a point", orb.Bound{Min: orb.Point{125.535, -8.505}, Max: orb.Point{125.535, -8.505}}, orb.Point{125.53, -8.5}, 1, 1,
			[]float32{3}},
		{"reaching beyond the raster", orb.Bound{Min: orb.Point{120, -8.515}, Max: orb.Point{125.505, -7}}, orb.Point{125.5, -8.5}, 1, 2,
			[]float32{0, 10}},
		{"the whole world", orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}}, orb.Point{125.5, -8.5}, 4, 3,
			[]float32{0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := Read(context.Background(), path, Options{Bound: tt.b})
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(g.Origin[0]-tt.origin[0]) > 1e-12 || math.Abs(g.Origin[1]-tt.origin[1]) > 1e-12 ||
				g.Width != tt.w || g.Height != tt.h || !slices.Equal(g.Values, tt.want) {
				t.Errorf("grid at %v, %d × %d, %v; want at %v, %d × %d, %v", g.Origin, g.Width, g.Height, g.Values,
					tt.origin, tt.w, tt.h, tt.want)
			}
		})
	}
	for _, b := range []orb.Bound{
		{Min: orb.Point{126, -8.5}, Max: orb.Point{127, -8}},
		{Min: orb.Point{125.6, -8}, Max: orb.Point{125.5, -8.6}}, // min > max
		{Min: orb.Point{math.NaN(), -8.6}, Max: orb.Point{125.6, -8.5}},
	} {
		if g, err := Read(context.Background(), path, Options{Bound: b}); err == nil {
			t.Errorf("Read with bound %v = %d × %d grid, want an error", b, g.Width, g.Height)
		}
	}
}
