package transect

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
)

// Land reports whether a point (metres, in the CRS of the baseline) is on land. Cast uses
// it to find the seaward side and to stop transects at the opposite shore, some 150 times
// per transect, so it should be indexed (vector/polyindex.Index is one), and it calls it
// from CastOptions.Workers goroutines at once.
type Land interface {
	Contains(p orb.Point) bool
}

// LandFunc adapts an ordinary function to the Land interface.
type LandFunc func(p orb.Point) bool

// Contains calls f(p).
func (f LandFunc) Contains(p orb.Point) bool { return f(p) }

// Transect is a cross-shore line from Origin (landward end) to End (seaward end).
type Transect struct {
	ID       int       // 1-based, in order along the baseline parts
	Origin   orb.Point // landward end
	End      orb.Point // seaward end
	Base     float64   // distance (m) from Origin to where the transect crosses the baseline; shoreline distances are measured from there, positive seaward
	Azimuth  float64   // degrees clockwise from grid north, Origin→End, in [0, 360)
	Part     int       // index of the baseline part it was cast from (-1 for given transects)
	Chainage float64   // metres along that baseline part (NaN for given transects)
}

// Length returns the length of the transect in metres.
func (t Transect) Length() float64 {
	return math.Hypot(t.End[0]-t.Origin[0], t.End[1]-t.Origin[1])
}

// At returns the point at signed distance d from the baseline crossing, positive seaward.
// It extrapolates beyond the ends.
func (t Transect) At(d float64) orb.Point {
	l := t.Length()
	if l == 0 {
		return t.Origin
	}
	f := (t.Base + d) / l
	return orb.Point{t.Origin[0] + f*(t.End[0]-t.Origin[0]), t.Origin[1] + f*(t.End[1]-t.Origin[1])}
}

// LineString returns the transect as a two-point line from Origin to End.
func (t Transect) LineString() orb.LineString { return orb.LineString{t.Origin, t.End} }

// Given wraps user-supplied transects (DSAS or CoastSat transect files). Only the first and
// last vertex of each line count. Lines start on land unless originSeaward is true, in
// which case they are reversed so that Origin is always landward. Base is 0, so distances
// are measured from the landward end as DSAS and CoastSat do; Part is -1 and Chainage NaN.
// It returns an error naming the first line with fewer than two points, a non-finite
// coordinate or zero length.
func Given(lines []orb.LineString, originSeaward bool) ([]Transect, error) {
	out := make([]Transect, 0, len(lines))
	for i, l := range lines {
		if len(l) < 2 {
			return nil, fmt.Errorf("given transect %d: %d points, need 2", i, len(l))
		}
		o, e := l[0], l[len(l)-1]
		if !finite(o) || !finite(e) {
			return nil, fmt.Errorf("given transect %d: non-finite coordinate", i)
		}
		if o == e {
			return nil, fmt.Errorf("given transect %d: zero length", i)
		}
		if originSeaward {
			o, e = e, o
		}
		out = append(out, Transect{
			ID: i + 1, Origin: o, End: e, Azimuth: azimuth(o, e), Part: -1, Chainage: math.NaN(),
		})
	}
	return out, nil
}

// azimuth is the grid bearing from a to b in degrees clockwise from north, in [0, 360).
func azimuth(a, b orb.Point) float64 {
	az := math.Atan2(b[0]-a[0], b[1]-a[1]) * 180 / math.Pi
	if az <= 0 { // also turns -0 into 0 below
		az += 360
	}
	if az >= 360 {
		az -= 360
	}
	return az
}

func finite(p orb.Point) bool {
	return !math.IsNaN(p[0]) && !math.IsNaN(p[1]) && !math.IsInf(p[0], 0) && !math.IsInf(p[1], 0)
}

func sub(a, b orb.Point) orb.Point           { return orb.Point{a[0] - b[0], a[1] - b[1]} }
func add(a, b orb.Point) orb.Point           { return orb.Point{a[0] + b[0], a[1] + b[1]} }
func scale(a orb.Point, f float64) orb.Point { return orb.Point{a[0] * f, a[1] * f} }
func dot(a, b orb.Point) float64             { return a[0]*b[0] + a[1]*b[1] }
func cross(a, b orb.Point) float64           { return a[0]*b[1] - a[1]*b[0] }
func norm(a orb.Point) float64               { return math.Hypot(a[0], a[1]) }
func lerp(a, b orb.Point, f float64) orb.Point {
	return orb.Point{a[0] + f*(b[0]-a[0]), a[1] + f*(b[1]-a[1])}
}
