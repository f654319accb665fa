// Package plan is tasi's planning layer: it turns a run's shoreline change into what
// disaster planners and civil protection act on — shoreline forecasts per transect at
// horizons counted from the data's own reference date, hazard zones between today's
// shoreline and the forecast one, and the communities, people and households those zones
// reach, as at-risk lists.
//
// It consumes analysis results (package analysis), does its geometry with orb in the
// run's UTM zone (metres), and takes population as a raster.Grid of people per cell in
// lon/lat. It imports no cgo: files are read elsewhere (package input, raster/gdal) and
// lists are written elsewhere (package export).
//
// Signs follow the rest of tasi: distances along a transect are positive seaward, rates are
// positive for accretion and negative for erosion, and a community is reached when the
// forecast shoreline has moved landward past it.
package plan
