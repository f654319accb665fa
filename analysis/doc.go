// Package analysis is tasi's batch pipeline: dated shorelines (or a CoastSat time series)
// in, DSAS v5 change statistics per transect and per admin unit out.
//
// Inputs arrive in WGS84 lon/lat. Run picks the UTM zone of the data's centre (zone 60 or
// 1 for data across the antimeridian, see utm.Centre), projects everything into it, and
// works in metres from then on: transects are cast from a reference coast (or taken as
// given), every shoreline is intersected with every transect, positions are signed
// (positive seaward, so positive rates mean accretion), statistics follow package change,
// and transects are grouped into the admin units they start in. A coast reaching more
// than 4.5° of longitude from that zone's meridian is measured piece by piece in the
// zones the pieces lie in, and the geometry merged back into the one zone of the Result
// (see Run and Result). Run is deterministic: the same input and parameters give the same
// Result.
package analysis
