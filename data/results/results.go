// Package results is the read side of stored analysis runs: the shape in which the API
// reads runs, admin-unit summaries and transect time series from a store, and Memory, the
// store that serves one run held in memory (a GeoPackage loaded at start). The PostGIS
// store (package postgis) answers the same questions with SQL; both give identical values
// for the same run, so the API's answers do not depend on the store.
//
// Geometry here is WGS84 lon/lat (orb.Point{lon, lat}), projected from the run's UTM zone
// with package utm and rounded to 7 decimals (about 1 cm), whichever store it comes from.
// Statistics are those of package analysis, NaN where undefined; census counts are -1 when
// unknown.
package results

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/vector/change"
	"github.com/tasi-gis/tasi/vector/utm"
)

// Errors callers branch on. Stores wrap them with a message fit to show to a user.
var (
	// ErrNotFound reports an unknown run, unit or transect, or a run with no results.
	ErrNotFound = errors.New("not found")
	// ErrUnavailable reports that the store cannot be reached (the database is down).
	ErrUnavailable = errors.New("store unavailable")
	// ErrTimeout reports a query that ran out of time.
	ErrTimeout = errors.New("query timed out")
)

// Statuses of a run, as package postgis stores them.
const (
	StatusRunning   = "running"
	StatusSucceeded = "succeeded"
	StatusFailed    = "failed"
)

// Run is the record of one stored run.
type Run struct {
	ID                int64
	Status            string    // StatusRunning, StatusSucceeded or StatusFailed
	Error             string    // why it failed
	Version           string    // tasi version that made it
	Started, Finished time.Time // when the analysis ran, UTC; zero when unknown
	EPSG              int       // UTM zone the rates were measured in
	Parameters        map[string]string
	Inputs            []analysis.InputFile // files the analysis read, with full paths: the API publishes base names
	// Synthetic says the run measured shorelines that were generated, not seen
	// (analysis.Provenance.Synthetic): its rates describe no real coast. Runs stored before
	// tasi recorded it are false.
	Synthetic bool
	// Period is the time the run's shorelines span (analysis.Result.Period); zero when
	// unknown.
	Period analysis.Period
	// Satellites are the distinct sensors the run's shorelines name
	// (analysis.Result.Satellites), empty when none names one.
	Satellites []string

	Shorelines, Transects, Intersections, Missed, Units int
}

// RunRef names a run: Latest, or a run id (> 0).
type RunRef int64

// Latest is the succeeded run published last, resolved when each request is answered so
// that a new run is served without a restart: in PostGIS the one whose storing ended last,
// for a followed GeoPackage the run in the file now (read last, even when a rollback made
// it older than the run it replaced). Stores list runs latest first, and the API, tiles,
// style, at-risk lists and plans all resolve latest to the same run.
const Latest RunRef = 0

// Unit is one admin unit's change summary in a run: analysis.UnitChange with its geometry
// in lon/lat, nil unless asked for.
type Unit = analysis.UnitChange

// Transect is one transect of a run.
type Transect struct {
	Seq     int    // 1-based position in the run
	Label   string // transect_id: given id or sequence number
	PCode   string // admin unit it lies in, "" for none
	Azimuth float64
	Base    float64 // origin to the baseline crossing, m
	Width   float64 // coast it stands for, m
	Stats   change.Stats
	// Origin (land), End (sea) and Baseline (the zero of its distances), lon/lat.
	Origin, End, Baseline orb.Point
}

// Position is one shoreline position on a transect.
type Position struct {
	Shoreline int // 1-based shoreline id, or the 1-based date of a series run
	Date      time.Time
	Distance  float64 // from the baseline, m, positive seaward
}

// Sort keys of UnitsQuery.
const (
	SortPCode         = "pcode"
	SortName          = "name"
	SortMeanLRR       = "mean_lrr"
	SortMedianLRR     = "median_lrr"
	SortMeanEPR       = "mean_epr"
	SortPctEroding    = "pct_eroding"
	SortPctSigEroding = "pct_sig_eroding"
	SortCoastKm       = "coast_km"
	SortAreaLost      = "area_lost_m2"
	SortPopulation    = "population"
)

// sortValues gives the number a numeric sort key orders by; NaN sorts last.
var sortValues = map[string]func(*Unit) float64{
	SortMeanLRR:       func(u *Unit) float64 { return u.MeanLRR },
	SortMedianLRR:     func(u *Unit) float64 { return u.MedianLRR },
	SortMeanEPR:       func(u *Unit) float64 { return u.MeanEPR },
	SortPctEroding:    func(u *Unit) float64 { return u.PctEroding },
	SortPctSigEroding: func(u *Unit) float64 { return u.PctSigEroding },
	SortCoastKm:       func(u *Unit) float64 { return u.CoastKm },
	SortAreaLost:      func(u *Unit) float64 { return u.AreaLost },
	SortPopulation: func(u *Unit) float64 {
		if u.Unit.Population < 0 {
			return math.NaN()
		}
		return float64(u.Unit.Population)
	},
}

// SortKeys returns every key UnitsQuery.Sort accepts.
func SortKeys() []string {
	return []string{SortPCode, SortName, SortMeanLRR, SortMedianLRR, SortMeanEPR, SortPctEroding,
		SortPctSigEroding, SortCoastKm, SortAreaLost, SortPopulation}
}

// ValidSortKey reports whether key is one of SortKeys.
func ValidSortKey(key string) bool {
	_, ok := sortValues[key]
	return ok || key == SortPCode || key == SortName
}

// UnitsQuery selects a page of admin units of a run.
type UnitsQuery struct {
	Run          RunRef
	Municipality string     // P-code or name (any case) of the municipality; "" for all
	BBox         *orb.Bound // lon/lat: units whose bounding box overlaps it; nil for all
	Sort         string     // one of SortKeys; "" is SortPCode
	Desc         bool       // descending; undefined values sort last either way
	Limit        int        // at most this many units
	Offset       int        // skip this many
	Geometry     bool       // fill in unit geometry
}

// UnitsPage is the answer to a UnitsQuery.
type UnitsPage struct {
	Run   int64  // the run they come from (Latest resolved)
	Units []Unit // the page
	Total int    // units matching the filters, before Limit and Offset
}

// UnitDetail is one admin unit with its transects.
type UnitDetail struct {
	Run       int64
	Unit      Unit       // geometry only when asked for
	Transects []Transect // in run order
}

// TransectDetail is one transect with its time series.
type TransectDetail struct {
	Run      int64
	Transect Transect
	Series   []Position // in shoreline order
}

// MatchesMunicipality reports whether the municipality filter f names the municipality
// with P-code code and name name: the P-code or the name, in any case. Both stores match
// in Go with this function so that they agree whatever the database's collation.
func MatchesMunicipality(f, code, name string) bool {
	return strings.EqualFold(f, code) || strings.EqualFold(f, name)
}

// CompareUnits orders a and b by sort key (descending when desc), undefined values last,
// ties by P-code: the order both stores give.
func CompareUnits(a, b *Unit, key string, desc bool) int {
	c := 0
	switch key {
	case SortName:
		c = strings.Compare(a.Unit.Name, b.Unit.Name)
	case SortPCode, "":
	default:
		va, vb := sortValues[key](a), sortValues[key](b)
		switch na, nb := math.IsNaN(va), math.IsNaN(vb); {
		case na && nb:
		case na:
			return 1
		case nb:
			return -1
		default:
			c = cmp.Compare(va, vb)
		}
	}
	if desc {
		c = -c
	}
	if c != 0 {
		return c
	}
	c = strings.Compare(a.Unit.Code, b.Unit.Code)
	if desc && (key == SortPCode || key == "") {
		c = -c
	}
	return c
}

// LonLat projects p from zone to lon/lat, rounded to 7 decimals.
func LonLat(zone utm.Zone, p orb.Point) orb.Point {
	ll := zone.Inverse(p)
	return orb.Point{round7(ll[0]), round7(ll[1])}
}

// MultiPolygonLonLat returns a copy of mp projected from zone to lon/lat, rounded to 7
// decimals.
func MultiPolygonLonLat(zone utm.Zone, mp orb.MultiPolygon) orb.MultiPolygon {
	out := make(orb.MultiPolygon, len(mp))
	for i, poly := range mp {
		out[i] = make(orb.Polygon, len(poly))
		for j, ring := range poly {
			r := make(orb.Ring, len(ring))
			for k, p := range ring {
				r[k] = LonLat(zone, p)
			}
			out[i][j] = r
		}
	}
	return out
}

// NewTransect returns transect t of a run in zone, at 1-based position seq, lying in the
// unit with P-code pcode.
func NewTransect(zone utm.Zone, seq int, t analysis.Transect, pcode string) Transect {
	return Transect{
		Seq: seq, Label: t.Label, PCode: pcode, Azimuth: t.Azimuth, Base: t.Base, Width: t.Width, Stats: t.Stats,
		Origin: LonLat(zone, t.Origin), End: LonLat(zone, t.End), Baseline: LonLat(zone, t.At(0)),
	}
}

func round7(v float64) float64 { return math.Round(v*1e7) / 1e7 }

// NotFoundError is an error wrapping ErrNotFound whose message is fit to show a user, so
// that the API can answer with it however the store wrapped it.
type NotFoundError struct{ Msg string }

func (e *NotFoundError) Error() string { return e.Msg }

// Is makes errors.Is(err, ErrNotFound) hold.
func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }

// RunNotFound returns the error of a store that has no run ref (for Latest: no run has
// succeeded yet).
func RunNotFound(ref RunRef) error {
	if ref == Latest {
		return &NotFoundError{"no run has succeeded yet"}
	}
	return &NotFoundError{fmt.Sprintf("run %d not found", ref)}
}

// NoResults returns the error of asking for the results of run r, which did not succeed.
func NoResults(r Run) error {
	return &NotFoundError{fmt.Sprintf("run %d has status %s: it has no results", r.ID, r.Status)}
}

// UnitNotFound returns the error of an unknown P-code in run.
func UnitNotFound(run int64, pcode string) error {
	return &NotFoundError{fmt.Sprintf("unit %q not found in run %d", pcode, run)}
}

// TransectNotFound returns the error of an unknown transect id in run.
func TransectNotFound(run int64, id string) error {
	return &NotFoundError{fmt.Sprintf("transect %q not found in run %d", id, run)}
}
