package results

import (
	"fmt"
	"slices"
	"time"

	"github.com/tasi-gis/tasi/analysis"
)

// seriesTable holds the shoreline positions of every transect of a run in one flat table,
// transect by transect, each transect's rows in the order the run gave them. A server
// holding a run in memory keeps this one copy of its intersections for both the API's
// time series and the forecasts of the at-risk lists (Memory.Intersections): 24 bytes a
// row in four columns, where a slice of Position per transect took 40 and more (issue 12:
// the 505,000 intersections of the whole coast of Timor-Leste held 34 MB that way, beside
// 32 MB of analysis.Intersection kept for the forecasts).
type seriesTable struct {
	start     []int32 // rows of transect i are start[i]:start[i+1]
	shoreline []int32 // 0-based, as analysis.Intersection.Shoreline
	sec       []int64 // the date, in Unix seconds and nanoseconds: exact for any time.Time
	nsec      []int32
	distance  []float64
}

// newSeriesTable gathers xs by transect; every x.Transect must be in [0, transects).
func newSeriesTable(xs []analysis.Intersection, transects int) (seriesTable, error) {
	t := seriesTable{start: make([]int32, transects+1)}
	if len(xs) > 1<<31-1 {
		return t, fmt.Errorf("%d intersections: more than a table holds", len(xs))
	}
	for _, x := range xs {
		if x.Transect < 0 || x.Transect >= transects {
			return t, fmt.Errorf("intersection on transect %d out of range", x.Transect)
		}
		if x.Shoreline < 0 || x.Shoreline > 1<<31-1 {
			return t, fmt.Errorf("intersection on transect %d: shoreline %d out of range", x.Transect, x.Shoreline)
		}
		t.start[x.Transect+1]++
	}
	for i := range transects {
		t.start[i+1] += t.start[i]
	}
	n := len(xs)
	t.shoreline, t.sec, t.nsec, t.distance = make([]int32, n), make([]int64, n), make([]int32, n), make([]float64, n)
	next := slices.Clone(t.start[:transects])
	for _, x := range xs {
		k := next[x.Transect]
		next[x.Transect]++
		t.shoreline[k], t.distance[k] = int32(x.Shoreline), x.Distance
		t.sec[k], t.nsec[k] = x.Date.Unix(), int32(x.Date.Nanosecond())
	}
	return t, nil
}

func (t *seriesTable) date(k int32) time.Time { return time.Unix(t.sec[k], int64(t.nsec[k])).UTC() }

// positions returns transect i's positions in shoreline order (rows of one shoreline keep
// their order).
func (t *seriesTable) positions(i int) []Position {
	lo, hi := t.start[i], t.start[i+1]
	out := make([]Position, 0, hi-lo)
	for k := lo; k < hi; k++ {
		out = append(out, Position{Shoreline: int(t.shoreline[k]) + 1, Date: t.date(k), Distance: t.distance[k]})
	}
	slices.SortStableFunc(out, func(a, b Position) int { return a.Shoreline - b.Shoreline })
	return out
}

// intersections returns the rows as intersections, transect by transect, without points.
func (t *seriesTable) intersections() []analysis.Intersection {
	out := make([]analysis.Intersection, 0, len(t.shoreline))
	for i := range len(t.start) - 1 {
		for k := t.start[i]; k < t.start[i+1]; k++ {
			out = append(out, analysis.Intersection{Transect: i, Shoreline: int(t.shoreline[k]), Date: t.date(k), Distance: t.distance[k]})
		}
	}
	return out
}
