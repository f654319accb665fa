// Package transect casts shore-normal transects from a baseline and measures where
// shorelines cross them, in the manner of DSAS and CoastSat.
//
// All geometry is planar, in metres, in one projected CRS (the UTM zone of the data);
// nothing here knows about longitude and latitude. Distances along a transect are signed
// and measured from where it crosses its baseline (Transect.Base), positive seaward.
//
// Cast improves on DSAS and CoastSat where their users complain most, on curved coasts,
// headlands, islands and spits:
//
//   - Orientation comes from an adaptive window: the direction is the chord of the baseline
//     over the smoothing window (the arc-length average of its tangent, so a moving average
//     of the line), and the window is halved, down to the transect spacing, wherever the
//     coast turns back on itself inside it or halving it would turn the transect by more
//     than 20°, so that headlands, spits and islands smaller than the window still get
//     normal transects.
//   - The seaward side is decided once per baseline part by a majority of land probes on
//     both sides of every transect of the part, so no single transect can point the wrong
//     way; a closed ring with no verdict from the land mask has the sea outside.
//   - A transect whose seaward part meets land again (across a bay, onto an islet) stops
//     halfway across the water, and one whose landward part reaches the sea again (across
//     a spit or a small island) stops halfway across the land, so that it never counts the
//     opposite shore's shorelines.
//   - No two transects cross or touch: every crossing is found through a uniform grid and
//     resolved by shortening to just short of it the transect whose baseline is farther
//     from it (both, when they are about equally far), or by dropping one where shortening
//     would leave too little of it (see Cast).
//
// Intersect finds, for every transect and shoreline, the one position DSAS (most seaward
// or most landward crossing) or CoastSat (median of the shoreline within a band around the
// transect) would report, through a grid over the transects and a pool of workers; its
// output does not depend on the number of workers. IntersectPointsContext measures point
// shorelines (CoastSeg's per-date MultiPoints) the CoastSat way, the median of the points
// in the band, on the same index and workers.
package transect
