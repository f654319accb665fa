// Package utm projects WGS84 longitude/latitude to Universal Transverse Mercator
// coordinates and back.
//
// Inputs of Forward and outputs of Inverse are orb.Point{lon, lat} in degrees on the
// WGS84 ellipsoid; outputs of Forward and inputs of Inverse are orb.Point{easting,
// northing} in metres, with the standard false easting of 500 000 m and, for southern
// zones, false northing of 10 000 000 m. This is the CRS of EPSG:326NN / EPSG:327NN.
//
// The projection uses the 6th-order Krüger series in n as given by Karney (2011),
// "Transverse Mercator with an accuracy of a few nanometers", J. Geodesy 85:475–485,
// with Clenshaw summation. The truncation error is below 5 nm within 3 900 km of the
// central meridian, so points several zones away from their own zone still project to
// well under a millimetre; the Forward/Inverse round trip is exact to a few nanometres.
package utm

import (
	"errors"
	"fmt"
	"math"

	"github.com/paulmach/orb"
)

// WGS84 ellipsoid and UTM constants. Go evaluates constant expressions exactly, so the
// series coefficients below are as precise as float64 allows.
const (
	semiMajor  = 6378137.0
	flattening = 1 / 298.257223563
	k0         = 0.9996
	falseEast  = 500000.0
	falseNorth = 10000000.0

	e2  = flattening * (2 - flattening) // first eccentricity squared
	e2m = 1 - e2
	// ecc is sqrt(e2); TestConstants checks it.
	ecc = 0.0818191908426214957

	n  = flattening / (2 - flattening) // third flattening
	n2 = n * n
	n3 = n2 * n
	n4 = n3 * n
	n5 = n4 * n
	n6 = n5 * n

	// rectifying radius A (Karney 2011 eq. 14) times k0: metres per radian of ξ and η.
	kA = k0 * semiMajor / (1 + n) * (1 + n2/4 + n4/64 + n6/256)

	// α: conformal latitude → rectifying coordinates (Karney 2011 eq. 35).
	alpha1 = n/2 - 2*n2/3 + 5*n3/16 + 41*n4/180 - 127*n5/288 + 7891*n6/37800
	alpha2 = 13*n2/48 - 3*n3/5 + 557*n4/1440 + 281*n5/630 - 1983433*n6/1935360
	alpha3 = 61*n3/240 - 103*n4/140 + 15061*n5/26880 + 167603*n6/181440
	alpha4 = 49561*n4/161280 - 179*n5/168 + 6601661*n6/7257600
	alpha5 = 34729*n5/80640 - 3418889*n6/1995840
	alpha6 = 212378941 * n6 / 319334400

	// β: rectifying → conformal coordinates (Karney 2011 eq. 36).
	beta1 = n/2 - 2*n2/3 + 37*n3/96 - n4/360 - 81*n5/512 + 96199*n6/604800
	beta2 = n2/48 + n3/15 - 437*n4/1440 + 46*n5/105 - 1118711*n6/3870720
	beta3 = 17*n3/480 - 37*n4/840 - 209*n5/4480 + 5569*n6/90720
	beta4 = 4397*n4/161280 - 11*n5/504 - 830251*n6/7257600
	beta5 = 4583*n5/161280 - 108847*n6/3991680
	beta6 = 20648693 * n6 / 638668800

	// δ: conformal latitude χ → geodetic latitude φ = χ + Σ δ_k sin 2kχ (Karney 2011,
	// the series of eq. 36's kind in n; to sixth order its error is under 1e-15 rad on
	// the WGS 84 ellipsoid, which TestConformalSeries checks against Newton's method).
	delta1 = 2*n - 2*n2/3 - 2*n3 + 116*n4/45 + 26*n5/45 - 2854*n6/675
	delta2 = 7*n2/3 - 8*n3/5 - 227*n4/45 + 2704*n5/315 + 2323*n6/945
	delta3 = 56*n3/15 - 136*n4/35 - 1262*n5/105 + 73814*n6/2835
	delta4 = 4279*n4/630 - 332*n5/35 - 399572*n6/14175
	delta5 = 4174*n5/315 - 144838*n6/6237
	delta6 = 601676 * n6 / 22275

	deg = math.Pi / 180
)

// MinLat and MaxLat bound the latitudes UTM is defined for; beyond them UPS applies.
const (
	MinLat = -80.0
	MaxLat = 84.0
)

// ErrOutOfRange reports a position for which no UTM zone is defined: a latitude outside
// MinLat..MaxLat, or a coordinate that is not a finite number.
var ErrOutOfRange = errors.New("outside the UTM latitude range -80..84 degrees")

// Zone is a UTM zone: Number 1..60 and the hemisphere, which sets the false northing.
// The zero Zone is not valid.
type Zone struct {
	Number int  // 1..60, 6 degrees of longitude each, zone 1 starting at 180°W
	South  bool // true for the southern hemisphere (false northing 10 000 000 m)
}

// ZoneFor returns the UTM zone containing lon, lat in degrees. Points on the equator are
// in the northern zone, longitude 180 is in zone 60 and any finite longitude is wrapped
// into -180..180. The exceptions of the UTM grid are applied: zone 32V is widened over
// south-western Norway (56..64°N, 3..12°E) and Svalbard (72..84°N, 0..42°E) uses zones
// 31X, 33X, 35X and 37X only. It returns an error wrapping ErrOutOfRange for latitudes
// outside MinLat..MaxLat or non-finite input.
func ZoneFor(lon, lat float64) (Zone, error) {
	if math.IsNaN(lon) || math.IsInf(lon, 0) || math.IsNaN(lat) || math.IsInf(lat, 0) {
		return Zone{}, fmt.Errorf("utm zone for (%g, %g): %w", lon, lat, ErrOutOfRange)
	}
	if lat < MinLat || lat > MaxLat {
		return Zone{}, fmt.Errorf("utm zone for (%g, %g): %w", lon, lat, ErrOutOfRange)
	}
	lon = WrapLongitude(lon)
	num := int(math.Floor((lon+180)/6)) + 1
	if num > 60 { // lon == 180
		num = 60
	}
	switch {
	case lat >= 56 && lat < 64 && lon >= 3 && lon < 12:
		num = 32
	case lat >= 72 && lon >= 0 && lon < 42:
		switch {
		case lon < 9:
			num = 31
		case lon < 21:
			num = 33
		case lon < 33:
			num = 35
		default:
			num = 37
		}
	}
	return Zone{Number: num, South: lat < 0}, nil
}

// ZoneOf returns the zone of the centre of b, a lon/lat bound in degrees. It fails for an
// inverted bound or a centre ZoneFor rejects.
//
// A bound's centre is the middle of its longitude range, which is only right for a true
// bound: data straddling the antimeridian (vertices at 179.9 and -179.9) has the bound
// -180..180 and the centre 0°, on the other side of the world. To choose the zone of
// data, use Centre or ZoneOfGeometry.
func ZoneOf(b orb.Bound) (Zone, error) {
	if b.Min[0] > b.Max[0] || b.Min[1] > b.Max[1] {
		return Zone{}, fmt.Errorf("utm zone of bound %v: minimum exceeds maximum", b)
	}
	c := b.Center()
	return ZoneFor(c[0], c[1])
}

// Centre is the centre of lon/lat data that survives the antimeridian: the mean of its
// longitudes, each taken within 180° of the first one added (so that 179.9 and -179.9 are
// 0.2° apart, and their mean is 180), and the middle of its latitude range. For data
// within a half circle of longitude the mean does not depend on the order the points
// come in, and is the circular mean to within a small fraction of the data's spread;
// for data spread around the globe no centre is meaningful and it depends on the first
// point. Adding is cheap (no trigonometry), so every vertex of a large input can count.
//
// The zero Centre is empty and ready to use.
type Centre struct {
	n              int
	ref, sum       float64 // the first longitude; the sum of every longitude's offset from it
	minLat, maxLat float64
}

// Add adds p, {lon, lat} in degrees. Points with a non-finite coordinate are skipped:
// the caller reports them where it checks its input.
func (c *Centre) Add(p orb.Point) {
	lon, lat := p[0], p[1]
	if lon-lon != 0 || lat-lat != 0 { // NaN or ±Inf
		return
	}
	if c.n == 0 {
		c.ref, c.minLat, c.maxLat = WrapLongitude(lon), lat, lat
	}
	c.n++
	d := lon - c.ref
	if d < -180 || d > 180 {
		d = WrapLongitude(d)
	}
	c.sum += d
	if lat < c.minLat {
		c.minLat = lat
	} else if lat > c.maxLat {
		c.maxLat = lat
	}
}

// AddGeometry adds every vertex of g: the points of a MultiPoint, the vertices of lines
// and of polygon rings, the corners of a Bound, the members of a Collection.
func (c *Centre) AddGeometry(g orb.Geometry) {
	switch g := g.(type) {
	case orb.Point:
		c.Add(g)
	case orb.MultiPoint:
		c.addPoints(g)
	case orb.LineString:
		c.addPoints(g)
	case orb.Ring:
		c.addPoints(g)
	case orb.MultiLineString:
		for _, l := range g {
			c.addPoints(l)
		}
	case orb.Polygon:
		for _, r := range g {
			c.addPoints(r)
		}
	case orb.MultiPolygon:
		for _, p := range g {
			for _, r := range p {
				c.addPoints(r)
			}
		}
	case orb.Collection:
		for _, m := range g {
			c.AddGeometry(m)
		}
	case orb.Bound:
		c.Add(g.Min)
		c.Add(g.Max)
	}
}

// addPoints adds ps; it takes a slice rather than a Geometry so that a MultiLineString's
// lines are not each boxed into an interface.
func (c *Centre) addPoints(ps []orb.Point) {
	for _, p := range ps {
		c.Add(p)
	}
}

// Len returns the number of points added.
func (c *Centre) Len() int { return c.n }

// Point returns the centre, {lon, lat} in degrees with the longitude in -180..180, and
// false when no point has been added.
func (c *Centre) Point() (orb.Point, bool) {
	if c.n == 0 {
		return orb.Point{}, false
	}
	return orb.Point{WrapLongitude(c.ref + c.sum/float64(c.n)), (c.minLat + c.maxLat) / 2}, true
}

// Zone returns the zone of the centre, as ZoneFor gives it. It fails when no point has
// been added or the centre lies outside the UTM latitudes.
func (c *Centre) Zone() (Zone, error) {
	p, ok := c.Point()
	if !ok {
		return Zone{}, errors.New("utm zone of no data: no finite coordinate")
	}
	return ZoneFor(p[0], p[1])
}

// ZoneOfGeometry returns the zone of the centre of g's vertices (see Centre): the metric
// CRS chosen from the data, right also for data straddling the antimeridian.
func ZoneOfGeometry(g orb.Geometry) (Zone, error) {
	var c Centre
	c.AddGeometry(g)
	return c.Zone()
}

// ZoneFromEPSG returns the zone of a WGS 84 / UTM code: 32601..32660 or 32701..32760.
func ZoneFromEPSG(code int) (Zone, error) {
	switch {
	case code >= 32601 && code <= 32660:
		return Zone{Number: code - 32600}, nil
	case code >= 32701 && code <= 32760:
		return Zone{Number: code - 32700, South: true}, nil
	}
	return Zone{}, fmt.Errorf("EPSG:%d is not a WGS 84 / UTM zone", code)
}

// Valid reports whether z.Number is in 1..60.
func (z Zone) Valid() bool { return z.Number >= 1 && z.Number <= 60 }

// EPSG returns the EPSG code of z: 326NN in the north, 327NN in the south.
func (z Zone) EPSG() int {
	if z.South {
		return 32700 + z.Number
	}
	return 32600 + z.Number
}

// String returns the EPSG name of z, e.g. "WGS 84 / UTM zone 51S".
func (z Zone) String() string {
	h := "N"
	if z.South {
		h = "S"
	}
	return fmt.Sprintf("WGS 84 / UTM zone %d%s", z.Number, h)
}

// CentralMeridian returns the longitude of z's central meridian in degrees.
func (z Zone) CentralMeridian() float64 { return float64(6*z.Number - 183) }

// Forward projects p, {lon, lat} in degrees, to {easting, northing} in metres in z. The
// longitude need not lie inside z: points a few zones away are still projected to
// better than a millimetre. Longitudes are taken modulo 360, so data crossing the
// antimeridian projects continuously whether it is written 180.5 or -179.5. The method
// value z.Forward is an orb.Projection. Latitudes beyond ±90 or an invalid zone give NaN
// coordinates.
func (z Zone) Forward(p orb.Point) orb.Point {
	if !z.Valid() || !(math.Abs(p[1]) <= 90) {
		return orb.Point{math.NaN(), math.NaN()}
	}
	lam := WrapLongitude(p[0]-z.CentralMeridian()) * deg
	sinLam, cosLam := math.Sincos(lam)
	tau := math.Tan(p[1] * deg)
	taup := taupf(tau)

	// Gauss–Schreiber (spherical) transverse Mercator of the conformal latitude.
	xip := math.Atan2(taup, cosLam)
	etap := math.Asinh(sinLam / math.Sqrt(taup*taup+cosLam*cosLam))

	xi, eta := krueger(xip, etap, 1, &[6]float64{alpha1, alpha2, alpha3, alpha4, alpha5, alpha6})
	y := kA * xi
	if z.South {
		y += falseNorth
	}
	return orb.Point{falseEast + kA*eta, y}
}

// Inverse unprojects p, {easting, northing} in metres in z, to {lon, lat} in degrees,
// with the longitude in -180..180. The method value z.Inverse is an orb.Projection.
// An invalid zone gives NaN coordinates.
func (z Zone) Inverse(p orb.Point) orb.Point {
	if !z.Valid() {
		return orb.Point{math.NaN(), math.NaN()}
	}
	y := p[1]
	if z.South {
		y -= falseNorth
	}
	xi, eta := y/kA, (p[0]-falseEast)/kA
	xip, etap := krueger(xi, eta, -1, &[6]float64{beta1, beta2, beta3, beta4, beta5, beta6})

	sinXip, cosXip := math.Sincos(xip)
	sinhEtap := math.Sinh(etap)
	lam := math.Atan2(sinhEtap, cosXip)
	// The conformal latitude, ±90° at a pole, then the geodetic latitude by a series
	// rather than by inverting taupf (a third of the time of a whole inverse).
	chi := math.Atan2(sinXip, math.Sqrt(sinhEtap*sinhEtap+cosXip*cosXip))
	lat := (chi + sinSeries(chi, &[6]float64{delta1, delta2, delta3, delta4, delta5, delta6})) / deg
	return orb.Point{WrapLongitude(z.CentralMeridian() + lam/deg), lat}
}

// sinSeries returns Σ c_k sin 2kx, k = 1..6, summed with Clenshaw's recurrence.
func sinSeries(x float64, c *[6]float64) float64 {
	s2x, c2x := math.Sincos(2 * x)
	a := 2 * c2x
	var y1, y2 float64
	for k := 5; k >= 0; k-- {
		y1, y2 = a*y1-y2+c[k], y1
	}
	return s2x * y1
}

// krueger returns ζ + sign·Σ c_k sin(2kζ) for the complex ζ = xi + i·eta, summed with
// Clenshaw's recurrence on complex numbers written out in reals.
func krueger(xi, eta, sign float64, c *[6]float64) (float64, float64) {
	s2xi, c2xi := math.Sincos(2 * xi)
	ex := math.Exp(2 * eta)
	sh2eta, ch2eta := (ex-1/ex)/2, (ex+1/ex)/2
	// a = 2 cos(2ζ), sin(2ζ) = sr + i si
	ar, ai := 2*c2xi*ch2eta, -2*s2xi*sh2eta
	sr, si := s2xi*ch2eta, c2xi*sh2eta
	var y1r, y1i, y2r, y2i float64
	for k := 5; k >= 0; k-- {
		y0r := ar*y1r - ai*y1i - y2r + c[k]
		y0i := ar*y1i + ai*y1r - y2i
		y2r, y2i = y1r, y1i
		y1r, y1i = y0r, y0i
	}
	// Σ = sin(2ζ)·y1
	return xi + sign*(sr*y1r-si*y1i), eta + sign*(sr*y1i+si*y1r)
}

// taupf returns tan χ, the tangent of the conformal latitude, for tau = tan φ
// (Karney 2011 eqs. 7–9). |tau| stays below 1e17 (tan of ±90° in float64), so the
// squares cannot overflow and math.Hypot's scaling is not needed.
func taupf(tau float64) float64 {
	tau1 := math.Sqrt(1 + tau*tau)
	sig := math.Sinh(ecc * math.Atanh(ecc*tau/tau1))
	return math.Sqrt(1+sig*sig)*tau - sig*tau1
}

// Unwrap returns lon moved by whole turns to lie within 180° of ref, so that a line
// across the antimeridian runs on continuously (179.9 next to 180.1, not −179.9).
func Unwrap(lon, ref float64) float64 { return ref + WrapLongitude(lon-ref) }

// WrapLongitude reduces a longitude (or a difference of two) in degrees to
// -180 ≤ x < 180, keeping 180 as 180.
func WrapLongitude(x float64) float64 {
	if x >= -180 && x <= 180 {
		return x
	}
	x = math.Mod(x+180, 360)
	if x < 0 {
		x += 360
	}
	return x - 180
}
