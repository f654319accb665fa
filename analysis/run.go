package analysis

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/paulmach/orb/project"
	"github.com/tasi-gis/tasi/vector/change"
	"github.com/tasi-gis/tasi/vector/linework"
	"github.com/tasi-gis/tasi/vector/polyindex"
	"github.com/tasi-gis/tasi/vector/transect"
)

// ErrNoSeaSide reports that transects must be cast but nothing tells land from sea.
var ErrNoSeaSide = errors.New("cannot tell the seaward side of the coast: give admin units or land polygons")

// Run computes shoreline change for in with parameters p.
//
// Zones. The result's zone is the UTM zone of the centre of the shorelines (or given
// transects), found as utm.Centre does, so that data straddling the antimeridian gets
// zone 60 or 1. When every vertex of the reference coast (or of the given transects) lies
// within 4.5° of longitude of that zone's central meridian (scale error under 0.27 %; all
// of Timor-Leste is in 51S), everything is measured in that zone, as it always was.
// Otherwise each part of the coast is measured in the zone of its own centre if it fits
// within 4.5° of that meridian, and else is cut into pieces at the edges of the standard
// 6° zones: walking along the part, a cut is made where it last left its zone when it
// runs on more than 1.5° past the edge. A coast running across zones is so measured
// within 3° of a meridian (scale error under 0.1 %) except where it ends or turns back
// within 1.5° past an edge, and a coast wiggling along an edge is not chopped up. Each
// piece becomes a baseline part of its own: its transects are laid out and smoothed within
// the piece, so at a cut the smoothing window is truncated exactly as at the end of a part
// (on a curved coast the transects beside a cut turn by about half the window over the
// radius of curvature), and transects of neighbouring zones that cross are then cut or
// dropped as Cast does within a zone. Given transects are measured in the zone of their
// midpoints. See Result for what is converted back to the result's zone and what keeps
// the local metres.
func Run(ctx context.Context, in Input, p Params) (*Result, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	if err := checkInput(in); err != nil {
		return nil, err
	}
	if err := checkMemory(in, p); err != nil {
		return nil, err
	}
	var seriesCols []int
	if in.Series != nil {
		var err error
		if seriesCols, err = seriesColumns(in.Series, in.Transects); err != nil {
			return nil, err
		}
	}
	plan, err := planZones(in)
	if err != nil {
		return nil, err
	}
	zone := plan.zone
	res := &Result{Zone: zone, Params: p}
	fwd := orb.Projection(zone.Forward)

	// Projecting and checking whole-coast shorelines is a third of a run: spread it over the
	// cores, one shoreline per task.
	res.Shorelines = make([]Shoreline, len(in.Shorelines))
	err = forEach(ctx, len(in.Shorelines), func(i int) error {
		s := in.Shorelines[i]
		if err := checkShoreline(s); err != nil {
			return fmt.Errorf("shoreline %s: %w", s.Source, err)
		}
		s.Geometry = project.MultiLineString(s.Geometry.Clone(), fwd)
		s.Points = project.MultiPoint(s.Points.Clone(), fwd)
		res.Shorelines[i] = s
		return nil
	})
	if err != nil {
		return nil, err
	}
	units := make([]AdminUnit, len(in.Units))
	unitPolys := make([]orb.MultiPolygon, len(in.Units))
	_ = forEach(ctx, len(in.Units), func(i int) error {
		u := in.Units[i]
		u.Geometry = project.MultiPolygon(u.Geometry.Clone(), fwd)
		units[i], unitPolys[i] = u, u.Geometry
		return nil
	})
	unitIndex := polyindex.New(unitPolys)
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	var labels []string
	var obs [][]change.Observation
	var gap func(a, b int) float64 // between the baseline crossings of two given transects
	if plan.multi {
		if labels, obs, gap, err = res.runZones(ctx, in, p, plan, seriesCols); err != nil {
			return nil, err
		}
	} else {
		if labels, err = res.makeTransects(in, p, unitIndex); err != nil {
			return nil, err
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if obs, err = res.observe(ctx, in, p, seriesCols); err != nil {
			return nil, err
		}
	}
	p.report("statistics", 0, len(res.Transects))
	for i := range res.Transects {
		t := &res.Transects[i]
		t.Label = labels[i]
		if len(obs[i]) == 0 {
			res.Missed = append(res.Missed, i)
			t.Stats = change.Stats{N: 0, SCE: math.NaN(), NSM: math.NaN(), EPR: math.NaN(), EPRunc: math.NaN(),
				LRR: math.NaN(), LR2: math.NaN(), LSE: math.NaN(), LCI: math.NaN(),
				WLR: math.NaN(), WR2: math.NaN(), WSE: math.NaN(), WCI: math.NaN()}
			continue
		}
		st, err := change.Compute(obs[i], p.Confidence)
		if err != nil {
			return nil, fmt.Errorf("transect %s: %w", t.Label, err)
		}
		t.Stats = st
	}
	p.report("statistics", len(res.Transects), len(res.Transects))
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res.widths(p.Spacing, gap)
	res.aggregate(units, unitIndex)
	return res, nil
}

func (p Params) validate() error {
	switch {
	case !(p.Spacing > 0):
		return fmt.Errorf("transect spacing %v m: must be positive", p.Spacing)
	case !(p.Length > 0):
		return fmt.Errorf("transect length %v m: must be positive", p.Length)
	case p.Smoothing < 0 || math.IsNaN(p.Smoothing):
		return fmt.Errorf("smoothing %v m: must not be negative", p.Smoothing)
	case !(p.Confidence > 0 && p.Confidence < 1):
		return fmt.Errorf("confidence %v: must lie between 0 and 1 (0.9 for 90 %%)", p.Confidence)
	case !(p.DefaultUncertainty > 0):
		return fmt.Errorf("default uncertainty %v m: must be positive", p.DefaultUncertainty)
	case p.Mode == transect.Median && !(p.Band > 0):
		return fmt.Errorf("median band %v m: must be positive", p.Band)
	}
	return nil
}

func (p Params) report(step string, done, total int) {
	if p.Progress != nil {
		p.Progress(Progress{Step: step, Done: done, Total: total})
	}
}

// checkShoreline rejects a shoreline that cannot be measured. Lines may cross themselves
// (they are measured as DSAS does), but every part must be measurable: package input
// drops the parts that are not, with a report, before they get here.
func checkShoreline(s Shoreline) error {
	switch {
	case !(s.Uncertainty > 0) || math.IsInf(s.Uncertainty, 0):
		return fmt.Errorf("uncertainty %v m: must be a positive number", s.Uncertainty)
	case len(s.Geometry) > 0 && len(s.Points) > 0:
		return errors.New("holds both lines and points: give them as two shorelines")
	case len(s.Geometry) == 0 && len(s.Points) == 0:
		return errors.New("empty geometry")
	}
	if _, problems := linework.Clean(s.Geometry); len(problems) > 0 {
		return fmt.Errorf("%v (drop unusable parts first)", problems[0])
	}
	for i, p := range s.Points {
		if math.IsNaN(p[0]+p[1]) || math.IsInf(p[0]+p[1], 0) {
			return fmt.Errorf("point %d is not a finite coordinate", i)
		}
	}
	return nil
}

// checkInput rejects input that cannot give a rate: no shorelines, fewer than two dates.
func checkInput(in Input) error {
	dates := make(map[time.Time]bool)
	switch {
	case in.Series != nil:
		if len(in.Transects) == 0 {
			return fmt.Errorf("time series %s: needs the transects it was measured on", in.Series.Source)
		}
		for _, d := range in.Series.Dates {
			dates[d] = true
		}
		if len(dates) < 2 {
			return fmt.Errorf("time series %s: %d distinct dates, need at least two", in.Series.Source, len(dates))
		}
		return nil
	case len(in.Shorelines) == 0:
		return errors.New("no shorelines given")
	}
	for _, s := range in.Shorelines {
		dates[s.Date] = true
	}
	if len(dates) < 2 {
		return fmt.Errorf("%d shorelines with %d distinct date: need at least two dates for a rate", len(in.Shorelines), len(dates))
	}
	return nil
}

// makeTransects fills res.Transects and res.Baseline and returns each transect's label.
func (res *Result) makeTransects(in Input, p Params, units *polyindex.Index) ([]string, error) {
	fwd := orb.Projection(res.Zone.Forward)
	if len(in.Transects) > 0 {
		lines := make([]orb.LineString, len(in.Transects))
		labels := make([]string, len(in.Transects))
		for i, t := range in.Transects {
			lines[i] = project.LineString(t.Line.Clone(), fwd)
			labels[i] = t.ID
		}
		ts, err := transect.Given(lines, in.OriginSeaward)
		if err != nil {
			return nil, fmt.Errorf("given transects: %w", err)
		}
		res.setTransects(ts)
		return labels, nil
	}

	coast := project.MultiLineString(in.Coast.Clone(), fwd)
	if len(coast) == 0 {
		coast = oldestShoreline(res.Shorelines)
	}
	coast = linework.Merge(coast, 1)
	land := units
	if len(in.Land) > 0 {
		polys := make([]orb.MultiPolygon, len(in.Land))
		for i, l := range in.Land {
			polys[i] = project.MultiPolygon(l.Clone(), fwd)
		}
		land = polyindex.New(polys)
	}
	if land.Len() == 0 {
		return nil, ErrNoSeaSide
	}
	ts, err := transect.Cast(coast, land, transect.CastOptions{
		Spacing:   p.Spacing,
		Landward:  p.Length / 2,
		Seaward:   p.Length / 2,
		Smoothing: p.Smoothing,
		Progress:  func(done, total int) { p.report("transects", done, total) },
		// What memory the estimate leaves is what the crossings on bends may take.
		MaxCrossings: maxCrossings(in, p),
	})
	if errors.Is(err, transect.ErrTooDense) {
		return nil, fmt.Errorf("%w: resolving them would take more than the %s of memory available; use a larger spacing", err, humanBytes(p.MemoryLimit))
	}
	if err != nil {
		return nil, err // Cast says it was casting
	}
	res.Baseline = coast
	res.setTransects(ts)
	labels := make([]string, len(ts))
	for i, t := range ts {
		labels[i] = fmt.Sprint(t.ID)
	}
	return labels, nil
}

func (res *Result) setTransects(ts []transect.Transect) {
	res.Transects = make([]Transect, len(ts))
	for i, t := range ts {
		res.Transects[i] = Transect{Transect: t, Unit: -1}
	}
}

// oldestShoreline is the reference coast when none is given: DSAS users often cast from
// the oldest shoreline.
func oldestShoreline(ss []Shoreline) orb.MultiLineString {
	oldest := -1
	for i, s := range ss {
		if len(s.Geometry) > 0 && (oldest < 0 || s.Date.Before(ss[oldest].Date)) {
			oldest = i
		}
	}
	if oldest < 0 {
		return nil // point shorelines only: no line to cast from
	}
	return append(orb.MultiLineString(nil), ss[oldest].Geometry...)
}

// observe returns the shoreline positions on each transect, and records the intersections.
// seriesCols gives the series column of each given transect (see seriesColumns).
func (res *Result) observe(ctx context.Context, in Input, p Params, seriesCols []int) ([][]change.Observation, error) {
	obs := make([][]change.Observation, len(res.Transects))
	if s := in.Series; s != nil {
		for ti := range res.Transects {
			res.observeSeries(obs, ti, res.Transects[ti].Transect, s, seriesCols[ti], in.OriginSeaward, p, func(q orb.Point) orb.Point { return q })
		}
		return obs, nil
	}
	plain := make([]transect.Transect, len(res.Transects))
	for i, t := range res.Transects {
		plain[i] = t.Transect
	}
	n := len(res.Shorelines)
	p.report("intersections", 0, n)
	hits, err := measure(ctx, plain, res.Shorelines, p, func(done int) { p.report("intersections", done, n) })
	if err != nil {
		return nil, err
	}
	p.report("intersections", n, n)
	res.Intersections = make([]Intersection, len(hits))
	for i, h := range hits {
		s := res.Shorelines[h.Shoreline]
		obs[h.Transect] = append(obs[h.Transect], change.Observation{Time: s.Date, Distance: h.Distance, Uncertainty: s.Uncertainty})
		res.Intersections[i] = Intersection{Transect: h.Transect, Shoreline: h.Shoreline, Date: s.Date, Distance: h.Distance, Point: h.Point}
	}
	return obs, nil
}

// seriesDistance is the distance from the baseline (m, positive seaward) of a CoastSat
// chainage ch, metres along t from its origin, or from its seaward end when the series'
// transects start at sea.
func seriesDistance(t transect.Transect, ch float64, originSeaward bool) float64 {
	along := ch
	if originSeaward {
		along = t.Length() - ch
	}
	return along - t.Base
}

// measure returns where the shorelines ss meet the transects ts, both in one CRS, sorted
// by transect and then shoreline (an index into ss). report is told how many shorelines
// are done. Lines are measured by the intersect mode, points by CoastSat's median, each
// set in one pass.
func measure(ctx context.Context, ts []transect.Transect, ss []Shoreline, p Params, report func(done int)) ([]transect.Hit, error) {
	var lineIdx, pointIdx []int
	var lines []orb.MultiLineString
	var points []orb.MultiPoint
	for i, s := range ss {
		if len(s.Points) > 0 {
			pointIdx = append(pointIdx, i)
			points = append(points, s.Points)
		} else {
			lineIdx = append(lineIdx, i)
			lines = append(lines, s.Geometry)
		}
	}
	opt := transect.IntersectOptions{Mode: p.Mode, Band: p.Band, Progress: func(done, _ int) { report(done) }}
	lineHits, err := transect.IntersectContext(ctx, ts, lines, opt)
	if err != nil {
		return nil, fmt.Errorf("intersect shorelines: %w", err)
	}
	opt.Progress = func(done, _ int) { report(len(lines) + done) }
	pointHits, err := transect.IntersectPointsContext(ctx, ts, points, opt)
	if err != nil {
		return nil, fmt.Errorf("intersect point shorelines: %w", err)
	}
	for k := range lineHits {
		lineHits[k].Shoreline = lineIdx[lineHits[k].Shoreline]
	}
	for k := range pointHits {
		pointHits[k].Shoreline = pointIdx[pointHits[k].Shoreline]
	}
	return mergeHits(lineHits, pointHits), nil
}

// mergeHits merges two hit lists sorted by transect and shoreline into one so sorted.
func mergeHits(a, b []transect.Hit) []transect.Hit {
	if len(b) == 0 {
		return a
	}
	out := make([]transect.Hit, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		if a[0].Transect < b[0].Transect || a[0].Transect == b[0].Transect && a[0].Shoreline < b[0].Shoreline {
			out, a = append(out, a[0]), a[1:]
		} else {
			out, b = append(out, b[0]), b[1:]
		}
	}
	return append(append(out, a...), b...)
}

// observeSeries records the positions that column col of series s gives transect ti (t
// as measured), as observations in obs and as intersections in res, whose points toResult
// takes into res's coordinates. A column of -1 gives nothing.
func (res *Result) observeSeries(obs [][]change.Observation, ti int, t transect.Transect, s *Series, col int, originSeaward bool, p Params, toResult func(orb.Point) orb.Point) {
	if col < 0 {
		return
	}
	for di, d := range s.Dates {
		ch := s.Chainage[di][col]
		if math.IsNaN(ch) {
			continue
		}
		dist := seriesDistance(t, ch, originSeaward)
		obs[ti] = append(obs[ti], change.Observation{Time: d, Distance: dist, Uncertainty: p.DefaultUncertainty})
		res.Intersections = append(res.Intersections, Intersection{
			Transect: ti, Shoreline: di, Date: d, Distance: dist, Point: toResult(t.At(dist)),
		})
	}
}

// widths sets how much coast each transect stands for: half the gap to each neighbour
// along the baseline, each gap capped at twice the spacing so that a transect at the end of
// a part or beside a long gap does not claim coast it never measured. Cast transects are
// apart by their chainages; given transects by baseGap(a, b), the distance between their
// baseline crossings in true metres, or by the plane when baseGap is nil.
func (res *Result) widths(spacing float64, baseGap func(a, b int) float64) {
	ts := res.Transects
	if len(ts) == 0 {
		return
	}
	gap := func(i int) float64 { // between transects i-1 and i
		a, b := &ts[i-1], &ts[i]
		if a.Part >= 0 {
			if a.Part != b.Part {
				return math.Inf(1)
			}
			return math.Abs(b.Chainage - a.Chainage)
		}
		if baseGap != nil {
			return baseGap(i-1, i)
		}
		return planar.Distance(a.At(0), b.At(0))
	}
	if ts[0].Part < 0 {
		// Given transects carry no spacing: use the median gap between neighbours.
		var gaps []float64
		for i := 1; i < len(ts); i++ {
			gaps = append(gaps, gap(i))
		}
		spacing = 0
		if len(gaps) > 0 {
			sort.Float64s(gaps)
			spacing = gaps[len(gaps)/2]
		}
	}
	half := func(g float64) float64 { return math.Min(g, 2*spacing) / 2 }
	for i := range ts {
		left, right := spacing, spacing
		if i > 0 {
			left = gap(i)
		}
		if i+1 < len(ts) {
			right = gap(i + 1)
		}
		if math.IsInf(left, 1) {
			left = spacing
		}
		if math.IsInf(right, 1) {
			right = spacing
		}
		ts[i].Width = half(left) + half(right)
	}
}

// aggregate puts each transect into the unit its baseline crossing lies in and summarises
// the units that received transects. The statistics and areas cover the transects that
// met a shoreline; CoastKm covers all, measured or not.
func (res *Result) aggregate(units []AdminUnit, ix *polyindex.Index) {
	if len(units) == 0 {
		return
	}
	members := make(map[int][]int)
	for i := range res.Transects {
		t := &res.Transects[i]
		u := locateTransect(t.Transect, ix)
		if u >= 0 {
			members[u] = append(members[u], i)
		}
	}
	for ui, u := range units {
		idx := members[ui]
		if len(idx) == 0 {
			continue
		}
		uc := UnitChange{Unit: u, AreaLost: math.NaN(), AreaGained: math.NaN()}
		rates := make([]change.TransectRate, 0, len(idx))
		for _, ti := range idx {
			t := &res.Transects[ti]
			t.Unit = len(res.Units)
			uc.CoastKm += t.Width / 1000
			if t.Stats.N == 0 {
				continue // met no shoreline: part of the coast, not of the statistics
			}
			rates = append(rates, change.TransectRate{LRR: t.Stats.LRR, LCI: t.Stats.LCI, EPR: t.Stats.EPR, NSM: t.Stats.NSM})
			if nsm := t.Stats.NSM; !math.IsNaN(nsm) {
				if math.IsNaN(uc.AreaLost) {
					uc.AreaLost, uc.AreaGained = 0, 0
				}
				switch {
				case nsm < 0:
					uc.AreaLost += -nsm * t.Width
				case nsm > 0:
					uc.AreaGained += nsm * t.Width
				}
			}
		}
		// Summary.Transects counts the transects measured; a unit whose coast no
		// shoreline reached has 0 and every statistic empty, never "no erosion".
		uc.Summary = change.Summarize(rates)
		res.Units = append(res.Units, uc)
	}
}

// locateTransect finds the unit of a transect: the one holding a point just landward of
// its baseline crossing, else the one holding the crossing, else the nearest within 1 km
// (coastlines and unit boundaries from different sources disagree by tens of metres).
func locateTransect(t transect.Transect, ix *polyindex.Index) int {
	for _, d := range []float64{-10, -50, 0} {
		if u := ix.Locate(t.At(d)); u >= 0 {
			return u
		}
	}
	return ix.Nearest(t.At(0), 1000)
}
