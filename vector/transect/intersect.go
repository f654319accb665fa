package transect

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/paulmach/orb"
)

// Mode says which position Intersect reports where a shoreline meets a transect more
// than once.
type Mode int

const (
	// Seaward keeps the most seaward crossing (the DSAS default).
	Seaward Mode = iota
	// Landward keeps the most landward crossing (the DSAS option).
	Landward
	// Median is CoastSat's method: the median along-transect position of the shoreline
	// within a band either side of the transect.
	Median
)

// String returns the mode's name as the command line spells it.
func (m Mode) String() string {
	switch m {
	case Seaward:
		return "seaward"
	case Landward:
		return "landward"
	case Median:
		return "median"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// DefaultBand is CoastSat's along_dist: the half-width (m) of the band around a transect
// whose shoreline points the median mode uses.
const DefaultBand = 25.0

// Hit is where one shoreline meets one transect.
type Hit struct {
	Transect, Shoreline int       // indexes into the inputs
	Distance            float64   // m from the baseline crossing (Base), positive seaward
	Point               orb.Point // the position on the transect
}

// IntersectOptions tunes IntersectContext. The zero value is DSAS's default (most seaward
// crossing) on all cores.
type IntersectOptions struct {
	Mode Mode
	// Band is the half-width (m) of the band either side of a transect used by Median;
	// 0 means DefaultBand (CoastSat's along_dist, 25 m).
	Band float64
	// MaxStd, when positive, makes Median report nothing where the shoreline positions
	// within the band spread with a standard deviation above it (CoastSat's quality
	// control: max_std, 15 m in its examples, answered with NaN). 0 turns the check off.
	MaxStd float64
	// MinLength, when positive, makes Median report nothing where less than this length
	// (m) of shoreline lies within the band (CoastSat's min_points, counted in metres
	// because the shoreline is used at every point, see Median). 0 turns the check off.
	MinLength float64
	// MinPoints, when positive, makes IntersectPointsContext report nothing where fewer
	// points than this lie within the band (CoastSat's min_points, 3 in its examples). 0
	// turns the check off; line shorelines do not use it (see MinLength).
	MinPoints int
	// Workers is how many goroutines share the shorelines; 0 means GOMAXPROCS. The result
	// does not depend on it.
	Workers int
	// Progress, if not nil, is called with how many of the shorelines have been measured
	// out of how many there are: as they complete, at most about every 1 % of them, and
	// once with done == total when all are done and the hits merged (not when ctx ends
	// first). Calls come from the workers, one at a time and with done increasing, and
	// hold up the worker making the call, so it should return quickly.
	Progress func(done, total int)
}

// Intersect returns where each shoreline meets each transect, at most one hit per
// (transect, shoreline), sorted by transect and then shoreline. mode picks the crossing
// (see Mode); band is the Median half-width in metres, with 0 or less meaning DefaultBand,
// and is ignored by the other modes. Intersect panics if mode is not one of the Mode
// constants; IntersectContext returns an error instead, and takes the quality checks.
func Intersect(transects []Transect, shorelines []orb.MultiLineString, mode Mode, band float64) []Hit {
	if !(band > 0) {
		band = DefaultBand
	}
	hits, err := IntersectContext(context.Background(), transects, shorelines, IntersectOptions{Mode: mode, Band: band})
	if err != nil {
		panic("transect.Intersect: " + err.Error())
	}
	return hits
}

// IntersectContext is Intersect with options and cancellation.
//
// A transect is the segment from Origin to End; distances are measured from its baseline
// crossing (Base), positive seaward. In Seaward and Landward mode a hit is a true crossing
// of the segment (touching counts; where a shoreline runs along the transect, both ends of
// the shared stretch count). In Median mode the band is the rectangle of the transect's
// length and 2·Band wide around it, and the position is the median along-transect
// coordinate of the shoreline within it, every point of the shoreline counting equally:
// CoastSat takes the median of the shoreline's vertices within along_dist of the transect
// line, which depends on how densely the shoreline was digitised, and interpolating it to
// a fine spacing removes that; here the shoreline is densified in the limit, exactly, by
// clipping each segment to the band and taking the length-weighted median of the clipped
// pieces (each spread evenly along its along-transect extent). Where two crossings carry
// equal weight the median is halfway between them, as numpy's is. Unlike CoastSat, which
// looks up to 1 km from the origin and 100 m behind it, only the shoreline alongside the
// transect's own extent counts, so cut transects never pick up the opposite shore.
//
// A shoreline is used whole, however messy: where it loops or crosses itself (river
// mouths, rocks, surf) or has several parts that overlap, every crossing of every part
// counts, and the mode picks among them as DSAS does; linework.SelfCrossings finds such
// places to report them. Segments of zero length are ignored, and so are segments with a
// non-finite coordinate. A straight jump between contour pieces (CoastSat joins them into
// one line) would count as shoreline: remove jumps with linework.SplitAtGaps first.
//
// Shoreline segments are looked up in a uniform grid over the transects; shorelines are
// shared among Workers goroutines, each processed in input order by one worker, so the
// result is the same for any number of workers. It returns an error for an unknown mode
// or negative or non-finite options, and ctx.Err() when ctx ends first.
func IntersectContext(ctx context.Context, transects []Transect, shorelines []orb.MultiLineString, opt IntersectOptions) ([]Hit, error) {
	opt, err := opt.check()
	if err != nil {
		return nil, fmt.Errorf("intersect shorelines: %w", err)
	}
	pad := 0.0
	if opt.Mode == Median {
		pad = opt.Band
	}
	return intersect(ctx, transects, len(shorelines), opt, pad, func(w *worker, j int) []found {
		return w.shoreline(shorelines[j])
	})
}

// check validates opt and fills in the default band.
func (opt IntersectOptions) check() (IntersectOptions, error) {
	bad := func(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) || v < 0 }
	switch {
	case opt.Mode != Seaward && opt.Mode != Landward && opt.Mode != Median:
		return opt, fmt.Errorf("unknown mode %v", opt.Mode)
	case bad(opt.Band):
		return opt, fmt.Errorf("band %g: must be a positive number of metres", opt.Band)
	case bad(opt.MaxStd):
		return opt, fmt.Errorf("max std %g: must be zero or a positive number of metres", opt.MaxStd)
	case bad(opt.MinLength):
		return opt, fmt.Errorf("min length %g: must be zero or a positive number of metres", opt.MinLength)
	case opt.MinPoints < 0:
		return opt, fmt.Errorf("min points %d: must not be negative", opt.MinPoints)
	case opt.Workers < 0:
		return opt, fmt.Errorf("workers %d: must not be negative", opt.Workers)
	}
	if opt.Band == 0 {
		opt.Band = DefaultBand
	}
	return opt, nil
}

// intersect runs measure on every one of n shorelines, shared among opt.Workers
// goroutines, over an index of the transects padded by pad, and merges what they found
// into hits sorted by transect and then shoreline.
func intersect(ctx context.Context, transects []Transect, n int, opt IntersectOptions, pad float64, measure func(w *worker, j int) []found) ([]Hit, error) {
	prog := newProgress(opt.Progress, n)
	if len(transects) == 0 || n == 0 {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		prog.finish()
		return nil, nil
	}
	ix := newIntersector(transects, opt, pad)
	workers := opt.Workers
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, n)
	results := make([][]found, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := ix.newWorker()
			for {
				j := int(next.Add(1) - 1)
				if j >= n || ctx.Err() != nil {
					return
				}
				results[j] = measure(w, j)
				prog.add(1)
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// Merge: by transect, and within a transect by shoreline.
	pos := make([]int, len(transects)+1)
	for _, r := range results {
		for _, h := range r {
			pos[h.t+1]++
		}
	}
	for i := 1; i < len(pos); i++ {
		pos[i] += pos[i-1]
	}
	out := make([]Hit, pos[len(pos)-1])
	for j, r := range results {
		for _, h := range r {
			f := &ix.frames[h.t]
			out[pos[h.t]] = Hit{
				Transect: int(h.t), Shoreline: j, Distance: h.x - f.base,
				Point: orb.Point{f.o[0] + h.x*f.ux, f.o[1] + h.x*f.uy},
			}
			pos[h.t]++
		}
	}
	prog.finish()
	return out, nil
}

// frame is a transect in its own coordinates: x along it from the origin, y to its left.
type frame struct {
	o        orb.Point
	ux, uy   float64
	length   float64
	base     float64
	disabled bool
}

type intersector struct {
	opt    IntersectOptions
	frames []frame
	grid   *grid
}

// newIntersector prepares the transects ts, indexed in a grid with padding pad (the band
// for the modes that look at the shoreline alongside a transect, else 0).
func newIntersector(ts []Transect, opt IntersectOptions, pad float64) *intersector {
	ix := &intersector{opt: opt, frames: make([]frame, len(ts))}
	os, es := make([]orb.Point, len(ts)), make([]orb.Point, len(ts))
	disabled := make([]bool, len(ts))
	for i, t := range ts {
		l := t.Length()
		if !(l > 0) || !finite(t.Origin) || !finite(t.End) || math.IsInf(l, 0) {
			ix.frames[i].disabled = true
			disabled[i] = true
			continue
		}
		os[i], es[i] = t.Origin, t.End
		ix.frames[i] = frame{
			o: t.Origin, ux: (t.End[0] - t.Origin[0]) / l, uy: (t.End[1] - t.Origin[1]) / l,
			length: l, base: t.Base,
		}
	}
	ix.grid = newGrid(os, es, pad, disabled)
	return ix
}

// rec is one candidate on transect t: a crossing at x = lo (Seaward, Landward), or a piece
// of shoreline inside the band spanning [lo, hi] along the transect with length w (Median).
type rec struct {
	t      int32
	lo, hi float64
	w      float64
}

// event is a breakpoint of the cumulative shoreline length along a transect.
type event struct {
	x    float64
	mass float64 // point mass added at x
	dens float64 // change of density (m of shoreline per m along the transect) at x
	open int     // change in the number of spread pieces covering x
}

type worker struct {
	*intersector
	recs   []rec
	sorted []rec
	count  []int32
	stamp  []uint32
	serial uint32
	events []event
}

func (ix *intersector) newWorker() *worker {
	return &worker{
		intersector: ix,
		count:       make([]int32, len(ix.frames)+1),
		stamp:       make([]uint32, len(ix.frames)),
	}
}

// shoreline returns where shoreline ml meets the transects, sorted by transect.
func (w *worker) shoreline(ml orb.MultiLineString) []found {
	w.recs = w.recs[:0]
	g := w.grid
	for _, ls := range ml {
		for k := 0; k+1 < len(ls); k++ {
			a, b := ls[k], ls[k+1]
			x0, x1 := math.Floor(math.Min(a[0], b[0])*g.inv), math.Floor(math.Max(a[0], b[0])*g.inv)
			y0, y1 := math.Floor(math.Min(a[1], b[1])*g.inv), math.Floor(math.Max(a[1], b[1])*g.inv)
			if x0 == x1 && y0 == y1 {
				for _, t := range g.cell(key(x0, y0)) {
					w.test(t, a, b)
				}
				continue
			}
			if math.IsNaN(x0+x1+y0+y1) || math.IsInf(x0+x1+y0+y1, 0) {
				continue
			}
			w.serial++
			g.cover(a, b, 0, func(c uint64) {
				for _, t := range g.cell(c) {
					if w.stamp[t] != w.serial {
						w.stamp[t] = w.serial
						w.test(t, a, b)
					}
				}
			})
		}
	}
	return w.group(w.reduce)
}

// group sorts w.recs by transect, keeping their order within a transect, and returns
// what reduce makes of the records of each transect, sorted by transect.
func (w *worker) group(reduce func([]rec) (float64, bool)) []found {
	if len(w.recs) == 0 {
		return nil
	}
	// Group the records by transect, keeping their order.
	clear(w.count)
	for _, r := range w.recs {
		w.count[r.t+1]++
	}
	for i := 1; i < len(w.count); i++ {
		w.count[i] += w.count[i-1]
	}
	w.sorted = slices.Grow(w.sorted[:0], len(w.recs))[:len(w.recs)]
	for _, r := range w.recs {
		w.sorted[w.count[r.t]] = r
		w.count[r.t]++
	}
	groups := 0
	for i := range w.sorted {
		if i == 0 || w.sorted[i].t != w.sorted[i-1].t {
			groups++
		}
	}
	hits := make([]found, 0, groups)
	for lo := 0; lo < len(w.sorted); {
		t := w.sorted[lo].t
		hi := lo + 1
		for hi < len(w.sorted) && w.sorted[hi].t == t {
			hi++
		}
		if x, ok := reduce(w.sorted[lo:hi]); ok {
			hits = append(hits, found{t, x})
		}
		lo = hi
	}
	return hits
}

// found is a position x (m from the origin) on transect t.
type found struct {
	t int32
	x float64
}

// test records what segment ab contributes to transect t.
func (w *worker) test(t int32, a, b orb.Point) {
	f := &w.frames[t]
	if f.disabled {
		return
	}
	ax, ay := a[0]-f.o[0], a[1]-f.o[1]
	bx, by := b[0]-f.o[0], b[1]-f.o[1]
	xa, ya := ax*f.ux+ay*f.uy, ay*f.ux-ax*f.uy
	xb, yb := bx*f.ux+by*f.uy, by*f.ux-bx*f.uy
	if w.opt.Mode != Median {
		if (ya > 0 && yb > 0) || (ya < 0 && yb < 0) {
			return
		}
		if ya == yb { // on the transect line: both ends of the shared stretch
			lo, hi := math.Max(math.Min(xa, xb), 0), math.Min(math.Max(xa, xb), f.length)
			if lo <= hi {
				w.recs = append(w.recs, rec{t: t, lo: lo}, rec{t: t, lo: hi})
			}
			return
		}
		x := xa + (xb-xa)*ya/(ya-yb)
		if x >= 0 && x <= f.length {
			w.recs = append(w.recs, rec{t: t, lo: x})
		}
		return
	}
	// Liang–Barsky clip of the segment to the band [0, length] × [-band, band]: keep the
	// τ in [0, 1] where p·τ <= q for each side.
	band := w.opt.Band
	dx, dy := xb-xa, yb-ya
	t0, t1 := 0.0, 1.0
	for side := range 4 {
		var p, q float64
		switch side {
		case 0:
			p, q = -dx, xa
		case 1:
			p, q = dx, f.length-xa
		case 2:
			p, q = -dy, ya+band
		default:
			p, q = dy, band-ya
		}
		switch {
		case p == 0:
			if q < 0 {
				return
			}
		case p < 0:
			if r := q / p; r > t0 {
				t0 = r
			}
		default:
			if r := q / p; r < t1 {
				t1 = r
			}
		}
		if t0 > t1 {
			return
		}
	}
	l := (t1 - t0) * math.Hypot(dx, dy)
	if !(l > 0) {
		return
	}
	x0, x1 := xa+t0*dx, xa+t1*dx
	if x0 > x1 {
		x0, x1 = x1, x0
	}
	w.recs = append(w.recs, rec{t: t, lo: x0, hi: x1, w: l})
}

// reduce turns the records of one (transect, shoreline) into one position along the
// transect, from its origin.
func (w *worker) reduce(rs []rec) (float64, bool) {
	switch w.opt.Mode {
	case Seaward:
		x := rs[0].lo
		for _, r := range rs[1:] {
			x = math.Max(x, r.lo)
		}
		return x, true
	case Landward:
		x := rs[0].lo
		for _, r := range rs[1:] {
			x = math.Min(x, r.lo)
		}
		return x, true
	}
	return w.median(rs)
}

// median is the length-weighted median of the pieces rs (see IntersectContext), after the
// MinLength and MaxStd checks.
func (w *worker) median(rs []rec) (float64, bool) {
	total, m1, m2 := 0.0, 0.0, 0.0
	ref := rs[0].lo // shift for the moments, against cancellation
	ev := w.events[:0]
	for _, r := range rs {
		lo, hi := r.lo-ref, r.hi-ref
		total += r.w
		m1 += r.w * (lo + hi) / 2
		m2 += r.w * (lo*lo + lo*hi + hi*hi) / 3
		if r.hi-r.lo <= 1e-9 {
			ev = append(ev, event{x: r.lo, mass: r.w})
		} else {
			d := r.w / (r.hi - r.lo)
			ev = append(ev, event{x: r.lo, dens: d, open: 1}, event{x: r.hi, dens: -d, open: -1})
		}
	}
	w.events = ev
	if total <= 0 || (w.opt.MinLength > 0 && total < w.opt.MinLength) {
		return 0, false
	}
	if w.opt.MaxStd > 0 {
		mean := m1 / total
		if v := m2/total - mean*mean; v > w.opt.MaxStd*w.opt.MaxStd {
			return 0, false
		}
	}
	slices.SortFunc(ev, func(a, b event) int {
		switch {
		case a.x < b.x:
			return -1
		case a.x > b.x:
			return 1
		}
		return 0
	})
	half, tol := total/2, 1e-12*total
	cum, dens, open := 0.0, 0.0, 0
	prev := ev[0].x
	for i := 0; i < len(ev); {
		x := ev[i].x
		if open > 0 {
			inc := dens * (x - prev)
			if cum+inc > half+tol {
				return prev + (half-cum)/dens, true
			}
			cum += inc
		}
		for ; i < len(ev) && ev[i].x == x; i++ {
			cum += ev[i].mass
			dens += ev[i].dens
			open += ev[i].open
		}
		if open == 0 {
			dens = 0
		}
		if cum > half+tol {
			return x, true
		}
		if cum >= half-tol { // exactly half: the middle of the flat stretch after x
			if open > 0 || i == len(ev) {
				return x, true
			}
			return (x + ev[i].x) / 2, true
		}
		prev = x
	}
	return ev[len(ev)-1].x, true
}
