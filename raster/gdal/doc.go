// Package gdal reads raster files through GDAL into raster.Grid values: a single band,
// north-up, in WGS 84 longitude/latitude (EPSG:4326, degrees), float32 with NaN where the
// file has no data. It is the only place in tasi that reads rasters through GDAL, and the
// only raster package that needs cgo; package raster and its consumers stay pure Go.
//
// # Reading
//
// Read opens any raster format GDAL knows (GeoTIFF, Cloud Optimized GeoTIFF, ERDAS
// Imagine, NetCDF, ...), local or through GDAL's virtual file systems (/vsizip/,
// /vsicurl/, /vsis3/, ...); ReadBytes reads a file held in memory, such as the population
// grid bundled by package data, through GDAL's /vsimem/ and removes it afterwards.
//
// A raster already north-up in WGS 84 lon/lat is read as it is. Any other (a projected
// CRS such as UTM, another geographic CRS, a rotated or south-up geotransform) is refused
// with ErrNotLonLat unless Options.Resampling names a gdalwarp resampling method, in which
// case GDAL warps it to EPSG:4326 first: "sum" for counts such as people per cell (the
// people of a source cell are shared among the cells it falls in), "average" or "bilinear"
// for continuous values, "near" for classes. The warp is virtual: GDAL warps only the
// cells a read asks for. A raster without a CRS is always refused (ErrNoCRS): tasi does not
// guess where a grid lies.
//
// Options.Bound reads only the cells that overlap a lon/lat bound, so that a national or
// global grid need not be read whole for a stretch of coast.
//
// Values are converted to float32 whatever the band's data type. A cell is NaN when it
// equals the band's nodata value (compared as GDAL's own nodata mask does), when the band's
// mask or alpha band marks it transparent, or when the file holds a NaN there.
//
// # Concurrency
//
// Read and ReadBytes may be called from several goroutines at once. Each keeps its GDAL
// calls on one OS thread, since GDAL holds error state and PROJ contexts per thread.
package gdal
