package plan

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/vector/change"
	"github.com/tasi-gis/tasi/vector/polyindex"
)

// reachKm is how far (km) from a transect's baseline point a community may lie to take its
// forecast from it: communities further from every transect are inland of anything a
// century of retreat could reach, or on a coast the run did not measure.
const reachKm = 2.0

// Assess computes the exposure of every community (lon/lat, counted by pop, which may be
// nil) to the forecast f of run res and its zones, one AtRisk per community in the order
// given, at every horizon of f.
//
// A community takes its forecast from the nearest transect whose line passes it (the
// least perpendicular distance among the transects whose baseline point lies within 2 km):
// its position along that transect gives its distance to today's shoreline, the
// probability that the shoreline has moved past it by each horizon (change.Trend's t
// distribution), and the years the best estimate and the landward band edge reach it. Its
// local rate and confidence half-width are the mean of that transect's and its two
// neighbours' (LCI, or WCI for WLR forecasts), named in Transects.
//
// It is in the zone at a horizon when a hazard zone of that horizon contains it, or when it
// lies within the setback of the forecast shoreline on its transect; InBand likewise for the
// landward band edge. People and Households are its people living in the band-edge zone,
// as pop.PeopleIn counts them; without pop, all of the community's own counts when it lies
// in that zone. Severity follows the rule of Severities.
func Assess(res *analysis.Result, f *Forecast, zones []Zone, communities []Community, pop *Population) []AtRisk {
	fwd := res.Zone.Forward
	nearest := newTransectIndex(res)
	// One point-in-zone index per horizon and kind.
	type key struct {
		h    int
		band bool
	}
	indexes := make(map[key]*polyindex.Index)
	for h := range f.Horizons {
		for _, band := range []bool{false, true} {
			var polys []orb.MultiPolygon
			for _, z := range zones {
				if z.Horizon == h && z.Band == band {
					polys = append(polys, z.Geometry)
				}
			}
			indexes[key{h, band}] = polyindex.New(polys)
		}
	}
	var exposed []Exposed
	if pop != nil {
		exposed = make([]Exposed, len(f.Horizons))
		for h := range f.Horizons {
			ix := indexes[key{h, true}]
			exposed[h] = pop.PeopleIn(func(ll orb.Point) bool { return ix.Contains(fwd(ll)) })
		}
	}
	refT := change.DecimalYear(f.RefDate)
	out := make([]AtRisk, len(communities))
	for ci, c := range communities {
		a := AtRisk{Community: c, DistanceToShore: math.NaN(), Rate: math.NaN(), RateCI: math.NaN(),
			YearReached: math.NaN(), YearReachedBand: math.NaN(), Exposure: make([]Exposure, len(f.Horizons))}
		p := fwd(c.Point)
		ti, along := nearest.find(p, f)
		for h, hz := range f.Horizons {
			e := Exposure{Horizon: hz, People: math.NaN(), Households: math.NaN()}
			e.InZone = indexes[key{h, false}].Contains(p)
			e.InBand = indexes[key{h, true}].Contains(p) || e.InZone
			a.Exposure[h] = e
		}
		if ti >= 0 {
			tr := f.Trends[ti]
			a.DistanceToShore = f.Today[ti] - along
			a.Method = tr.Method
			a.Rate, a.RateCI, a.Transects = localRate(res, f, ti)
			a.YearReached = tr.Reaches(along, 0, refT+MaxHorizon)
			a.YearReachedBand = tr.Reaches(along, f.Confidence, refT+MaxHorizon)
			for h, hz := range f.Horizons {
				e := &a.Exposure[h]
				e.Probability = tr.ProbLandward(change.DecimalYear(hz.Date), along)
				if f.Eroding(ti) {
					e.InZone = e.InZone || along >= f.Best[ti][h]-f.Setback
					e.InBand = e.InBand || e.InZone || along >= f.Edge[ti][h]-f.Setback
				}
			}
		}
		for h := range a.Exposure {
			e := &a.Exposure[h]
			switch {
			case exposed != nil && ci < len(exposed[h].Communities):
				e.People, e.Households = exposed[h].Communities[ci].People, exposed[h].Communities[ci].Households
			case pop == nil && e.InBand:
				e.People, e.Households = c.Population, c.Households // no grid: the community's own counts
			case pop == nil:
				e.People, e.Households = 0, 0
			}
		}
		a.Severity = severity(a.Exposure)
		out[ci] = a
	}
	return out
}

// severity applies the rule documented on Severities.
func severity(ex []Exposure) Severity {
	switch {
	case len(ex) == 0:
		return None
	case ex[0].Probability >= 0.5:
		return High
	case len(ex) > 1 && ex[1].Probability >= 0.5:
		return Medium
	case ex[len(ex)-1].InBand:
		return Low
	}
	return None
}

// localRate is the mean rate and confidence half-width of transect i and its neighbours
// along the same baseline part that have a trend, with their labels.
func localRate(res *analysis.Result, f *Forecast, i int) (rate, ci float64, labels []string) {
	var sr, sc float64
	n := 0
	for _, j := range []int{i - 1, i, i + 1} {
		if j < 0 || j >= len(res.Transects) || f.Trends[j].Method == "" || res.Transects[j].Part != res.Transects[i].Part {
			continue
		}
		st := res.Transects[j].Stats
		r, c := st.LRR, st.LCI
		if f.RateKind == change.WeightedRate {
			r, c = st.WLR, st.WCI
		}
		if f.Trends[j].Method == "EPR" {
			r, c = st.EPR, st.EPRunc
		}
		if math.IsNaN(r) {
			continue
		}
		sr += r
		sc += c
		n++
		labels = append(labels, res.Transects[j].Label)
	}
	if n == 0 {
		return math.NaN(), math.NaN(), nil
	}
	return sr / float64(n), sc / float64(n), labels
}

// transectIndex finds the transect a point takes its forecast from.
type transectIndex struct {
	res   *analysis.Result
	cells map[[2]int][]int
	size  float64
}

func newTransectIndex(res *analysis.Result) *transectIndex {
	ix := &transectIndex{res: res, cells: make(map[[2]int][]int), size: reachKm * 1000}
	for i, t := range res.Transects {
		ix.cells[ix.key(t.BaselinePoint())] = append(ix.cells[ix.key(t.BaselinePoint())], i)
	}
	return ix
}

func (ix *transectIndex) key(p orb.Point) [2]int {
	return [2]int{int(math.Floor(p[0] / ix.size)), int(math.Floor(p[1] / ix.size))}
}

// find returns the transect with a trend whose line passes nearest p (among those with a
// baseline point within reachKm), and p's position along it (m from the baseline,
// positive seaward); -1 when there is none.
func (ix *transectIndex) find(p orb.Point, f *Forecast) (int, float64) {
	k := ix.key(p)
	best, bestAlong, bestPerp := -1, 0.0, math.Inf(1)
	for dx := -1; dx <= 1; dx++ {
		for dy := -1; dy <= 1; dy++ {
			for _, i := range ix.cells[[2]int{k[0] + dx, k[1] + dy}] {
				if f.Trends[i].Method == "" {
					continue
				}
				t := ix.res.Transects[i]
				b := t.BaselinePoint()
				if math.Hypot(p[0]-b[0], p[1]-b[1]) > ix.size {
					continue
				}
				l := t.Length()
				ux, uy := (t.End[0]-t.Origin[0])/l, (t.End[1]-t.Origin[1])/l
				rx, ry := p[0]-b[0], p[1]-b[1]
				along := rx*ux + ry*uy
				perp := math.Abs(rx*uy - ry*ux)
				if perp < bestPerp || perp == bestPerp && i < best {
					best, bestAlong, bestPerp = i, along, perp
				}
			}
		}
	}
	return best, bestAlong
}

// ListOptions selects and filters the rows of an at-risk list.
type ListOptions struct {
	// Horizon is the horizon the list is for: years after the reference date, one of the
	// forecast's.
	Horizon int
	// Municipality keeps the communities of one municipality (its P-code, e.g. TL01); ""
	// keeps all.
	Municipality string
	// MinProbability keeps the communities whose probability of being reached by the
	// horizon is at least this.
	MinProbability float64
}

// Select returns the index of the horizon in f and the rows at risk by it: the
// communities in its band-edge zone (or within the setback of its forecast shoreline),
// filtered by opt, sorted by the year the best estimate reaches them (earliest first,
// never last), then by suco P-code and name.
func Select(rows []AtRisk, f *Forecast, municipalities []string, opt ListOptions) (int, []AtRisk, error) {
	h := slices.IndexFunc(f.Horizons, func(hz Horizon) bool { return hz.Years == opt.Horizon })
	if h < 0 {
		years := make([]string, len(f.Horizons))
		for i, hz := range f.Horizons {
			years[i] = fmt.Sprintf("%d (%d)", hz.Years, hz.Year())
		}
		return 0, nil, fmt.Errorf("horizon %d years: the forecast has %s", opt.Horizon, strings.Join(years, ", "))
	}
	if opt.Municipality != "" && !slices.Contains(municipalities, opt.Municipality) {
		return 0, nil, fmt.Errorf("municipality %q: not one of the run's (%s)", opt.Municipality, strings.Join(municipalities, ", "))
	}
	if opt.MinProbability < 0 || opt.MinProbability > 1 || math.IsNaN(opt.MinProbability) {
		return 0, nil, fmt.Errorf("minimum probability %v: must lie between 0 and 1", opt.MinProbability)
	}
	var out []AtRisk
	for _, r := range rows {
		e := r.Exposure[h]
		if !e.InBand || e.Probability < opt.MinProbability {
			continue
		}
		if opt.Municipality != "" && r.Community.RegionCode != opt.Municipality {
			continue
		}
		out = append(out, r)
	}
	slices.SortStableFunc(out, func(a, b AtRisk) int {
		ya, yb := a.YearReached, b.YearReached
		switch {
		case math.IsNaN(ya) && !math.IsNaN(yb):
			return 1
		case !math.IsNaN(ya) && math.IsNaN(yb):
			return -1
		case ya != yb && !math.IsNaN(ya):
			return cmp.Compare(ya, yb)
		}
		if c := cmp.Compare(a.Community.UnitCode, b.Community.UnitCode); c != 0 {
			return c
		}
		return cmp.Compare(a.Community.Name, b.Community.Name)
	})
	return h, out, nil
}
