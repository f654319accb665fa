// Package synthetic generates dated synthetic shorelines with a known rate of change, for
// the demo and for tests of the analysis.
//
// There is no public time series of satellite-derived shorelines for Timor-Leste, so
// Generate makes one from a reference coast: it moves every vertex along the seaward
// normal of the coast (smoothed along shore) by rate·(t − Start), adds along-shore
// correlated positional noise scaled by each shoreline's uncertainty and an optional
// seasonal cycle, cuts the loops that the displacement makes on tight bends so that no
// generated line crosses itself or another (or, with Options.KeepLoops, keeps them, as
// real shorelines have them), and removes contiguous stretches as cloud gaps. The rate
// field is what the analysis must recover: Truth gives it at a point.
//
// Everything is planar, in metres, in a projected CRS (UTM of the data): the coast, the
// rate field's argument and the generated geometry. Rates are in metres per year,
// positive seaward (accretion). Years are tropical years of 365.242199 days, the length
// DSAS decimal years use, so rates fitted on DSAS decimal dates match the rate field.
//
// The output depends only on the inputs and Options.Seed: the same seed gives the same
// shorelines, bit for bit, on every run and any number of CPUs.
package synthetic
