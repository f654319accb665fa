// Package change computes DSAS v5 shoreline change statistics per transect and summarises
// them per admin unit.
//
// Units: shoreline positions (Observation.Distance) and their uncertainties are metres
// along a transect, signed and positive seaward; dates are converted to DSAS decimal years
// (see DecimalYear); rates (EPR, LRR, WLR and their uncertainties) are metres per year, so a
// positive rate is accretion and a negative rate erosion. SCE and NSM are metres. R² values
// are dimensionless. Statistics that are undefined for the data given are math.NaN(), never
// zero.
//
// The formulas follow the DSAS 5.0 user guide (Himmelstoss et al., 2018, USGS Open-File
// Report 2018-1179) as restated in the project's DOMAIN.md: SCE, NSM, EPR with its
// uncertainty, ordinary least squares (LRR, LR2, LSE, LCI) and weighted least squares with
// weights 1/u² (WLR, WR2, WSE, WCI). Summarize gives the per-unit summaries of the USGS
// National Assessment of Shoreline Change.
//
// The package uses only the standard library and holds no state.
package change
