package results

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/analysis"
)

// Memory serves one run held in memory, such as a GeoPackage loaded by `tasi serve
// --gpkg`. It reads the unit summaries analysis computed rather than aggregating again,
// and projects every geometry to lon/lat once, when it is made. It never changes after
// NewMemory, so it is safe for concurrent use.
type Memory struct {
	run       Run
	units     []Unit      // run order, geometry in lon/lat
	bounds    []orb.Bound // of each unit, lon/lat
	byPCode   map[string]int
	transects []Transect // run order
	byUnit    [][]int    // indexes into transects, per unit
	byLabel   map[string]int
	series    seriesTable
}

// NewMemory returns a store serving res as run. run.ID must be positive and its status
// StatusSucceeded; its counts, Period and Satellites are filled in from res when zero.
func NewMemory(run Run, res *analysis.Result) (*Memory, error) {
	switch {
	case res == nil:
		return nil, errors.New("serve run from memory: nil result")
	case run.ID <= 0:
		return nil, fmt.Errorf("serve run from memory: run id %d: must be positive", run.ID)
	case run.Status != StatusSucceeded:
		return nil, fmt.Errorf("serve run %d from memory: status %q: only a succeeded run has results", run.ID, run.Status)
	case !res.Zone.Valid():
		return nil, fmt.Errorf("serve run %d from memory: no UTM zone", run.ID)
	}
	zone := res.Zone
	if run.EPSG == 0 {
		run.EPSG = zone.EPSG()
	}
	fill := func(n *int, v int) {
		if *n == 0 {
			*n = v
		}
	}
	fill(&run.Shorelines, len(res.Shorelines))
	fill(&run.Transects, len(res.Transects))
	fill(&run.Intersections, len(res.Intersections))
	fill(&run.Missed, len(res.Missed))
	fill(&run.Units, len(res.Units))
	if run.Period == (analysis.Period{}) {
		run.Period = res.Period()
	}
	if run.Satellites == nil {
		run.Satellites = res.Satellites()
	}

	m := &Memory{
		run:     run,
		units:   make([]Unit, len(res.Units)),
		bounds:  make([]orb.Bound, len(res.Units)),
		byPCode: make(map[string]int, len(res.Units)),
		byUnit:  make([][]int, len(res.Units)),
		byLabel: make(map[string]int, len(res.Transects)),
	}
	for i, u := range res.Units {
		u.Unit.Geometry = MultiPolygonLonLat(zone, u.Unit.Geometry)
		m.units[i], m.bounds[i] = u, u.Unit.Geometry.Bound()
		if _, dup := m.byPCode[u.Unit.Code]; !dup {
			m.byPCode[u.Unit.Code] = i
		}
	}
	m.transects = make([]Transect, len(res.Transects))
	for i, t := range res.Transects {
		if t.Unit < -1 || t.Unit >= len(res.Units) {
			return nil, fmt.Errorf("serve run %d from memory: transect %s: unit %d out of range", run.ID, t.Label, t.Unit)
		}
		pcode := ""
		if t.Unit >= 0 {
			pcode = res.Units[t.Unit].Unit.Code
			m.byUnit[t.Unit] = append(m.byUnit[t.Unit], i)
		}
		m.transects[i] = NewTransect(zone, i+1, t, pcode)
		if _, dup := m.byLabel[t.Label]; !dup {
			m.byLabel[t.Label] = i
		}
	}
	var err error
	if m.series, err = newSeriesTable(res.Intersections, len(res.Transects)); err != nil {
		return nil, fmt.Errorf("serve run %d from memory: %w", run.ID, err)
	}
	return m, nil
}

// Intersections returns the run's intersections as NewMemory was given them, for a
// forecast (plan.NewForecast) of the run: transect by transect, in the order given within
// each, and without their points, which the store does not keep. They are made anew on
// each call, so that a server holding the run keeps one copy of them, in the store.
func (m *Memory) Intersections() []analysis.Intersection { return m.series.intersections() }

// Run returns the run served, with its counts.
func (m *Memory) Run() Run { return m.run }

// ListRuns returns the one run.
func (m *Memory) ListRuns(context.Context) ([]Run, error) { return []Run{m.run}, nil }

// FindRun returns the run if ref names it.
func (m *Memory) FindRun(_ context.Context, ref RunRef) (Run, error) {
	if ref != Latest && int64(ref) != m.run.ID {
		return Run{}, RunNotFound(ref)
	}
	return m.run, nil
}

// resolve returns the run ref names, which has results.
func (m *Memory) resolve(ref RunRef) (int64, error) {
	if ref != Latest && int64(ref) != m.run.ID {
		return 0, RunNotFound(ref)
	}
	return m.run.ID, nil
}

// UnitsPage returns the units q selects.
func (m *Memory) UnitsPage(_ context.Context, q UnitsQuery) (UnitsPage, error) {
	id, err := m.resolve(q.Run)
	if err != nil {
		return UnitsPage{}, err
	}
	var sel []*Unit
	for i := range m.units {
		u := &m.units[i]
		if q.Municipality != "" && !MatchesMunicipality(q.Municipality, u.Unit.RegionCode, u.Unit.RegionName) {
			continue
		}
		if q.BBox != nil && !q.BBox.Intersects(m.bounds[i]) {
			continue
		}
		sel = append(sel, u)
	}
	slices.SortFunc(sel, func(a, b *Unit) int { return CompareUnits(a, b, q.Sort, q.Desc) })
	page := UnitsPage{Run: id, Total: len(sel), Units: []Unit{}}
	lo := min(max(q.Offset, 0), len(sel))
	hi := min(lo+max(q.Limit, 0), len(sel))
	for _, u := range sel[lo:hi] {
		c := *u
		if !q.Geometry {
			c.Unit.Geometry = nil
		}
		page.Units = append(page.Units, c)
	}
	return page, nil
}

// Unit returns the unit with P-code pcode and its transects, with the unit's geometry
// when geometry is true.
func (m *Memory) Unit(_ context.Context, ref RunRef, pcode string, geometry bool) (UnitDetail, error) {
	id, err := m.resolve(ref)
	if err != nil {
		return UnitDetail{}, err
	}
	i, ok := m.byPCode[pcode]
	if !ok {
		return UnitDetail{}, UnitNotFound(id, pcode)
	}
	d := UnitDetail{Run: id, Unit: m.units[i], Transects: make([]Transect, len(m.byUnit[i]))}
	if !geometry {
		d.Unit.Unit.Geometry = nil
	}
	for k, ti := range m.byUnit[i] {
		d.Transects[k] = m.transects[ti]
	}
	return d, nil
}

// TransectSeries returns the transect labelled id (the first, should labels repeat) with
// its time series.
func (m *Memory) TransectSeries(_ context.Context, ref RunRef, label string) (TransectDetail, error) {
	id, err := m.resolve(ref)
	if err != nil {
		return TransectDetail{}, err
	}
	i, ok := m.byLabel[label]
	if !ok {
		return TransectDetail{}, TransectNotFound(id, label)
	}
	return TransectDetail{Run: id, Transect: m.transects[i], Series: m.series.positions(i)}, nil
}

// Ping reports that the store is reachable: memory always is.
func (m *Memory) Ping(context.Context) error { return nil }
