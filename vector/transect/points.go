package transect

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// IntersectPointsContext measures shorelines given as points, such as CoastSeg's
// extracted_shorelines_points.geojson (one MultiPoint per date), the way CoastSat does:
// for each transect and shoreline, it takes the points within opt.Band (perpendicular
// distance; 0 means DefaultBand) of the transect line and within its extent along it (the
// band rectangle of IntersectContext's Median mode, edges included), and reports the
// median of their along-transect coordinates, as numpy's median (the mean of the middle
// two for an even count), as a distance from Base, positive seaward.
//
// opt.Mode is not used: points have no crossings to choose among, so the position is
// always CoastSat's median. CoastSat's quality checks apply: with opt.MinPoints positive,
// fewer points than that in the band give no hit (min_points), and with opt.MaxStd
// positive, so does a population standard deviation (numpy's std) of their along-transect
// coordinates above it (max_std). opt.MinLength is not used. Points with a non-finite
// coordinate are ignored; a point given twice counts twice.
//
// Hits are sorted by transect and then shoreline, at most one per pair, and do not depend
// on opt.Workers, as with IntersectContext, whose transect index and workers it shares. It
// returns an error for negative or non-finite options, and ctx.Err() when ctx ends first.
func IntersectPointsContext(ctx context.Context, transects []Transect, shorelines []orb.MultiPoint, opt IntersectOptions) ([]Hit, error) {
	opt.Mode = Median // not used; the band pads the index as Median's does
	opt, err := opt.check()
	if err != nil {
		return nil, fmt.Errorf("intersect point shorelines: %w", err)
	}
	return intersect(ctx, transects, len(shorelines), opt, opt.Band, func(w *worker, j int) []found {
		return w.points(shorelines[j])
	})
}

// points returns where the point shoreline mp lies along the transects, sorted by
// transect.
func (w *worker) points(mp orb.MultiPoint) []found {
	w.recs = w.recs[:0]
	g, band := w.grid, w.opt.Band
	for _, p := range mp {
		cx, cy := math.Floor(p[0]*g.inv), math.Floor(p[1]*g.inv)
		if math.IsNaN(cx+cy) || math.IsInf(cx+cy, 0) {
			continue
		}
		// Every transect within the band of p is listed in p's cell, once.
		for _, t := range g.cell(key(cx, cy)) {
			f := &w.frames[t]
			if f.disabled {
				continue
			}
			dx, dy := p[0]-f.o[0], p[1]-f.o[1]
			x, y := dx*f.ux+dy*f.uy, dy*f.ux-dx*f.uy
			if x >= 0 && x <= f.length && math.Abs(y) <= band {
				w.recs = append(w.recs, rec{t: t, lo: x})
			}
		}
	}
	return w.group(w.pointMedian)
}

// pointMedian is the median along-transect position of the points rs of one transect,
// after the MinPoints and MaxStd checks.
func (w *worker) pointMedian(rs []rec) (float64, bool) {
	n := len(rs)
	if n < w.opt.MinPoints {
		return 0, false
	}
	if w.opt.MaxStd > 0 {
		ref := rs[0].lo // shift, against cancellation
		var s1, s2 float64
		for _, r := range rs {
			d := r.lo - ref
			s1 += d
			s2 += d * d
		}
		mean := s1 / float64(n)
		if v := s2/float64(n) - mean*mean; v > w.opt.MaxStd*w.opt.MaxStd {
			return 0, false
		}
	}
	slices.SortFunc(rs, func(a, b rec) int {
		switch {
		case a.lo < b.lo:
			return -1
		case a.lo > b.lo:
			return 1
		}
		return 0
	})
	if n%2 == 1 {
		return rs[n/2].lo, true
	}
	return (rs[n/2-1].lo + rs[n/2].lo) / 2, true
}
