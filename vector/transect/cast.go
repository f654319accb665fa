package transect

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"sort"
	"sync"

	"github.com/paulmach/orb"
)

// Tuning of Cast; the doc comment of Cast explains each.
const (
	defaultStep  = 5.0  // metres between land probes along a transect
	sideProbes   = 6    // probes on each side of a transect for the seaward vote
	keepFraction = 0.25 // a crossing cut must leave this share of the cast reach
	maxTurnDeg   = 20   // smoothing may turn a transect this far from a half-size window's
	evenShare    = 0.1  // crossings this close to equally far from both baselines cut both
)

var cosMaxTurn = math.Cos(maxTurnDeg * math.Pi / 180)

// CastOptions sets how Cast lays transects out. Lengths are in metres.
type CastOptions struct {
	Spacing   float64 // metres between transects along the baseline (DSAS default 50); > 0
	Landward  float64 // metres the transect reaches landward of the baseline; >= 0
	Seaward   float64 // metres it reaches seaward; > 0
	Smoothing float64 // window (m) of the along-baseline smoothing used for transect orientation (DSAS default 2500); 0 = none
	Step      float64 // metres between land probes along each transect when looking for the opposite shore; 0 = 5
	// Workers is how many goroutines probe the land mask at once; 0 means GOMAXPROCS.
	// With more than one, Land.Contains is called concurrently. The transects do not
	// depend on it.
	Workers int
	// Progress, if not nil, is called with how many transect positions along the
	// baseline (all parts, before any transect is dropped) have been probed out to their
	// ends, out of how many there are: at most about every 1 % of them, and once with
	// done == total when Cast has finished (not when it fails). Calls come from the
	// workers, one at a time and with done increasing, so it should return quickly.
	Progress func(done, total int)
	// MaxCrossings, when positive, bounds the pairs of drafted transects that cross and
	// must be resolved: on the bends of a coast they grow with the square of the density
	// of transects (at 0.05 m spacing a 600 m transect crosses thousands of neighbours),
	// and Cast holds them all at once, 16 bytes each. Past it, Cast fails with an error
	// that wraps ErrTooDense instead of exhausting memory. 0 means no bound.
	MaxCrossings int
}

// ErrTooDense reports transects laid so densely that resolving their crossings would
// need more than CastOptions.MaxCrossings pairs.
var ErrTooDense = errors.New("transects too dense to resolve their crossings")

func (o CastOptions) check() (CastOptions, error) {
	bad := func(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) }
	switch {
	case bad(o.Spacing) || o.Spacing <= 0:
		return o, fmt.Errorf("spacing %g: must be a positive number of metres", o.Spacing)
	case bad(o.Landward) || o.Landward < 0:
		return o, fmt.Errorf("landward reach %g: must be zero or a positive number of metres", o.Landward)
	case bad(o.Seaward) || o.Seaward <= 0:
		return o, fmt.Errorf("seaward reach %g: must be a positive number of metres", o.Seaward)
	case bad(o.Smoothing) || o.Smoothing < 0:
		return o, fmt.Errorf("smoothing %g: must be zero or a positive number of metres", o.Smoothing)
	case bad(o.Step) || o.Step < 0:
		return o, fmt.Errorf("step %g: must be zero or a positive number of metres", o.Step)
	case o.Workers < 0:
		return o, fmt.Errorf("workers %d: must not be negative", o.Workers)
	case o.MaxCrossings < 0:
		return o, fmt.Errorf("max crossings %d: must not be negative", o.MaxCrossings)
	}
	if o.Step == 0 {
		o.Step = defaultStep
	}
	if o.Workers == 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	return o, nil
}

// Cast lays transects along every part of baseline, Spacing metres apart, each reaching
// Landward metres onto land and Seaward metres out to sea from its baseline point. The
// baseline is usually the reference coastline itself, so transects straddle it. Transects
// are numbered from 1 in order along the parts; a part's direction does not matter.
//
// Layout. An open part of length L gets floor(L/Spacing)+1 transects, centred so that the
// leftover is split between its two ends; a part shorter than Spacing therefore gets one
// transect at its midpoint. A closed ring (first vertex equal to the last, as islands are)
// gets max(1, round(L/Spacing)) transects spread evenly around it, so the seam leaves no
// gap. Consecutive duplicate vertices are ignored and parts of zero length skipped.
//
// Orientation. Each transect is perpendicular to the chord of the baseline over the window
// of Smoothing metres centred on it: the arc-length average of the baseline's tangent,
// which is the direction of the moving average of its positions. The window is cut at the
// ends of an open part, wraps around a ring, and never exceeds half a ring or a whole open
// part. The window is halved, down to Spacing, where it would misrepresent the coast: where
// the coast turns back within it (the chords of its two halves point more than 90° apart,
// as at the tip of a spit or in a narrow inlet), or where halving it would turn the
// transect by more than 20° (a headland or bay smaller than the window). Straight and
// gently curved coasts keep the full smoothing, noise included (noise at scales well below
// the window averages out at both sizes), while small headlands, bays, spits and islands
// get locally normal transects. Smoothing 0 uses the local tangent (the bisector at a
// vertex).
//
// Seaward side. For every transect, land is probed at six distances on both sides (the
// longer reach, halved five times). Wherever the two sides differ, the sea side gets a
// vote; the majority over all transects of a part decides one sea side for the whole part,
// so no transect points the wrong way because of a local oddity. A closed ring without a
// majority has the sea outside; an open part without one is an error.
//
// Land cuts. Walking out from the baseline every Step metres (refined to 1 cm), a seaward
// part that has reached the sea and then meets land again (the other side of a bay, an
// islet) is cut halfway across that stretch of water, and a landward part that has reached
// land and then meets the sea again (the other side of a spit or a small island) is cut
// halfway across that stretch of land, both less a margin of min(1 m, Spacing/20). The
// halfway point keeps each transect to its own shore, so that the shorelines of the
// opposite shore are measured by that shore's transects only. A transect left with no
// seaward reach is dropped.
//
// Crossings. After land cuts, every pair of transects that cross or touch is found through
// a uniform grid and resolved one pair at a time, farthest crossings from the baselines
// first. A crossing belongs to the shore whose baseline point is nearer to it, so the
// other transect is cut there, less the margin; when the two are about equally far (within
// 10 %), as where the normals of a concave bay converge, both are cut. A cut must leave at
// least a quarter of the cast reach on that side (or half of what the land cuts left, when
// that is less); where the preferred cut may not be made the other transect is cut instead,
// and where neither may be, one transect is dropped: the one with more crossings, else
// the later one. Cutting never makes new crossings, so one pass leaves no two transects
// meeting. Dropping happens where transects converge steeply close to the baseline
// (concave corners, with little smoothing); the tests give counts for typical shapes.
//
// Cast returns an error for an empty baseline, a baseline without any part of positive
// length, a non-finite coordinate, a nil land, out-of-range options, or an open part
// whose seaward side the land mask cannot tell.
func Cast(baseline orb.MultiLineString, land Land, opt CastOptions) ([]Transect, error) {
	ts, _, err := cast(baseline, land, opt)
	return ts, err
}

// castStats counts what Cast did, for tests.
type castStats struct {
	laid, landCut, crossCut, dropped int
}

func cast(baseline orb.MultiLineString, land Land, opt CastOptions) ([]Transect, castStats, error) {
	var st castStats
	opt, err := opt.check()
	if err != nil {
		return nil, st, fmt.Errorf("cast transects: %w", err)
	}
	if land == nil {
		return nil, st, errors.New("cast transects: no land mask to tell the seaward side")
	}
	if len(baseline) == 0 {
		return nil, st, errors.New("cast transects: empty baseline")
	}
	var parts []*part
	for i, ls := range baseline {
		p, err := newPart(i, ls)
		if err != nil {
			return nil, st, fmt.Errorf("cast transects: baseline part %d: %w", i, err)
		}
		if p != nil {
			parts = append(parts, p)
		}
	}
	if len(parts) == 0 {
		return nil, st, fmt.Errorf("cast transects: none of the %d baseline parts has any length", len(baseline))
	}
	positions := 0
	for _, p := range parts {
		positions += len(p.positions(opt.Spacing))
	}
	c := &caster{opt: opt, land: land, margin: math.Min(1, opt.Spacing/20), prog: newProgress(opt.Progress, positions)}
	var ds []draft
	for _, p := range parts {
		ds, err = c.castPart(ds, p, &st)
		if err != nil {
			return nil, st, fmt.Errorf("cast transects: baseline part %d: %w", p.index, err)
		}
	}
	if st.crossCut, err = resolveCrossings(ds, c.margin, opt); err != nil {
		return nil, st, fmt.Errorf("cast transects: %w", err)
	}
	out := make([]Transect, 0, len(ds))
	for _, d := range ds {
		if d.dropped {
			st.dropped++
			continue
		}
		out = append(out, Transect{
			ID:       len(out) + 1,
			Origin:   d.origin(),
			End:      d.end(),
			Base:     d.land,
			Azimuth:  azimuth(orb.Point{}, d.dir),
			Part:     d.part,
			Chainage: d.chainage,
		})
	}
	c.prog.finish()
	return out, st, nil
}

// draft is a transect being laid: base point, unit seaward direction and reaches.
type draft struct {
	base, dir   orb.Point
	land, sea   float64 // current reaches from base
	land0, sea0 float64 // reaches after the land cuts
	part        int
	chainage    float64
	dropped     bool
}

func (d *draft) origin() orb.Point { return sub(d.base, scale(d.dir, d.land)) }
func (d *draft) end() orb.Point    { return add(d.base, scale(d.dir, d.sea)) }

type caster struct {
	opt    CastOptions
	land   Land
	margin float64
	prog   *progress
}

// castPart appends the drafts of one baseline part to ds.
func (c *caster) castPart(ds []draft, p *part, st *castStats) ([]draft, error) {
	opt := c.opt
	pos := p.positions(opt.Spacing)
	h0 := opt.Smoothing / 2
	if p.closed {
		h0 = math.Min(h0, p.length/4)
	} else {
		h0 = math.Min(h0, p.length/2)
	}
	hmin := math.Min(h0, opt.Spacing/2)
	reach := math.Max(opt.Landward, opt.Seaward)

	// Probing the land mask is most of the work: the positions are probed in parallel,
	// each worker on its own range, and the results combined in order.
	type spot struct{ pt, left orb.Point }
	spots := make([]spot, len(pos))
	votes := make([]int, len(pos))
	c.parallel(len(pos), func(k int) {
		s := pos[k]
		t := p.tangent(s, h0, hmin)
		left := orb.Point{-t[1], t[0]}
		pt := p.at(s)
		spots[k] = spot{pt, left}
		o := reach
		for range sideProbes {
			l := c.land.Contains(add(pt, scale(left, o)))
			r := c.land.Contains(sub(pt, scale(left, o)))
			switch {
			case l && !r:
				votes[k]--
			case r && !l:
				votes[k]++
			}
			o /= 2
		}
	})
	tally := 0
	for _, v := range votes {
		tally += v
	}
	side := 0.0
	switch {
	case tally > 0:
		side = 1
	case tally < 0:
		side = -1
	case p.closed && p.ccw():
		side = -1 // interior on the left, sea on the right
	case p.closed:
		side = 1
	default:
		return ds, fmt.Errorf("cannot tell the seaward side: the land mask answers the same on both sides of all %d transects", len(pos))
	}
	type reaches struct{ sea, land float64 }
	walked := make([]reaches, len(spots))
	c.parallel(len(spots), func(k int) {
		dir := scale(spots[k].left, side)
		walked[k].sea = c.walk(spots[k].pt, dir, opt.Seaward, false)
		if opt.Landward > 0 {
			walked[k].land = c.walk(spots[k].pt, scale(dir, -1), opt.Landward, true)
		}
		c.prog.add(1)
	})
	for k, sp := range spots {
		st.laid++
		dir := scale(sp.left, side)
		sea, land := walked[k].sea, walked[k].land
		if sea < opt.Seaward || land < opt.Landward {
			st.landCut++
		}
		if sea <= 0 {
			st.dropped++
			continue
		}
		ds = append(ds, draft{
			base: sp.pt, dir: dir, land: land, sea: sea, land0: land, sea0: sea,
			part: p.index, chainage: pos[k],
		})
	}
	return ds, nil
}

// parallel calls fn(k) for every k in [0, n) on c.opt.Workers goroutines, each taking
// a contiguous range, and returns when all are done.
func (c *caster) parallel(n int, fn func(k int)) {
	workers := min(c.opt.Workers, max(n/64, 1))
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := n*w/workers, n*(w+1)/workers
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := lo; k < hi; k++ {
				fn(k)
			}
		}()
	}
	wg.Wait()
}

// walk goes out from p along dir for up to reach metres, expecting to cross ground where
// land.Contains equals home (true for the landward part, false for the seaward part).
// Once it has been on home ground, the first point that is not ends that ground: the walk
// then returns the distance halfway across the home stretch, less the margin. Otherwise it
// returns reach.
func (c *caster) walk(p, dir orb.Point, reach float64, home bool) float64 {
	step := c.opt.Step
	on := func(d float64) bool { return c.land.Contains(add(p, scale(dir, d))) == home }
	seen := false
	first, prev := 0.0, 0.0
	for k := 1; ; k++ {
		d := float64(k) * step
		last := d >= reach
		if last {
			d = reach
		}
		v := on(d)
		switch {
		case !seen && v:
			seen = true
			if k > 1 {
				first = refine(on, prev, d)
			}
		case seen && !v:
			q := refine(on, prev, d)
			return math.Max(0, (first+q)/2-c.margin)
		}
		if last {
			return reach
		}
		prev = d
	}
}

// refine bisects between a and b, where on(a) != on(b), to within a centimetre.
func refine(on func(float64) bool, a, b float64) float64 {
	va := on(a)
	for b-a > 0.01 {
		m := (a + b) / 2
		if on(m) == va {
			a = m
		} else {
			b = m
		}
	}
	return (a + b) / 2
}

// part is one baseline line, without repeated vertices, with its cumulative arc length.
type part struct {
	index  int
	pts    []orb.Point
	cum    []float64
	length float64
	closed bool
}

// newPart prepares baseline part index; it returns nil for a part without length.
func newPart(index int, ls orb.LineString) (*part, error) {
	p := &part{index: index}
	for k, q := range ls {
		if !finite(q) {
			return nil, fmt.Errorf("vertex %d: non-finite coordinate", k)
		}
		if len(p.pts) == 0 || q != p.pts[len(p.pts)-1] {
			p.pts = append(p.pts, q)
		}
	}
	if len(p.pts) < 2 {
		return nil, nil
	}
	p.closed = len(p.pts) >= 4 && p.pts[0] == p.pts[len(p.pts)-1]
	p.cum = make([]float64, len(p.pts))
	for k := 1; k < len(p.pts); k++ {
		p.cum[k] = p.cum[k-1] + norm(sub(p.pts[k], p.pts[k-1]))
	}
	p.length = p.cum[len(p.cum)-1]
	if !(p.length > 0) {
		return nil, nil
	}
	return p, nil
}

// positions returns the arc lengths of the transects of the part (see Cast).
func (p *part) positions(spacing float64) []float64 {
	if p.closed {
		n := max(1, int(math.Round(p.length/spacing)))
		pos := make([]float64, n)
		for k := range pos {
			pos[k] = (float64(k) + 0.5) * p.length / float64(n)
		}
		return pos
	}
	n := int(math.Floor(p.length/spacing+1e-9)) + 1
	off := math.Max(0, (p.length-float64(n-1)*spacing)/2)
	pos := make([]float64, n)
	for k := range pos {
		pos[k] = math.Min(off+float64(k)*spacing, p.length)
	}
	return pos
}

// locate returns the segment holding arc length s (already wrapped or clamped) and the
// fraction along it; at a vertex it returns the segment that starts there.
func (p *part) locate(s float64) (int, float64) {
	j := sort.Search(len(p.cum), func(k int) bool { return p.cum[k] > s })
	seg := min(max(j-1, 0), len(p.pts)-2)
	f := (s - p.cum[seg]) / (p.cum[seg+1] - p.cum[seg])
	return seg, math.Min(math.Max(f, 0), 1)
}

func (p *part) wrap(s float64) float64 {
	if !p.closed {
		return math.Min(math.Max(s, 0), p.length)
	}
	s = math.Mod(s, p.length)
	if s < 0 {
		s += p.length
	}
	return s
}

// at returns the point at arc length s (wrapped around a ring, clamped on an open part).
func (p *part) at(s float64) orb.Point {
	seg, f := p.locate(p.wrap(s))
	return lerp(p.pts[seg], p.pts[seg+1], f)
}

func (p *part) segDir(seg int) orb.Point {
	d := sub(p.pts[seg+1], p.pts[seg])
	return scale(d, 1/norm(d))
}

// localTangent is the unit direction of the part at s; at a vertex, the bisector.
func (p *part) localTangent(s float64) orb.Point {
	seg, f := p.locate(p.wrap(s))
	d := p.segDir(seg)
	if f == 0 && (seg > 0 || p.closed) {
		prev := seg - 1
		if prev < 0 {
			prev = len(p.pts) - 2
		}
		if b := add(p.segDir(prev), d); norm(b) > 1e-9 {
			return scale(b, 1/norm(b))
		}
	}
	return d
}

// tangent is the unit direction of the chord over the window [s-h, s+h]. It halves h,
// down to hmin, while the coast turns back within the window (the chords of its two halves
// point more than 90° apart) or while halving the window would turn the chord by more than
// maxTurn (see Cast).
func (p *part) tangent(s, h, hmin float64) orb.Point {
	if h <= 0 {
		return p.localTangent(s)
	}
	pc := p.at(s)
	chord := func(h float64) (c orb.Point, uturn bool) {
		a, b := s-h, s+h
		if !p.closed {
			a, b = math.Max(a, 0), math.Min(b, p.length)
		}
		pa, pb := p.at(a), p.at(b)
		c = sub(pb, pa)
		if l := norm(c); l > 1e-9*(b-a) {
			c = scale(c, 1/l)
		} else {
			c = orb.Point{}
		}
		return c, dot(sub(pc, pa), sub(pb, pc)) < 0
	}
	c, uturn := chord(h)
	for h > hmin {
		hh := math.Max(h/2, hmin)
		c2, uturn2 := chord(hh)
		if !uturn && c != (orb.Point{}) && dot(c, c2) >= cosMaxTurn {
			return c
		}
		h, c, uturn = hh, c2, uturn2
	}
	if c != (orb.Point{}) {
		return c
	}
	return p.localTangent(s)
}

// ccw reports whether a closed part runs counter-clockwise (positive signed area).
func (p *part) ccw() bool {
	a := 0.0
	o := p.pts[0]
	for k := 1; k+1 < len(p.pts); k++ {
		a += cross(sub(p.pts[k], o), sub(p.pts[k+1], o))
	}
	return a > 0
}
