// Package analysis is tasi's batch pipeline: dated shorelines (or a CoastSat time series)
// in, DSAS v5 change statistics per transect and per admin unit out.
//
// Inputs arrive in WGS84 lon/lat. Run picks the UTM zone of the data's centre, projects
// everything into it, and works in metres from then on: transects are cast from a
// reference coast (or taken as given), every shoreline is intersected with every transect,
// positions are signed (positive seaward, so positive rates mean accretion), statistics
// follow package change, and transects are grouped into the admin units they start in.
// Run is deterministic: the same input and parameters give the same Result.
package analysis
