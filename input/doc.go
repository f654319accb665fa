// Package input reads what a researcher brings to an analysis — dated shorelines as lines
// or points in any OGR format, given transects, CoastSat and CoastSeg time series, admin
// units, land and a reference coast — into an analysis.Input, with a Report of what was
// read, what was skipped and why.
//
// Real shoreline sets are messy, and input follows one rule for them: a flaw in one
// feature, part or cell is worked around and reported (file, layer, feature, field or row,
// and a lon/lat location where there is one), and reading fails only when nothing usable
// remains; but input that would make the numbers wrong — a date before 1800 or after the
// day of the analysis, an output file named as an input, series columns that match no
// transect, a multi-layer file whose shoreline layer is not named — is refused with an
// error that says what to do. Duplicates (a file read twice, a copy in the folder, two
// identical features) are read once and reported, so n never counts a shoreline twice.
//
// Everything Load returns is in WGS84 lon/lat; package analysis projects it. Load uses the
// bundled Timor-Leste data (package data) as the default admin units, land and coast
// where the shorelines lie in Timor-Leste.
package input
