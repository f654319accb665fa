package analysis

import (
	"time"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/vector/change"
	"github.com/tasi-gis/tasi/vector/transect"
	"github.com/tasi-gis/tasi/vector/utm"
)

// Result is one analysis: every geometry in it is in Zone's UTM coordinates (metres).
type Result struct {
	Zone          utm.Zone
	Params        Params
	Shorelines    []Shoreline // projected; empty for a Series run
	Baseline      orb.MultiLineString
	Transects     []Transect
	Intersections []Intersection
	Units         []UnitChange // units with at least one transect, in input order; Summary.Transects counts the measured ones
	Missed        []int        // indexes of transects that met no shoreline
}

// Transect is one transect with its statistics.
type Transect struct {
	transect.Transect
	Label string       // the given transect id, or the 1-based sequence number
	Unit  int          // index into Result.Units, -1 when the transect lies in no unit
	Width float64      // metres of coast the transect stands for, for lengths and areas
	Stats change.Stats // NaN where a statistic is undefined
}

// Intersection is one shoreline position on one transect.
type Intersection struct {
	Transect  int // index into Result.Transects
	Shoreline int // index into Result.Shorelines, or the date index of a Series
	Date      time.Time
	Distance  float64   // metres from the baseline, positive seaward
	Point     orb.Point // where it lies, metres
}

// UnitChange is the change summary of one admin unit.
type UnitChange struct {
	Unit AdminUnit // geometry projected to the run's zone
	change.Summary
	CoastKm    float64 // length of coast its transects stand for, measured or not
	AreaLost   float64 // m² of land lost between the oldest and youngest shorelines; NaN when no transect was measured
	AreaGained float64 // m² of land gained; NaN when no transect was measured
}

// BaselinePoint is where the transect crosses its baseline: the zero of its distances.
func (t Transect) BaselinePoint() orb.Point { return t.At(0) }
