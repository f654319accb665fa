package analysis

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/tasi-gis/tasi/vector/synthetic"
	"github.com/tasi-gis/tasi/vector/transect"
	"github.com/tasi-gis/tasi/vector/utm"
)

// WGS84, for truths computed on the ellipsoid rather than in a projection.
const (
	wgsA  = 6378137.0
	wgsE2 = 0.00669437999014
)

// meridianRadius is M(φ), metres of the meridian per radian of latitude.
func meridianRadius(lat float64) float64 {
	s := math.Sin(lat * math.Pi / 180)
	return wgsA * (1 - wgsE2) / math.Pow(1-wgsE2*s*s, 1.5)
}

// parallelRadius is N(φ)cos φ, metres of the parallel per radian of longitude.
func parallelRadius(lat float64) float64 {
	s := math.Sin(lat * math.Pi / 180)
	return wgsA / math.Sqrt(1-wgsE2*s*s) * math.Cos(lat*math.Pi/180)
}

// north returns p moved d metres north on the ellipsoid.
func north(p orb.Point, d float64) orb.Point {
	return orb.Point{p[0], p[1] + d/meridianRadius(p[1])*180/math.Pi}
}

// trueAzimuth is the bearing (degrees from true north) from a to b, a few km apart, in
// lon/lat.
func trueAzimuth(a, b orb.Point) float64 {
	lat := (a[1] + b[1]) / 2
	dx := utm.WrapLongitude(b[0]-a[0]) * math.Pi / 180 * parallelRadius(lat)
	dy := (b[1] - a[1]) * math.Pi / 180 * meridianRadius(lat)
	az := math.Atan2(dx, dy) * 180 / math.Pi
	if az < 0 {
		az += 360
	}
	return az
}

// scaleFactor is the UTM point scale factor of z at p (lon/lat), measured over 1 m of
// meridian.
func scaleFactor(z utm.Zone, p orb.Point) float64 {
	a, b := z.Forward(north(p, -0.5)), z.Forward(north(p, 0.5))
	return math.Hypot(b[0]-a[0], b[1]-a[1])
}

// angleDiff is a − b in degrees, in -180..180.
func angleDiff(a, b float64) float64 { return utm.WrapLongitude(a - b) }

// coastScene is a synthetic coast along a line of (nearly) constant latitude, lon/lat,
// with land to the south in one admin unit per degree of longitude and shorelines that
// move north (seaward) at rate m/yr, in true metres on the ellipsoid.
type coastScene struct {
	west, east float64                   // longitudes, east may exceed 180
	lat        func(lon float64) float64 // the coast
	step       float64                   // degrees between vertices
	rate       float64                   // m/yr, northward
}

func (c coastScene) line(offset float64) orb.LineString {
	var l orb.LineString
	n := int(math.Round((c.east - c.west) / c.step))
	for k := 0; k <= n; k++ {
		lon := c.west + float64(k)*c.step
		// Written as data would be, within -180..180.
		l = append(l, north(orb.Point{utm.WrapLongitude(lon), c.lat(lon)}, offset))
	}
	return l
}

func (c coastScene) input() Input {
	in := Input{Coast: orb.MultiLineString{c.line(0)}}
	for a := c.west; a < c.east-1e-9; a++ {
		b := math.Min(a+1, c.east)
		top := coastScene{west: a, east: b, lat: c.lat, step: c.step}.line(0)
		ring := append(orb.Ring(nil), top...)
		bottom := c.lat(a) - 0.5
		ring = append(ring, orb.Point{utm.WrapLongitude(b), bottom}, orb.Point{utm.WrapLongitude(a), bottom}, top[0])
		in.Units = append(in.Units, AdminUnit{
			Code: fmt.Sprintf("U%03.0f", a), Name: fmt.Sprintf("%g°", a), Population: -1, Households: -1,
			Geometry: orb.MultiPolygon{{ring}},
		})
	}
	for y := 2000; y <= 2020; y += 2 {
		in.Shorelines = append(in.Shorelines, Shoreline{
			Source: fmt.Sprint(y), Date: time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), Uncertainty: 10,
			Geometry: orb.MultiLineString{c.line(c.rate * float64(y-2000))},
		})
	}
	return in
}

func flat(lon float64) float64 { return -1 }

// checkInvariants checks what every Result must satisfy, in one zone or several.
func checkInvariants(t *testing.T, res *Result) {
	t.Helper()
	seen := map[int]bool{}
	for i, tr := range res.Transects {
		if tr.ID != i+1 && tr.Part >= 0 {
			t.Errorf("transect %d has id %d", i, tr.ID)
		}
		if tr.Part >= 0 {
			if tr.Part >= len(res.Baseline) {
				t.Fatalf("transect %d: part %d of %d", i, tr.Part, len(res.Baseline))
			}
			if d := planar.DistanceFrom(res.Baseline[tr.Part], tr.At(0)); d > 0.01 {
				t.Errorf("transect %d: At(0) is %.3f m from its baseline part", i, d)
			}
			if i > 0 && res.Transects[i-1].Part > tr.Part {
				t.Errorf("transect %d: part %d after part %d", i, tr.Part, res.Transects[i-1].Part)
			}
		}
		if z := res.TransectZone(i); !z.Valid() || tr.Zone == res.Zone {
			t.Errorf("transect %d: zone %v, measured in %v (the zero Zone stands for the result's)", i, tr.Zone, z)
		}
		seen[tr.ID] = true
	}
	if len(seen) != len(res.Transects) {
		t.Errorf("%d ids for %d transects", len(seen), len(res.Transects))
	}
	// No two transects cross, in the result's coordinates.
	order := make([]int, len(res.Transects))
	for i := range order {
		order[i] = i
	}
	minX := func(i int) float64 { return math.Min(res.Transects[i].Origin[0], res.Transects[i].End[0]) }
	sort.Slice(order, func(a, b int) bool { return minX(order[a]) < minX(order[b]) })
	crossings := 0
	for a, i := range order {
		ti := res.Transects[i].Transect
		maxX := math.Max(ti.Origin[0], ti.End[0])
		for _, j := range order[a+1:] {
			if minX(j) > maxX {
				break
			}
			if _, ok := segmentsMeet(ti, res.Transects[j].Transect); ok {
				if crossings++; crossings <= 5 {
					t.Errorf("transects %d and %d cross", i, j)
				}
			}
		}
	}
	// Intersections sorted by transect, then shoreline, and pointing at real things.
	measured := map[int]bool{}
	for k, x := range res.Intersections {
		if x.Transect < 0 || x.Transect >= len(res.Transects) || x.Shoreline < 0 || (len(res.Shorelines) > 0 && x.Shoreline >= len(res.Shorelines)) {
			t.Fatalf("intersection %d: transect %d, shoreline %d", k, x.Transect, x.Shoreline)
		}
		if k > 0 {
			p := res.Intersections[k-1]
			if p.Transect > x.Transect || p.Transect == x.Transect && p.Shoreline >= x.Shoreline {
				t.Fatalf("intersection %d (%d, %d) after (%d, %d)", k, x.Transect, x.Shoreline, p.Transect, p.Shoreline)
			}
		}
		if len(res.Shorelines) > 0 && !x.Date.Equal(res.Shorelines[x.Shoreline].Date) {
			t.Errorf("intersection %d: date %v, shoreline's %v", k, x.Date, res.Shorelines[x.Shoreline].Date)
		}
		measured[x.Transect] = true
	}
	missed := map[int]bool{}
	for _, i := range res.Missed {
		missed[i] = true
	}
	for i, tr := range res.Transects {
		if measured[i] == missed[i] || (tr.Stats.N > 0) != measured[i] {
			t.Errorf("transect %d: measured %v, missed %v, N %d", i, measured[i], missed[i], tr.Stats.N)
		}
	}
	// Units: every transect in a unit is counted in it.
	count := make([]float64, len(res.Units))
	for _, tr := range res.Transects {
		if tr.Unit >= 0 {
			count[tr.Unit] += tr.Width / 1000
		}
	}
	for u, uc := range res.Units {
		if math.Abs(count[u]-uc.CoastKm) > 1e-9 {
			t.Errorf("unit %s: coast %.3f km, its transects' widths %.3f km", uc.Unit.Code, uc.CoastKm, count[u])
		}
	}
}

// gridNorth is the grid bearing (degrees) of true north at p (lon/lat) in z: the grid
// azimuth of a transect pointing true north.
func gridNorth(z utm.Zone, p orb.Point) float64 {
	a, b := z.Forward(p), z.Forward(north(p, 1))
	return math.Atan2(b[0]-a[0], b[1]-a[1]) * 180 / math.Pi
}

// TestAntimeridian runs a coast along 17°S across the antimeridian (as Fiji's is), land
// to the south, with shorelines moving north at 1 m/yr in true metres.
//
// Before zones were chosen from the data's centre, both runs got zone 31S, from the
// centre of the bound -180..180: the coast projected to northings of -8.1e6 m, outside
// EPSG:32731, and every transect pointing north had a grid azimuth of 178–180°. (The
// rates were not far off, 0.9996–1.0047 m/yr, only because the meridian of zone 31, 3°E,
// is the antipode of zone 1's, 177°W, where the transverse Mercator is true to scale
// again.)
func TestAntimeridian(t *testing.T) {
	const rate = 1.0
	tests := []struct {
		name       string
		west, east float64
		spacing    float64
		zones      int
		maxErr     float64 // m/yr, |LRR − rate|
		maxGrid    float64 // degrees, |grid azimuth − true azimuth| (the meridian convergence)
	}{
		// The coast reaches 3.5° from the meridian of zone 60 (or 1), within 4.5°: it is
		// measured in one zone, like Timor-Leste in 51S, at a scale of up to 1.0013, so
		// LRR is 1.0005–1.0013 and the grid azimuth up to 1.02° from true north.
		{"179.5E to 179.5W, one zone", 179.5, 180.5, 500, 1, 1.5e-3, 1.05},
		// 6° wide: cut at 180° and measured in zones 60 and 1, each within 3° of its
		// meridian: LRR 0.9996–1.0009, grid azimuth within 0.88° of true north.
		{"177E to 177W, zones 60 and 1", 177, 183, 1000, 2, 1e-3, 0.9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := coastScene{west: tt.west, east: tt.east, lat: func(float64) float64 { return -17 }, step: 0.005, rate: rate}
			p := DefaultParams()
			p.Spacing = tt.spacing
			res, err := Run(context.Background(), c.input(), p)
			if err != nil {
				t.Fatal(err)
			}
			if res.Zone != (utm.Zone{Number: 60, South: true}) && res.Zone != (utm.Zone{Number: 1, South: true}) {
				t.Fatalf("zone %v, want 60S or 1S", res.Zone)
			}
			if zs := res.Zones(); len(zs) != tt.zones {
				t.Errorf("measured in %v, want %d zones", zs, tt.zones)
			}
			checkInvariants(t, res)
			want := int((tt.east-tt.west)*math.Pi/180*parallelRadius(-17)/tt.spacing) - 2
			if len(res.Transects) < want || len(res.Missed) > 0 {
				t.Fatalf("%d transects (want at least %d), %d missed", len(res.Transects), want, len(res.Missed))
			}
			var worstRate, worstScaled, worstTrue, worstGrid float64
			for i, tr := range res.Transects {
				o, e := res.Zone.Inverse(tr.Origin), res.Zone.Inverse(tr.End)
				base := res.Zone.Inverse(tr.At(0))
				// Seaward is north: on the ground, and in the grid of the zone it was
				// measured in, where north is turned by the meridian convergence.
				az := trueAzimuth(o, e)
				gn := gridNorth(res.TransectZone(i), base)
				worstTrue = math.Max(worstTrue, math.Abs(angleDiff(az, 0)))
				worstGrid = math.Max(worstGrid, math.Abs(angleDiff(tr.Azimuth, 0)))
				if math.Abs(angleDiff(tr.Azimuth, gn)) > 0.01 {
					t.Errorf("transect %d: grid azimuth %.3f°, north is %.3f° in %v", i, tr.Azimuth, gn, res.TransectZone(i))
				}
				// LRR is the rate in the metres of the zone it was measured in: the true
				// rate times the scale factor there, exactly.
				k := scaleFactor(res.TransectZone(i), base)
				worstScaled = math.Max(worstScaled, math.Abs(tr.Stats.LRR-k*rate))
				worstRate = math.Max(worstRate, math.Abs(tr.Stats.LRR-rate))
			}
			t.Logf("%v, %d transects in %v: |LRR − rate| ≤ %.2g m/yr (≤ %.2g after the scale factor), true azimuth within %.3g°, grid within %.3g°",
				res.Zone, len(res.Transects), res.Zones(), worstRate, worstScaled, worstTrue, worstGrid)
			if worstTrue > 0.01 || worstGrid > tt.maxGrid || worstRate > tt.maxErr || worstScaled > 1e-5 {
				t.Errorf("true azimuth within %.3g° (want 0.01), grid within %.3g° (want %g), |LRR − rate| ≤ %.3g m/yr (want %g), after scale %.3g (want 1e-5)",
					worstTrue, worstGrid, tt.maxGrid, worstRate, tt.maxErr, worstScaled)
			}
		})
	}
}

// TestLongCoast runs a straight coast along 1°S from 98°E to 124°E, 2900 km, with land to
// the south in one unit per degree and shorelines moving north at 1.5 m/yr in true metres.
// Measured in one zone, 49S, as before zones were split, the ends lay 13° from its
// meridian and LRR ran 1.4994–1.5391 m/yr, 2.6 % too high at both ends.
func TestLongCoast(t *testing.T) {
	const rate = 1.5
	c := coastScene{west: 98, east: 124, lat: flat, step: 0.01, rate: rate}
	p := DefaultParams()
	p.Spacing = 2000
	var reports []Progress
	p.Progress = func(r Progress) { reports = append(reports, r) }
	in := c.input()
	res, err := Run(context.Background(), in, p)
	if err != nil {
		t.Fatal(err)
	}
	if res.Zone != (utm.Zone{Number: 49, South: true}) {
		t.Errorf("zone %v, want 49S", res.Zone)
	}
	var numbers []int
	for _, z := range res.Zones() {
		numbers = append(numbers, z.Number)
	}
	if fmt.Sprint(numbers) != "[47 48 49 50 51]" || len(res.Baseline) != 5 {
		t.Errorf("measured in zones %v in %d parts; want 47..51, one part each", numbers, len(res.Baseline))
	}
	// Each zone projects the shorelines near it: Estimate counts a second copy.
	if w := Estimate(in, p); w.Zones != 5 || w.Bytes != baseBytes+int64(w.Transects)*(bytesPerTransect+int64(w.Shorelines)*bytesPerCrossing)+2*int64(w.Vertices)*bytesPerVertex {
		t.Errorf("Estimate: %d zones, %d bytes for %+v; want 5 zones and two copies of the vertices", w.Zones, w.Bytes, w)
	}
	if w := Estimate(curvedScene().input(t, synthetic.Options{Seed: 1, Start: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2002, 1, 1, 0, 0, 0, 0, time.UTC), PerYear: 1, Uncertainty: [2]float64{5, 10}}), p); w.Zones != 1 {
		t.Errorf("Estimate of a coast in one zone: %d zones", w.Zones)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, in, p); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled run: %v", err)
	}
	checkInvariants(t, res)
	worst, worstEnd := 0.0, 0.0
	for i, tr := range res.Transects {
		base := res.Zone.Inverse(tr.At(0))
		e := math.Abs(tr.Stats.LRR/rate - 1)
		worst = math.Max(worst, e)
		if base[0] < 99 || base[0] > 123 {
			worstEnd = math.Max(worstEnd, e)
		}
		// Measured within 3° of the meridian of its zone...
		if d := math.Abs(utm.WrapLongitude(base[0] - res.TransectZone(i).CentralMeridian())); d > 3+1e-6 {
			t.Errorf("transect %d at %.3f°E measured in %v, %.2f° from its meridian", i, base[0], res.TransectZone(i), d)
		}
		// ...and perpendicular to the coast on the ground, at the cuts as elsewhere.
		if az := trueAzimuth(res.Zone.Inverse(tr.Origin), res.Zone.Inverse(tr.End)); math.Abs(angleDiff(az, 0)) > 0.01 {
			t.Errorf("transect %d at %.3f°E points %.3f° from north", i, base[0], az)
		}
	}
	t.Logf("%d transects: |LRR/rate − 1| ≤ %.3f %% (%.3f %% at the ends)", len(res.Transects), 100*worst, 100*worstEnd)
	if worst > 1e-3 {
		t.Errorf("|LRR/rate − 1| up to %.3f %%, want ≤ 0.1 %%", 100*worst)
	}
	// Each unit is a degree of coast, 111.3 km of the parallel at 1°S: the widths are in
	// true metres, give or take a spacing at the cuts and ends.
	if len(res.Units) != 26 {
		t.Errorf("%d units, want 26", len(res.Units))
	}
	degree := math.Pi / 180 * parallelRadius(-1) / 1000
	for _, u := range res.Units {
		if math.Abs(u.CoastKm-degree) > 2.01 || u.Transects < 50 || math.Abs(u.MeanLRR/rate-1) > 1e-3 {
			t.Errorf("unit %s: %.3f km of coast (want %.3f), %d transects, mean LRR %.4f", u.Unit.Code, u.CoastKm, degree, u.Transects, u.MeanLRR)
		}
	}
	// Progress counts up to the end of each step across the zones.
	last := map[string]Progress{}
	for _, r := range reports {
		if l, ok := last[r.Step]; ok && r.Done < l.Done {
			t.Errorf("%s: done went back from %d to %d", r.Step, l.Done, r.Done)
		}
		last[r.Step] = r
	}
	for _, step := range []string{"transects", "intersections"} {
		if l := last[step]; l.Total == 0 || l.Done != l.Total {
			t.Errorf("%s: last report %+v", step, l)
		}
	}
}

// TestCurvedCut runs a wavy coast along 1°S (2.2 km high, 55 km long waves, radius of
// curvature 34 km at the crests) from 96.5°E to 107.5°E, cut at 102°E between zones 47
// and 48, with a crest (a headland) or a trough (a bay, where normals converge) right at
// the cut. There the smoothing window (2500 m) is truncated as at a part's end, which
// turns the transects next to the cut by about 1250 m / (2 × 34 km) = 1°; they are still
// within 1.5° of normal to the coast, do not cross, and measure the rate the waves
// move at along their normals.
func TestCurvedCut(t *testing.T) {
	const rate, amp, wave = 1.0, 0.02, 0.5 // m/yr; degrees
	for _, tt := range []struct {
		name string
		sign float64
	}{{"headland at the cut", 1}, {"bay at the cut", -1}} {
		t.Run(tt.name, func(t *testing.T) {
			lat := func(lon float64) float64 { return -1 + tt.sign*amp*math.Cos(2*math.Pi*(lon-102)/wave) }
			c := coastScene{west: 96.5, east: 107.5, lat: lat, step: 0.002, rate: rate}
			p := DefaultParams()
			p.Spacing = 500
			res, err := Run(context.Background(), c.input(), p)
			if err != nil {
				t.Fatal(err)
			}
			if zs := res.Zones(); len(zs) != 2 || len(res.Baseline) != 2 {
				t.Fatalf("zones %v, %d parts; want 47S and 48S", zs, len(res.Baseline))
			}
			checkInvariants(t, res)
			worstNormal, worstNearCut, worstRate := 0.0, 0.0, 0.0
			for i, tr := range res.Transects {
				base := res.Zone.Inverse(tr.At(0))
				// The coast's slope on the ground at the baseline crossing, and its normal.
				lon := base[0]
				slope := -tt.sign * amp * 2 * math.Pi / wave * math.Sin(2*math.Pi*(lon-102)/wave) * meridianRadius(-1) / parallelRadius(-1)
				normal := -math.Atan(slope) * 180 / math.Pi
				az := trueAzimuth(res.Zone.Inverse(tr.Origin), res.Zone.Inverse(tr.End))
				d := math.Abs(angleDiff(az, normal))
				worstNormal = math.Max(worstNormal, d)
				if math.Abs(lon-102) < 0.05 {
					worstNearCut = math.Max(worstNearCut, d)
				}
				// Moved d north, a wave is d·cos θ away along its normal.
				truth := rate * math.Cos(math.Atan(slope)) * scaleFactor(res.TransectZone(i), base)
				worstRate = math.Max(worstRate, math.Abs(tr.Stats.LRR-truth))
				if d > 1.5 {
					t.Errorf("transect %d at %.4f°E: azimuth %.2f°, normal %.2f°", i, lon, az, normal)
				}
			}
			t.Logf("%d transects: within %.2f° of the normal (%.2f° within 5 km of the cut), |LRR − truth| ≤ %.4f m/yr",
				len(res.Transects), worstNormal, worstNearCut, worstRate)
			if worstNearCut < 0.5 || worstRate > 2e-3 {
				t.Errorf("within %.2f° of the normal at the cut (want the truncated window to show), |LRR − truth| up to %.4f m/yr", worstNearCut, worstRate)
			}
		})
	}
}

// TestBayAtCut puts a tight bay (1.5 km deep, 800 m wide) right on the cut at 102°E:
// there the transects of zones 47 and 48, turned towards each other by their truncated
// smoothing windows, cross (a dozen pairs at 100 m spacing); they are cut or dropped as
// Cast does within a zone, so none cross in the result, and the bay keeps its transects.
func TestBayAtCut(t *testing.T) {
	lat := func(lon float64) float64 {
		x := (lon - 102) * math.Pi / 180 * parallelRadius(-1)
		return -1 - 1500*math.Exp(-(x/800)*(x/800))/meridianRadius(-1)*180/math.Pi
	}
	c := coastScene{west: 98.5, east: 103.6, lat: lat, step: 0.0005, rate: 1}
	p := DefaultParams()
	p.Spacing = 100
	res, err := Run(context.Background(), c.input(), p)
	if err != nil {
		t.Fatal(err)
	}
	if zs := res.Zones(); len(zs) != 2 {
		t.Fatalf("measured in %v, want zones 47 and 48", zs)
	}
	checkInvariants(t, res)
	side := map[int]int{}
	for i, tr := range res.Transects {
		if base := res.Zone.Inverse(tr.At(0)); math.Abs(base[0]-102) < 0.02 {
			side[res.TransectZone(i).Number]++
		}
	}
	t.Logf("%d transects, within 2 km of the cut: %v", len(res.Transects), side)
	if side[47] < 15 || side[48] < 15 {
		t.Errorf("transects within 2 km of the cut by zone: %v; want the bay covered from both sides", side)
	}
}

// TestGivenTransectsZones measures given transects 400 m long, pointing north from land
// along 5°S every 0.25° from 96.5°E to 107.5°E, half in zone 47 and half in 48, against
// a CoastSat series with a known rate per transect, and against shorelines. Series
// chainages are along the transect, so rates are exact in any zone; what the zones
// change is where the points lie and how wide each transect's stretch of coast is (in the
// old single zone, 48S, 8.5° from its meridian at the west end, 1.1 % too wide).
func TestGivenTransectsZones(t *testing.T) {
	const lat = -5.0
	m := meridianRadius(lat)
	var given []GivenTransect
	var rates []float64
	for lon := 96.5; lon <= 107.5+1e-9; lon += 0.25 {
		o := north(orb.Point{lon, lat}, -200)
		given = append(given, GivenTransect{ID: fmt.Sprintf("T%d", len(given)+1), Line: orb.LineString{o, north(o, 400)}})
		rates = append(rates, -1+0.05*float64(len(rates)))
	}
	spacing := 0.25 * math.Pi / 180 * parallelRadius(lat)

	t.Run("series", func(t *testing.T) {
		s := &Series{Source: "series.csv"}
		for i := range given {
			s.Transects = append(s.Transects, given[i].ID)
		}
		for y := 2000; y <= 2010; y++ {
			s.Dates = append(s.Dates, time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC))
			row := make([]float64, len(given))
			for i := range row {
				row[i] = 200 + rates[i]*float64(y-2000)
			}
			s.Chainage = append(s.Chainage, row)
		}
		res, err := Run(context.Background(), Input{Series: s, Transects: given}, DefaultParams())
		if err != nil {
			t.Fatal(err)
		}
		if res.Zone != (utm.Zone{Number: 48, South: true}) || len(res.Zones()) != 2 {
			t.Fatalf("zone %v, measured in %v; want 48S, in 47S and 48S", res.Zone, res.Zones())
		}
		checkInvariants(t, res)
		for i, tr := range res.Transects {
			lon := 96.5 + 0.25*float64(i)
			if want := int(math.Floor((lon+180)/6)) + 1; res.TransectZone(i).Number != want || tr.Label != given[i].ID {
				t.Errorf("transect %d (%s) at %.2f°E measured in %v, want zone %d", i, tr.Label, lon, res.TransectZone(i), want)
			}
			if math.Abs(tr.Stats.LRR-rates[i]) > 1e-9 {
				t.Errorf("transect %s: LRR %.12f, want %g", tr.Label, tr.Stats.LRR, rates[i])
			}
			if i > 0 && i < len(res.Transects)-1 && math.Abs(tr.Width/spacing-1) > 1e-3 {
				t.Errorf("transect %s: width %.1f m, want %.1f", tr.Label, tr.Width, spacing)
			}
		}
		// A chainage lies along the transect in the metres of its zone, whose scale is
		// within 0.1 % of true: the point is that close to true, and the conversion to the
		// result's zone adds nothing to it.
		worst := 0.0
		for _, x := range res.Intersections {
			ll := res.Zone.Inverse(x.Point)
			ch := 200 + rates[x.Transect]*float64(x.Date.Year()-2000)
			want := north(given[x.Transect].Line[0], ch)
			d := math.Hypot(utm.WrapLongitude(ll[0]-want[0])*math.Pi/180*parallelRadius(lat), (ll[1]-want[1])*math.Pi/180*m)
			if d > 1e-3*ch+1e-3 {
				t.Errorf("transect %d, %v: point %.3f m from its chainage", x.Transect, x.Date.Year(), d)
			}
			worst = math.Max(worst, d)
		}
		t.Logf("%d intersections, points within %.3f m of their chainages", len(res.Intersections), worst)
	})

	t.Run("shorelines", func(t *testing.T) {
		const rate = 0.8
		c := coastScene{west: 96, east: 108, lat: func(float64) float64 { return lat }, step: 0.01, rate: rate}
		in := c.input()
		in.Coast, in.Transects = nil, given
		res, err := Run(context.Background(), in, DefaultParams())
		if err != nil {
			t.Fatal(err)
		}
		checkInvariants(t, res)
		if len(res.Zones()) != 2 || len(res.Missed) > 0 || len(res.Units) != 12 {
			t.Fatalf("measured in %v, %d missed, %d units", res.Zones(), len(res.Missed), len(res.Units))
		}
		for i, tr := range res.Transects {
			if e := math.Abs(tr.Stats.LRR/rate - 1); e > 1e-3 {
				t.Errorf("transect %s in %v: LRR %.5f, want %g within 0.1 %%", tr.Label, res.TransectZone(i), tr.Stats.LRR, rate)
			}
		}
	})
}

// TestCutPart cuts lines by zone: whole where they fit, at zone edges where they run
// across zones, not at every wiggle along an edge, across the antimeridian, and rings
// joined at their seam.
func TestCutPart(t *testing.T) {
	straight := func(lon0, lon1, lat float64) orb.LineString {
		var l orb.LineString
		for lon := lon0; lon <= lon1+1e-9; lon += 0.05 {
			l = append(l, orb.Point{utm.WrapLongitude(lon), lat})
		}
		return l
	}
	var zigzag orb.LineString
	for k := 0; k <= 40; k++ { // north along 126°E, crossing it 40 times, then east to 134°E
		zigzag = append(zigzag, orb.Point{125.2 + 1.6*float64(k%2), -10 + 0.25*float64(k)})
	}
	zigzag = append(zigzag, straight(126.8, 134, 0)[1:]...)
	var ring orb.LineString
	ring = append(ring, straight(100, 106, -2)...)
	for lon := 106.0; lon >= 98; lon -= 0.05 {
		ring = append(ring, orb.Point{lon, 2})
	}
	ring = append(ring, straight(98, 100, -2)...)
	ring[len(ring)-1] = ring[0]
	tests := []struct {
		name    string
		line    orb.LineString
		centre  float64
		numbers string    // zone numbers of the pieces
		cuts    []float64 // longitudes of the cuts
	}{
		{"fits its zone", straight(124.04, 127.35, -9), 125.7, "[51]", nil},
		{"across zones", straight(98, 124, -1), 111, "[47 48 49 50 51]", []float64{102, 108, 114, 120}},
		// The zigzag's piece in zone 51 fits within 4.5° of zone 52's meridian: it joins.
		{"along a zone edge", zigzag, 128, "[52 53]", []float64{132}},
		{"across the antimeridian", straight(177, 183, -17), 180, "[60 1]", []float64{180}},
		{"a leading sliver joins", straight(101.9, 110, 0), 106, "[48 49]", []float64{108}},
		{"a ring is cut, not at its seam", ring, 102, "[47 48]", []float64{102}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pieces := cutPart(tt.line, tt.centre)
			var numbers []int
			var cuts []float64
			for k, pc := range pieces {
				numbers = append(numbers, zoneNumber(pc.index))
				if k > 0 {
					prev := pieces[k-1].line
					if prev[len(prev)-1] != pc.line[0] {
						t.Errorf("piece %d starts at %v, the previous ends at %v", k, pc.line[0], prev[len(prev)-1])
					}
					cuts = append(cuts, pc.line[0][0])
				}
				for _, p := range pc.line {
					if d := math.Abs(p[0] - meridian(pc.index)); d > maxOffset+1e-9 {
						t.Errorf("piece %d: vertex %v is %.2f° from its meridian", k, p, d)
					}
				}
			}
			if fmt.Sprint(numbers) != tt.numbers || fmt.Sprintf("%.6g", cuts) != fmt.Sprintf("%.6g", tt.cuts) {
				t.Errorf("zones %v cut at %.6g; want %s cut at %v", numbers, cuts, tt.numbers, tt.cuts)
			}
			// The pieces are the line, in order: as long, and each continuous.
			length := func(l orb.LineString) float64 {
				d := 0.0
				for k := 1; k < len(l); k++ {
					if l[k] == l[k-1] {
						t.Errorf("repeated vertex %v", l[k])
					}
					d += math.Hypot(utm.WrapLongitude(l[k][0]-l[k-1][0]), l[k][1]-l[k-1][1])
				}
				return d
			}
			total := 0.0
			for _, pc := range pieces {
				total += length(pc.line)
			}
			if want := length(tt.line); math.Abs(total-want) > 1e-9 {
				t.Errorf("pieces %.9f° long, the line %.9f°", total, want)
			}
		})
	}
}

// TestResolveSeams resolves crossings between transects cast in two zones.
func TestResolveSeams(t *testing.T) {
	z47, z48 := utm.Zone{Number: 47, South: true}, utm.Zone{Number: 48, South: true}
	// make returns a transect of zone z through base (lon/lat), 300 m either side along
	// the true azimuth az.
	make := func(z utm.Zone, base orb.Point, az float64) transect.Transect {
		b := z.Forward(base)
		g := gridNorth(z, base)
		s, c := math.Sincos((az + g) * math.Pi / 180)
		k := scaleFactor(z, base)
		o := orb.Point{b[0] - 300*k*s, b[1] - 300*k*c}
		e := orb.Point{b[0] + 300*k*s, b[1] + 300*k*c}
		return transect.Transect{Origin: o, End: e, Base: 300 * k, Azimuth: az, Part: 0}
	}
	base := orb.Point{102, -1}
	east := orb.Point{102 + 20/parallelRadius(-1)*180/math.Pi, -1} // 20 m east
	far := orb.Point{102 + 200/parallelRadius(-1)*180/math.Pi, -1} // 200 m east
	tests := []struct {
		name    string
		a, b    transect.Transect
		dropped string
		cut     string // which were shortened
	}{
		{"apart", make(z47, base, 0), make(z48, east, 0), "[false false]", "[false false]"},
		// Converging seaward at 10°: they meet 115 m out, equally far from both.
		{"converging", make(z47, base, 5), make(z48, east, -5), "[false false]", "[true true]"},
		// One from 200 m east turned 60° across the other: it meets the first 115 m from
		// the first's baseline and 231 m from its own, so only it is cut.
		{"one across", make(z47, base, 0), make(z48, far, -60), "[false false]", "[false true]"},
		// As close to both baselines, 35 and 40 m, too close to cut either: one goes.
		{"across near the baselines", make(z47, base, 0), make(z48, east, -30), "[false true]", "[false false]"},
		// Two transects on the same spot, as where the pieces either side of a cut both
		// start a transect at the cut: the later one goes.
		{"duplicates", make(z47, base, 0), make(z48, base, 0), "[false true]", "[false false]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := []transect.Transect{tt.a, tt.b}
			zones := []utm.Zone{z47, z48}
			dropped := resolveSeams(ts, zones, []int{0, 1}, z48, 300, 1)
			var cut []bool
			for i, tr := range ts {
				orig := []transect.Transect{tt.a, tt.b}[i]
				cut = append(cut, tr != orig)
				if d := planar.Distance(tr.At(0), orig.At(0)); d > 1e-6 {
					t.Errorf("transect %d: baseline crossing moved %.3g m", i, d)
				}
			}
			if fmt.Sprint(dropped) != tt.dropped || fmt.Sprint(cut) != tt.cut {
				t.Errorf("dropped %v, cut %v; want %s, %s", dropped, cut, tt.dropped, tt.cut)
			}
			if !dropped[0] && !dropped[1] {
				if x, ok := segmentsMeet(convert(ts[0], z47, z48), ts[1]); ok {
					t.Errorf("still meet at %v", x)
				}
			}
		})
	}
}
