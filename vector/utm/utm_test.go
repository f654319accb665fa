package utm

import (
	"errors"
	"math"
	"testing"

	"github.com/paulmach/orb"
)

func TestConstants(t *testing.T) {
	if d := math.Abs(ecc*ecc - e2); d > 1e-17 {
		t.Errorf("ecc² - e² = %g", d)
	}
}

// Reference coordinates: GeographicLib's GeoConvert manual ("33.3 44.4" is
// "38n 444140.54 3684706.36") and PROJ 9 through GDAL 3.6.2, e.g.
// `echo 125.57 -8.55 | gdaltransform -s_srs EPSG:4326 -t_srs EPSG:32751 -output_xy`,
// printed to 0.1 mm. PROJ's default tmerc algorithm (Poder/Engsager) is itself accurate
// to well under a millimetre this close to the central meridian.
var forwardCases = []struct {
	name     string
	epsg     int
	lon, lat float64
	e, n     float64
	tol      float64 // metres, per coordinate
}{
	{"GeoConvert manual", 32638, 44.4, 33.3, 444140.54, 3684706.36, 0.006},
	{"GeoConvert manual, PROJ", 32638, 44.4, 33.3, 444140.5449, 3684706.3555, 0.001},
	{"Dili", 32751, 125.57, -8.55, 782910.6767, 9053954.1742, 0.001},
	{"Oecussi (Pante Macassar)", 32751, 124.35, -9.2, 648314.5936, 8982756.8620, 0.001},
	{"Atauro", 32751, 125.6, -8.25, 786435.5377, 9087131.0514, 0.001},
	{"SW corner of Timor-Leste", 32751, 124.05, -9.5, 615252.9881, 8949694.1395, 0.001},
	{"NE corner of Timor-Leste", 32751, 127.34, -8.13, 978554.2169, 9098763.5392, 0.001},
	{"central meridian", 32751, 123, -8, 500000, 9115702.1488, 0.001},
	{"zone 51 edge + 3°", 32751, 126, -10, 828928.7361, 8893091.1458, 0.001},
	{"near equator, one zone east", 32751, 129, -0.5, 1168856.2015, 9944428.4945, 0.001},
	{"one zone west", 32751, 117, -8, -162367.6346, 9110862.1055, 0.001},
	{"two zones east", 32751, 135, -8, 1831843.7285, 9096075.0104, 0.001},
	{"Oslo latitude", 32633, 15, 60, 500000, 6651411.1904, 0.001},
	{"Svalbard", 32633, 12, 78, 430399.6201, 8660152.3441, 0.001},
	{"high north", 32633, 20.5, 83.9, 565153.3065, 9320042.0261, 0.001},
	{"84°N", 32612, -111, 84, 500000, 9328093.8306, 0.001},
	{"antimeridian, equator", 32601, -179.9, 0, 177163.8060, 0, 0.001},
	{"southern equator", 32601, -177, -0.0001, 500000, -11.0530, 0.001},
	{"zone 60 north", 32660, 179.9, 45, 728564.4859, 4987042.3066, 0.001},
	{"Lima", 32718, -77.0428, -12.0464, 277617.4532, 8667487.8970, 0.001},
	{"80°S", 32732, 9, -79.9, 500000, 1129575.6779, 0.001},
	{"45°S", 32732, 11.5, -45, 697038.3282, 5014008.9826, 0.001},
	{"30°S", 32719, -69, -30, 500000, 6681214.6474, 0.001},
	{"origin", 32631, 3, 0, 500000, 0, 1e-6},
}

func TestForward(t *testing.T) {
	for _, tc := range forwardCases {
		t.Run(tc.name, func(t *testing.T) {
			z, err := ZoneFromEPSG(tc.epsg)
			if err != nil {
				t.Fatal(err)
			}
			got := z.Forward(orb.Point{tc.lon, tc.lat})
			if de, dn := got[0]-tc.e, got[1]-tc.n; math.Abs(de) > tc.tol || math.Abs(dn) > tc.tol {
				t.Errorf("%v.Forward(%v, %v) = %.4f, %.4f; want %.4f, %.4f (off by %.2g, %.2g m)",
					z, tc.lon, tc.lat, got[0], got[1], tc.e, tc.n, de, dn)
			}
		})
	}
}

func TestInverse(t *testing.T) {
	for _, tc := range forwardCases {
		t.Run(tc.name, func(t *testing.T) {
			z, _ := ZoneFromEPSG(tc.epsg)
			got := z.Inverse(orb.Point{tc.e, tc.n})
			// degrees to metres on the ground, near enough for a millimetre check
			dx := WrapLongitude(got[0]-tc.lon) * 111320 * math.Cos(tc.lat*deg)
			dy := (got[1] - tc.lat) * 110540
			if math.Abs(dx) > tc.tol || math.Abs(dy) > tc.tol {
				t.Errorf("%v.Inverse(%.4f, %.4f) = %.10f, %.10f; want %v, %v",
					z, tc.e, tc.n, got[0], got[1], tc.lon, tc.lat)
			}
		})
	}
}

// TestRoundTrip checks Forward then Inverse over a grid covering the zone and two zones
// either side, from 80°S to 84°N: the error is measured back in metres.
func TestRoundTrip(t *testing.T) {
	for _, z := range []Zone{{51, true}, {51, false}, {1, false}, {60, true}} {
		cm := z.CentralMeridian()
		worst := 0.0
		for lat := -80.0; lat <= 84; lat += 0.7 {
			for dl := -15.0; dl <= 15; dl += 0.37 {
				p := orb.Point{WrapLongitude(cm + dl), lat}
				q := z.Forward(p)
				r := z.Inverse(q)
				if math.IsNaN(r[0]) || math.IsNaN(r[1]) {
					t.Fatalf("%v: round trip of %v gave %v", z, p, r)
				}
				// back to metres: forward of the returned point against q
				s := z.Forward(r)
				if d := math.Hypot(s[0]-q[0], s[1]-q[1]); d > worst {
					worst = d
				}
				// and in degrees, scaled to metres on the ellipsoid
				dlon := WrapLongitude(r[0]-p[0]) * 111320 * math.Cos(lat*deg)
				dlat := (r[1] - p[1]) * 110540
				if d := math.Hypot(dlon, dlat); d > 1e-3 {
					t.Fatalf("%v: %v → %v → %v: %.3g m off", z, p, q, r, d)
				}
			}
		}
		if worst > 1e-6 {
			t.Errorf("%v: worst round trip %.3g m", z, worst)
		}
		t.Logf("%v: worst round trip %.2g m", z, worst)
	}
}

func TestPoles(t *testing.T) {
	z := Zone{Number: 31}
	for _, lat := range []float64{90, -90} {
		q := z.Forward(orb.Point{3, lat})
		r := z.Inverse(q)
		if math.Abs(r[1]-lat) > 1e-9 {
			t.Errorf("pole %v: forward %v, inverse %v", lat, q, r)
		}
	}
}

func TestZoneFor(t *testing.T) {
	tests := []struct {
		name     string
		lon, lat float64
		want     Zone
		epsg     int
	}{
		{"Dili", 125.57, -8.55, Zone{51, true}, 32751},
		{"Oecussi, Pante Macassar", 124.36, -9.20, Zone{51, true}, 32751},
		{"Oecussi, west end", 124.04, -9.33, Zone{51, true}, 32751},
		{"Manatuto", 126.01, -8.51, Zone{52, true}, 32752},
		{"Viqueque", 125.99, -8.86, Zone{51, true}, 32751},
		{"Atauro", 125.60, -8.25, Zone{51, true}, 32751},
		{"Baucau", 126.45, -8.47, Zone{52, true}, 32752},
		// The east of the country lies beyond 126°E, in zone 52 taken alone; the
		// country as a whole is projected in 51S (see TestZoneOf).
		{"Jaco island", 127.33, -8.43, Zone{52, true}, 32752},
		{"equator is north", 125.0, 0, Zone{51, false}, 32651},
		{"zone boundary goes east", 126.0, -8, Zone{52, true}, 32752},
		{"-180", -180, 10, Zone{1, false}, 32601},
		{"180", 180, 10, Zone{60, false}, 32660},
		{"wrapped 190", 190, 10, Zone{2, false}, 32602},
		{"wrapped -181", -181, -10, Zone{60, true}, 32760},
		{"Bergen (32V)", 5.3, 60.4, Zone{32, false}, 32632},
		{"west of 32V", 2.9, 60.4, Zone{31, false}, 32631},
		{"Longyearbyen (33X)", 15.6, 78.2, Zone{33, false}, 32633},
		{"Svalbard 31X", 8.9, 79.0, Zone{31, false}, 32631},
		{"Svalbard 35X", 25.0, 80.0, Zone{35, false}, 32635},
		{"Svalbard 37X", 33.0, 80.0, Zone{37, false}, 32637},
		{"84N", 0, 84, Zone{31, false}, 32631},
		{"80S", 0, -80, Zone{31, true}, 32731},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ZoneFor(tc.lon, tc.lat)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want || got.EPSG() != tc.epsg {
				t.Errorf("ZoneFor(%v, %v) = %v (EPSG:%d); want %v (EPSG:%d)", tc.lon, tc.lat, got, got.EPSG(), tc.want, tc.epsg)
			}
			back, err := ZoneFromEPSG(got.EPSG())
			if err != nil || back != got {
				t.Errorf("ZoneFromEPSG(%d) = %v, %v", got.EPSG(), back, err)
			}
		})
	}
}

func TestZoneForErrors(t *testing.T) {
	for _, p := range [][2]float64{{0, 84.01}, {0, -80.01}, {0, 90}, {math.NaN(), 0}, {0, math.NaN()}, {math.Inf(1), 0}} {
		if z, err := ZoneFor(p[0], p[1]); !errors.Is(err, ErrOutOfRange) {
			t.Errorf("ZoneFor(%v, %v) = %v, %v; want ErrOutOfRange", p[0], p[1], z, err)
		}
	}
}

func TestZoneOf(t *testing.T) {
	timor := orb.Bound{Min: orb.Point{124.04, -9.51}, Max: orb.Point{127.35, -8.12}}
	z, err := ZoneOf(timor)
	if err != nil || z != (Zone{51, true}) || z.EPSG() != 32751 {
		t.Errorf("ZoneOf(Timor-Leste) = %v, %v; want 51S", z, err)
	}
	if s := z.String(); s != "WGS 84 / UTM zone 51S" {
		t.Errorf("String() = %q", s)
	}
	pt := orb.Point{125.57, -8.55}
	if z, err := ZoneOf(pt.Bound()); err != nil || z.EPSG() != 32751 {
		t.Errorf("ZoneOf(point) = %v, %v", z, err)
	}
	if _, err := ZoneOf(orb.Bound{Min: orb.Point{1, 1}, Max: orb.Point{0, 0}}); err == nil {
		t.Error("ZoneOf(inverted bound) succeeded")
	}
	if _, err := ZoneOf(orb.Bound{Min: orb.Point{0, 80}, Max: orb.Point{1, 89}}); !errors.Is(err, ErrOutOfRange) {
		t.Errorf("ZoneOf(arctic) err = %v", err)
	}
}

func TestString(t *testing.T) {
	if s := (Zone{Number: 32}).String(); s != "WGS 84 / UTM zone 32N" {
		t.Errorf("got %q", s)
	}
}

func TestZoneFromEPSG(t *testing.T) {
	for _, code := range []int{4326, 32600, 32661, 32700, 32761, 28356} {
		if z, err := ZoneFromEPSG(code); err == nil {
			t.Errorf("ZoneFromEPSG(%d) = %v, want error", code, z)
		}
	}
}

func TestInvalidZone(t *testing.T) {
	for _, z := range []Zone{{}, {Number: 61}} {
		p := z.Forward(orb.Point{125, -8})
		q := z.Inverse(orb.Point{500000, 0})
		if !math.IsNaN(p[0]) || !math.IsNaN(q[0]) {
			t.Errorf("%v: Forward %v, Inverse %v; want NaN", z, p, q)
		}
	}
	if p := (Zone{51, true}).Forward(orb.Point{125, 91}); !math.IsNaN(p[0]) {
		t.Errorf("latitude 91 gave %v", p)
	}
}

// TestProjection checks that the method values fit orb.Projection.
func TestProjection(t *testing.T) {
	z := Zone{51, true}
	var fwd, inv orb.Projection = z.Forward, z.Inverse
	ls := orb.LineString{{125.5, -8.6}, {125.6, -8.5}}
	got := inv(fwd(ls[0]))
	if math.Abs(got[0]-ls[0][0]) > 1e-12 || math.Abs(got[1]-ls[0][1]) > 1e-12 {
		t.Errorf("got %v", got)
	}
}

// TestAntimeridian checks that Forward takes longitudes modulo 360 and that data either
// side of ±180 projects continuously into zones 60 and 1, and back.
func TestAntimeridian(t *testing.T) {
	for _, z := range []Zone{{60, true}, {1, true}, {60, false}, {1, false}} {
		lat := -17.0
		if !z.South {
			lat = 52
		}
		// The same point written three ways.
		a := z.Forward(orb.Point{-179.5, lat})
		b := z.Forward(orb.Point{180.5, lat})
		c := z.Forward(orb.Point{-539.5, lat})
		if a != b || a != c {
			t.Errorf("%v: -179.5 → %v, 180.5 → %v, -539.5 → %v; want one point", z, a, b, c)
		}
		// 179.9 and -179.9 are 0.2° apart on the ground, not 359.8°: the projected distance
		// is the length of 0.2° of the parallel (times the scale factor, under 0.2 % here).
		p, q := z.Forward(orb.Point{179.9, lat}), z.Forward(orb.Point{-179.9, lat})
		want := 0.2 * deg * semiMajor * math.Cos(lat*deg) / math.Sqrt(1-e2*math.Pow(math.Sin(lat*deg), 2))
		if d := math.Hypot(q[0]-p[0], q[1]-p[1]); math.Abs(d/want-1) > 2e-3 {
			t.Errorf("%v: 179.9 to -179.9 projects %.1f m apart, want about %.1f m", z, d, want)
		}
		// East of the meridian is east in the grid, in both zones.
		if !(q[0] > p[0]) {
			t.Errorf("%v: -179.9 projects at easting %.1f, west of 179.9 at %.1f", z, q[0], p[0])
		}
		// Inverse returns -180..180 and round-trips to the nanometre.
		for _, lon := range []float64{179.2, 179.999, 180, -180, -179.999, -179.2, 180.4} {
			r := z.Inverse(z.Forward(orb.Point{lon, lat}))
			if r[0] < -180 || r[0] > 180 {
				t.Errorf("%v: Inverse gave longitude %v outside -180..180", z, r[0])
			}
			if d := WrapLongitude(r[0]-lon) * 111320; math.Abs(d) > 1e-6 || math.Abs(r[1]-lat) > 1e-11 {
				t.Errorf("%v: %v → %v", z, lon, r)
			}
		}
	}
}

func TestCentre(t *testing.T) {
	tests := []struct {
		name string
		g    orb.Geometry
		lon  float64 // of the centre
		want Zone
	}{
		// The bound of these is -180..180, whose centre (0°) is zone 31.
		{"Fiji, across the antimeridian", orb.LineString{{179.5, -17}, {179.9, -17.1}, {-179.9, -16.9}, {-179.5, -17}}, 180, Zone{60, true}},
		{"mostly west of it", orb.MultiPoint{{179.8, 52}, {-179, 52}, {-178.6, 52}}, -179.26667, Zone{1, false}},
		{"Timor-Leste", orb.MultiLineString{{{124.04, -9.3}, {124.5, -9.2}}, {{125.0, -9.4}, {127.34, -8.4}}}, 125.22, Zone{51, true}},
		{"Greenwich", orb.LineString{{-1, 51}, {1, 51.5}}, 0, Zone{31, false}},
		{"polygon and bound", orb.Collection{orb.Polygon{{{10, 1}, {11, 1}, {11, 2}, {10, 1}}}, orb.Bound{Min: orb.Point{10, 0}, Max: orb.Point{12, 1}}}, 10.6666, Zone{32, false}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var c Centre
			c.AddGeometry(tc.g)
			p, ok := c.Point()
			if !ok || math.Abs(WrapLongitude(p[0]-tc.lon)) > 1e-3 || p[0] < -180 || p[0] > 180 {
				t.Errorf("centre %v, %v; want longitude %v", p, ok, tc.lon)
			}
			z, err := ZoneOfGeometry(tc.g)
			if err != nil || z != tc.want {
				t.Errorf("ZoneOfGeometry = %v, %v; want %v", z, err, tc.want)
			}
		})
	}
	// Order does not matter for data within a half circle.
	pts := orb.MultiPoint{{178, 0}, {-177, 1}, {179, 2}, {-179.5, 3}, {176.5, 4}}
	var fwd, back Centre
	for i := range pts {
		fwd.Add(pts[i])
		back.Add(pts[len(pts)-1-i])
	}
	p, _ := fwd.Point()
	q, _ := back.Point()
	if math.Abs(WrapLongitude(p[0]-q[0])) > 1e-12 || p[1] != q[1] || math.Abs(WrapLongitude(p[0]-179.4)) > 1e-9 {
		t.Errorf("forward %v, backward %v; want 179.4 both", p, q)
	}
	// Non-finite points are skipped; no data is an error.
	var c Centre
	c.Add(orb.Point{math.NaN(), 0})
	c.Add(orb.Point{0, math.Inf(1)})
	if _, ok := c.Point(); ok || c.Len() != 0 {
		t.Errorf("non-finite points counted: %d", c.Len())
	}
	if _, err := c.Zone(); err == nil {
		t.Error("Zone of no data succeeded")
	}
	c.Add(orb.Point{125.5, 85})
	if _, err := c.Zone(); !errors.Is(err, ErrOutOfRange) {
		t.Errorf("Zone at 85°N: %v, want ErrOutOfRange", err)
	}
}

// TestConformalSeries checks the series Inverse takes the geodetic latitude from the
// conformal one with (sinSeries of the δ coefficients) against inverting taupf by
// Newton's method (Karney 2011 eqs. 19–21), every 0.01° from pole to pole: they agree to
// a few nanometres on the ground.
func TestConformalSeries(t *testing.T) {
	// newton is tan φ for tan χ = taup, by Newton's method: what Inverse did before.
	newton := func(taup float64) float64 {
		const tol = 1.4901161193847656e-09 // sqrt(machine epsilon) / 10
		tau := taup / e2m
		stol := tol * math.Max(1, math.Abs(taup))
		for range 5 {
			taupa := taupf(tau)
			dtau := (taup - taupa) * (1 + e2m*tau*tau) / (e2m * math.Sqrt(1+tau*tau) * math.Sqrt(1+taupa*taupa))
			tau += dtau
			if !(math.Abs(dtau) >= stol) {
				break
			}
		}
		return tau
	}
	worst := 0.0
	for i := -9000; i <= 9000; i++ {
		chi := float64(i) / 100 * deg
		want := math.Atan(newton(math.Tan(chi)))
		got := chi + sinSeries(chi, &[6]float64{delta1, delta2, delta3, delta4, delta5, delta6})
		worst = max(worst, math.Abs(got-want))
	}
	if worst*semiMajor > 1e-8 {
		t.Errorf("series and Newton's method differ by up to %.3g rad (%.3g m)", worst, worst*semiMajor)
	}
	t.Logf("largest difference %.3g rad, %.3g m", worst, worst*semiMajor)
}
