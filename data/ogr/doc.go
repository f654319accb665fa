// Package ogr reads vector files through GDAL/OGR into orb geometries and writes
// GeoPackage layers. It is the only place in tasi that does vector I/O through GDAL.
//
// # Reading
//
// Read opens any vector format GDAL knows (GeoJSON, GeoPackage, Shapefile, KML,
// FlatGeobuf, GML, CSV with a geometry or lon/lat columns, ...) and returns every layer
// with its features reprojected to WGS84 longitude/latitude in degrees, in the
// traditional GIS axis order: orb.Point{lon, lat}, whatever the axis order of the
// source CRS (EPSG:4326 declares latitude first; OGR drivers hand out coordinates in
// the order their data axis mapping says, which this package honours). A layer whose
// geometries carry no CRS is an error (ErrNoCRS) unless ReadOptions.AssumeSRS names
// one: a GeoJSON file without "crs" is WGS84 by RFC 7946 and needs nothing, a
// Shapefile without its .prj does.
//
// Query and QueryColumns run an SQL statement on a file (SQLite's SQL for a
// GeoPackage): Query hands out each row as a map, QueryColumns a few thousand rows at a
// time column by column, read in one cgo call, with strings dictionary-encoded. For the
// 505,000 intersections of a whole-country run QueryColumns takes 0.47 s of CPU against
// Query's 1.0 s, 86 % of it now in GDAL and SQLite, and allocates 4.6 MB against 58 MB.
//
// # Writing
//
// CreateGeoPackage, GeoPackage.CreateLayer and LayerWriter.Write produce GeoPackage
// 1.2 files that QGIS and ogrinfo open. Geometries are written as given, in the CRS
// named by the layer's EPSG code (for tasi's results: the analysis UTM zone, metres).
// All writes happen in one SQLite transaction committed by GeoPackage.Close.
//
// # Performance
//
// Write makes one cgo call and no allocation per feature: about 3–4 µs per point with
// four fields, 270,000–335,000 features/s, with GDAL 3.6.2 on two cores. GDAL 3.6 then
// builds each layer's R-tree spatial index when the file is closed, one SQLite R*-tree
// insertion at a time (about 10 µs per feature, 5–6 s for 550,000 points), which
// brings large point layers down to 65,000–80,000 features/s; WithoutSpatialIndex
// skips the index. GDAL 3.7 and later bulk-load the R-tree and do not have this cost.
//
// # Concurrency
//
// Read may be called from several goroutines at once. A GeoPackage and its
// LayerWriters must be used by one goroutine at a time.
//
// # GDAL binding
//
// The package uses github.com/airbusgeo/godal for opening and closing datasets,
// spatial references, coordinate transformations and transactions. godal v0.0.18 does
// not expose feature ids, null fields, the field order of a layer, layer creation
// options or a way to write a feature without one cgo round trip per field, so a few
// lines of cgo in gdal.go call the OGR C API on the handles godal holds. They check
// godal's struct layout before first use and fail with an error if it changes.
package ogr
