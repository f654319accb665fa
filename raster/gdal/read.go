package gdal

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"runtime"
	"strings"
	"sync"

	"github.com/airbusgeo/godal"
	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/raster"
)

// ErrNotRaster reports a file GDAL cannot open as a raster: another kind of file (a
// vector layer, a text file), or a damaged one.
var ErrNotRaster = errors.New("not a raster dataset")

// ErrNotLonLat reports a raster that is not a north-up grid in WGS 84 longitude/latitude
// (a projected or other geographic CRS, a rotated, sheared or south-up geotransform) while
// Options.Resampling is empty.
var ErrNotLonLat = errors.New("not a north-up grid in WGS 84 longitude/latitude (EPSG:4326)")

// ErrNoCRS reports a raster without a coordinate reference system or without a
// geotransform: where its cells lie is unknown.
var ErrNoCRS = errors.New("no coordinate reference system or geotransform")

// Options tune Read and ReadBytes. The zero value reads a single-band raster that already
// is a north-up grid in WGS 84 lon/lat.
type Options struct {
	// Band is the band to read, counted from 1. Zero reads the only band of a single-band
	// raster and refuses a raster with several.
	Band int
	// Resampling, when not empty, is the gdalwarp resampling method ("near", "bilinear",
	// "cubic", "average", "sum", "mode", ...) with which a raster that is not a north-up
	// grid in WGS 84 lon/lat is warped to EPSG:4326 before it is read. "sum" suits counts
	// such as people per cell. Empty refuses such rasters (ErrNotLonLat).
	Resampling string
	// Bound, when not zero, is the part to read, {lon, lat} in degrees: the cells that
	// overlap it, whole, so the grid returned may reach half a cell beyond it. A raster
	// that does not overlap Bound is an error. It keeps a national or global grid from
	// being read whole for a coast of a few sucos. Its longitudes are in the raster's range
	// (−180 to 180 for nearly every file).
	Bound orb.Bound
}

// setup registers GDAL's drivers once per process (GDALAllRegister scans the plugin
// directory each time it is called).
var setup = sync.OnceFunc(godal.RegisterAll)

// Read reads one band of the raster file at path (any GDAL raster format, or a /vsi… path)
// into a grid in WGS 84 lon/lat. Errors name the file; ErrNotRaster, ErrNotLonLat,
// ErrNoCRS and fs.ErrNotExist can be tested with errors.Is.
func Read(ctx context.Context, path string, opt Options) (*raster.Grid, error) {
	if !strings.HasPrefix(path, "/vsi") {
		st, err := os.Stat(path)
		if errors.Is(err, fs.ErrNotExist) {
			err = fs.ErrNotExist // the path is in the message already
		}
		if err != nil {
			return nil, fmt.Errorf("read raster %s: %w", path, err)
		}
		if st.IsDir() {
			return nil, fmt.Errorf("read raster %s: is a directory, not a file", path)
		}
	}
	g, err := read(ctx, path, opt)
	if err != nil {
		return nil, fmt.Errorf("read raster %s: %w", path, err)
	}
	return g, nil
}

// ReadBytes reads a raster file held in b, as Read does; name stands for the file in errors
// and its extension helps GDAL pick the driver of formats it cannot tell by content. The
// bytes are copied into GDAL's /vsimem/ file system for the read and freed before it
// returns.
func ReadBytes(ctx context.Context, name string, b []byte, opt Options) (*raster.Grid, error) {
	setup()
	f, err := newMemFile(name, b)
	if err != nil {
		return nil, fmt.Errorf("read raster %s: %w", name, err)
	}
	g, err := read(ctx, f.path, opt)
	if rerr := f.remove(); rerr != nil && err == nil {
		err = fmt.Errorf("remove %s: %w", f.path, rerr)
	}
	if err != nil {
		return nil, fmt.Errorf("read raster %s: %w", name, err)
	}
	return g, nil
}

func read(ctx context.Context, path string, opt Options) (*raster.Grid, error) {
	setup()
	// GDAL keeps error state and PROJ contexts per thread: keep every call of this read
	// on one, so that concurrent reads never share them.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()

	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if bb := opt.Bound; !bb.IsZero() && !(bb.Min[0] <= bb.Max[0] && bb.Min[1] <= bb.Max[1]) {
		return nil, fmt.Errorf("bound %v is empty or not a number", bb)
	}
	ds, err := godal.Open(path, godal.RasterOnly(), godal.SkipWarnings)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotRaster, err)
	}
	defer ds.Close(godal.SkipWarnings)

	nbands := len(ds.Bands())
	band := opt.Band
	switch {
	case nbands == 0:
		return nil, fmt.Errorf("%w: no band", ErrNotRaster)
	case band == 0 && nbands > 1:
		return nil, fmt.Errorf("%d bands: say which to read", nbands)
	case band == 0:
		band = 1
	case band < 0 || band > nbands:
		return nil, fmt.Errorf("no band %d (the raster has %d)", band, nbands)
	}

	if why, err := notLonLat(ds); err != nil {
		return nil, err
	} else if why != "" {
		if opt.Resampling == "" {
			return nil, fmt.Errorf("%w: %s; warp it to EPSG:4326 first (gdalwarp -t_srs EPSG:4326 -r sum for counts) or read it with a resampling method", ErrNotLonLat, why)
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		warped, err := warp(ds, opt.Resampling)
		if err != nil {
			return nil, fmt.Errorf("warp to EPSG:4326 (%s) with resampling %q: %w", why, opt.Resampling, err)
		}
		defer warped.Close(godal.SkipWarnings)
		ds = warped
		if why, err := notLonLat(ds); err != nil {
			return nil, fmt.Errorf("warped raster: %w", err)
		} else if why != "" {
			return nil, fmt.Errorf("warped raster: %s", why)
		}
	}
	return readBand(ctx, ds, band, opt.Bound)
}

// notLonLat says why ds is not a north-up grid in WGS 84 lon/lat, or returns "" when it
// is. It fails with ErrNoCRS when ds has no CRS or no geotransform.
func notLonLat(ds *godal.Dataset) (string, error) {
	gt, err := ds.GeoTransform(godal.SkipWarnings)
	if err != nil || gt == [6]float64{0, 1, 0, 0, 0, 1} {
		return "", fmt.Errorf("%w: the raster has no geotransform", ErrNoCRS)
	}
	if ds.Projection() == "" {
		return "", fmt.Errorf("%w: the raster has a geotransform but no CRS", ErrNoCRS)
	}
	sr := ds.SpatialRef()
	defer sr.Close()
	wgs84, err := godal.NewSpatialRefFromEPSG(4326)
	if err != nil {
		return "", fmt.Errorf("EPSG:4326: %w", err)
	}
	defer wgs84.Close()
	switch {
	case !sr.IsSame(wgs84):
		return "its CRS is " + crsName(sr), nil
	case gt[2] != 0 || gt[4] != 0:
		return fmt.Sprintf("rotated or sheared (geotransform %v)", gt), nil
	case gt[1] <= 0 || gt[5] >= 0:
		return fmt.Sprintf("not north-up (cell size %g × %g)", gt[1], gt[5]), nil
	}
	return "", nil
}

// crsName returns "AUTHORITY:CODE" for sr where it has one, else its name.
func crsName(sr *godal.SpatialRef) string {
	if auth, code := sr.AuthorityName(""), sr.AuthorityCode(""); auth != "" && code != "" {
		return auth + ":" + code
	}
	if name, ok := sr.AttrValue("GEOGCS", 0); ok && sr.Geographic() {
		return "geographic CRS " + name
	}
	if name, ok := sr.AttrValue("PROJCS", 0); ok {
		return name
	}
	return "unnamed"
}

// warp returns ds warped to a north-up Float32 grid in EPSG:4326, with NaN where there is
// no data (outside the source, or nodata or masked in it). GDAL picks the cell size that
// keeps about as many cells as the source has. The result is a virtual (VRT) dataset:
// GDAL warps the cells a read asks for when it asks, so that reading a window of a large
// raster warps only that window.
func warp(ds *godal.Dataset, resampling string) (*godal.Dataset, error) {
	return ds.Warp("", []string{
		"-of", "VRT",
		"-t_srs", "EPSG:4326",
		"-r", resampling,
		"-ot", "Float32",
		"-dstnodata", "nan",
	}, godal.SkipWarnings)
}

// GDAL mask flags (gdal.h).
const (
	maskPerDataset = 0x02
	maskAlpha      = 0x04
	maskNoData     = 0x08
)

// rowsPerRead is how many rows readBand reads in one GDAL call, between checks of ctx.
const rowsPerRead = 256

// readBand reads band n of ds, which is north-up in lon/lat, into a grid: the cells that
// overlap b, or all of them when b is zero.
func readBand(ctx context.Context, ds *godal.Dataset, n int, b orb.Bound) (*raster.Grid, error) {
	gt, err := ds.GeoTransform(godal.SkipWarnings)
	if err != nil {
		return nil, err
	}
	st := ds.Structure()
	x0, y0, w, h := 0, 0, st.SizeX, st.SizeY
	if !b.IsZero() {
		x0, y0, w, h = window(gt, st.SizeX, st.SizeY, b)
		if w <= 0 || h <= 0 {
			return nil, fmt.Errorf("the raster does not overlap %v", b)
		}
	}
	origin := orb.Point{gt[0] + float64(x0)*gt[1], gt[3] + float64(y0)*gt[5]}
	g, err := raster.New(origin, gt[1], -gt[5], w, h)
	if err != nil {
		return nil, err
	}

	band := ds.Bands()[n-1]
	flags := band.MaskFlags()
	nodata, hasNoData := band.NoData()
	// Compare values with the nodata value where float32 holds every value of the band's
	// type exactly, as GDAL's nodata mask does; otherwise let GDAL's mask band tell.
	dt := band.Structure().DataType
	exact := dt == godal.Byte || dt == godal.Int8 || dt == godal.UInt16 || dt == godal.Int16 || dt == godal.Float32
	compare := hasNoData && flags&maskNoData != 0 && exact && !math.IsNaN(nodata)
	useMask := flags&(maskPerDataset|maskAlpha) != 0 || (flags&maskNoData != 0 && !exact)
	var mask []byte
	if useMask {
		mask = make([]byte, g.Width*rowsPerRead)
	}
	nd32 := float32(nodata)
	nan := float32(math.NaN())
	for r0 := 0; r0 < g.Height; r0 += rowsPerRead {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rows := min(rowsPerRead, g.Height-r0)
		buf := g.Values[r0*g.Width : (r0+rows)*g.Width]
		if err := band.Read(x0, y0+r0, buf, g.Width, rows, godal.SkipWarnings); err != nil {
			return nil, fmt.Errorf("band %d, rows %d to %d: %w", n, r0, r0+rows-1, err)
		}
		if compare {
			for i, v := range buf {
				if (dt == godal.Float32 && v == nd32) || (dt != godal.Float32 && float64(v) == nodata) {
					buf[i] = nan
				}
			}
		}
		if useMask {
			m := mask[:len(buf)]
			if err := band.MaskBand().Read(x0, y0+r0, m, g.Width, rows, godal.SkipWarnings); err != nil {
				return nil, fmt.Errorf("mask of band %d, rows %d to %d: %w", n, r0, r0+rows-1, err)
			}
			for i, v := range m {
				if v == 0 {
					buf[i] = nan
				}
			}
		}
	}
	return g, nil
}

// window returns the columns and rows of a north-up lon/lat raster of the geotransform gt
// and size sx × sy whose cells overlap b: the first column and row and how many; w or h is
// zero or less when none does.
func window(gt [6]float64, sx, sy int, b orb.Bound) (x0, y0, w, h int) {
	clamp := func(v float64, hi int) int { return int(math.Max(0, math.Min(float64(hi), v))) }
	x0 = clamp(math.Floor((b.Min[0]-gt[0])/gt[1]), sx)
	x1 := clamp(math.Ceil((b.Max[0]-gt[0])/gt[1]), sx)
	y0 = clamp(math.Floor((gt[3]-b.Max[1])/-gt[5]), sy)
	y1 := clamp(math.Ceil((gt[3]-b.Min[1])/-gt[5]), sy)
	return x0, y0, x1 - x0, y1 - y0
}
