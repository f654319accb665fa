package data_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/data"
	"github.com/tasi-gis/tasi/internal/shared"
)

func load(t testing.TB) *data.Reference {
	t.Helper()
	r, err := data.TimorLeste()
	if err != nil {
		t.Fatalf("TimorLeste: %v", err)
	}
	return r
}

func TestTimorLesteCounts(t *testing.T) {
	t.Parallel()
	r := load(t)
	municipalities := map[string]bool{}
	postos := map[string]bool{}
	var pop, hh int
	for _, u := range r.Units {
		municipalities[u.RegionCode] = true
		postos[u.ParentCode] = true
		pop += u.Population
		hh += u.Households
	}
	tests := []struct {
		name      string
		got, want int
	}{
		{"sucos", len(r.Units), 442},
		{"municipalities (distinct ADM1 P-codes)", len(municipalities), 13},
		{"postos (distinct ADM2 P-codes)", len(postos), 65},
		{"population 2015", pop, 1183643},
		{"households 2015", hh, 204597},
		{"coastline lines", len(r.Coastline), 104},
		{"localities", len(r.Localities), 2871},
		{"ports", len(r.Ports), 6},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %d, want %d", tt.name, tt.got, tt.want)
		}
	}
}

func TestUnits(t *testing.T) {
	t.Parallel()
	r := load(t)
	byCode := map[string]analysis.AdminUnit{}
	for i, u := range r.Units {
		byCode[u.Code] = u
		if i > 0 && r.Units[i-1].Code >= u.Code {
			t.Errorf("units not sorted by P-code: %s before %s", r.Units[i-1].Code, u.Code)
		}
		// P-codes are hierarchical: TL03 → TL0303 → TL030315.
		if len(u.Code) != 8 || u.Code[:6] != u.ParentCode || u.ParentCode[:4] != u.RegionCode {
			t.Errorf("%s %s: hierarchy %s/%s does not nest", u.Code, u.Name, u.ParentCode, u.RegionCode)
		}
		if u.Name == "" || u.ParentName == "" || u.RegionName == "" {
			t.Errorf("%s: empty name in %+v", u.Code, u)
		}
		if u.Population <= 0 || u.Households <= 0 {
			t.Errorf("%s %s: population %d, households %d", u.Code, u.Name, u.Population, u.Households)
		}
		if len(u.Geometry) == 0 {
			t.Errorf("%s %s: no geometry", u.Code, u.Name)
		}
		for _, p := range u.Geometry {
			for _, ring := range p {
				if len(ring) < 4 || !ring.Closed() {
					t.Errorf("%s %s: ring of %d points, closed %v", u.Code, u.Name, len(ring), ring.Closed())
				}
			}
		}
	}

	tests := []struct {
		code, name             string
		parentCode, parentName string
		regionCode, regionName string
		population, households int
	}{
		{"TL030315", "Abafala", "TL0303", "Quelicai", "TL03", "Baucau", 938, 210},
		{"TL060503", "Comoro", "TL0605", "Dom Aleixo", "TL06", "Dili", 76681, 12261},
		// Atauro is still a posto of Dili in COD-AB 2020 (a municipality since 2022).
		{"TL060403", "Beloi", "TL0604", "Atauro", "TL06", "Dili", 1678, 325},
		// Low-confidence census join: census "Beiseuc" matched to COD-AB "Foholulic".
		{"TL050601", "Foholulic", "TL0506", "Tilomar", "TL05", "Covalima", 2267, 540},
	}
	for _, tt := range tests {
		u, ok := byCode[tt.code]
		if !ok {
			t.Errorf("%s missing", tt.code)
			continue
		}
		if u.Name != tt.name || u.ParentCode != tt.parentCode || u.ParentName != tt.parentName ||
			u.RegionCode != tt.regionCode || u.RegionName != tt.regionName {
			t.Errorf("%s = %s, %s %s, %s %s; want %s, %s %s, %s %s", tt.code,
				u.Name, u.ParentCode, u.ParentName, u.RegionCode, u.RegionName,
				tt.name, tt.parentCode, tt.parentName, tt.regionCode, tt.regionName)
		}
		if u.Population != tt.population {
			t.Errorf("%s %s population = %d, want %d", tt.code, u.Name, u.Population, tt.population)
		}
		if u.Households != tt.households {
			t.Errorf("%s %s households = %d, want %d", tt.code, u.Name, u.Households, tt.households)
		}
	}

	// Comoro is the largest suco.
	largest := r.Units[0]
	for _, u := range r.Units {
		if u.Population > largest.Population {
			largest = u
		}
	}
	if largest.Name != "Comoro" {
		t.Errorf("largest suco = %s (%d), want Comoro", largest.Name, largest.Population)
	}
}

func TestCoastlineLength(t *testing.T) {
	t.Parallel()
	r := load(t)
	// The UTM zone comes from the data's centre (51 for Timor-Leste), as the product does.
	c := r.Bound().Center()
	zone := int(math.Floor((c[0]+180)/6)) + 1
	var utm, ellipsoidal float64
	for _, ls := range r.Coastline {
		if len(ls) < 2 {
			t.Errorf("coastline line of %d points", len(ls))
		}
		for i := 1; i < len(ls); i++ {
			e0, n0 := utmForward(ls[i-1], zone)
			e1, n1 := utmForward(ls[i], zone)
			utm += math.Hypot(e1-e0, n1-n0)
			ellipsoidal += segmentMetres(ls[i-1], ls[i])
		}
	}
	t.Logf("coastline: %.3f km in UTM %dS, %.3f km on the ellipsoid", utm/1000, zone, ellipsoidal/1000)
	// 784.7 km in UTM 51S (SOURCES.md, computed with GDAL); the land border (258.7 km) would
	// push it far out of range.
	if zone != 51 || math.Abs(utm/1000-784.7) > 0.1 {
		t.Errorf("coastline length in UTM %dS = %.3f km, want 784.7 km in UTM 51S", zone, utm/1000)
	}
	// On the ellipsoid the length is about 0.8 km shorter (UTM scale factor > 1 east of 123°E).
	if math.Abs(ellipsoidal/1000-784.7) > 1 {
		t.Errorf("coastline length on the ellipsoid = %.3f km, want 784.7 ± 1 km", ellipsoidal/1000)
	}
}

func TestLocalities(t *testing.T) {
	t.Parallel()
	r := load(t)
	units := map[string]orb.MultiPolygon{}
	for _, u := range r.Units {
		units[u.Code] = u.Geometry
	}
	kinds := map[int]int{}
	for i, l := range r.Localities {
		kinds[l.Kind]++
		g, ok := units[l.UnitCode]
		if !ok {
			t.Errorf("locality %d %s: unknown suco P-code %q", i, l.Name, l.UnitCode)
			continue
		}
		if l.Name == "" {
			t.Errorf("locality %d: empty name", i)
		}
		if !planar.MultiPolygonContains(g, l.Point) {
			t.Errorf("locality %d %s %v: not inside its suco %s", i, l.Name, l.Point, l.UnitCode)
		}
	}
	want := map[int]int{data.KindDistrictCapital: 13, data.KindSubdistrictCapital: 129, data.KindSucoCentre: 43, data.KindLocality: 2686}
	for k, n := range want {
		if kinds[k] != n {
			t.Errorf("localities of kind %d = %d, want %d", k, kinds[k], n)
		}
	}
	if len(kinds) != len(want) {
		t.Errorf("locality kinds = %v, want only 1–4", kinds)
	}
}

func TestPorts(t *testing.T) {
	t.Parallel()
	r := load(t)
	idx := newSegmentIndex(r.Coastline, 0.05)
	found := false
	for _, p := range r.Ports {
		found = found || p.Name == "Porto de Dili"
		// All six are on the shore; the farthest from the COD coastline is Wini (1.6 km).
		if d := idx.distance(p.Point); d > 2000 {
			t.Errorf("port %q at %v is %.0f m from the coastline", p.Name, p.Point, d)
		}
	}
	if !found {
		t.Errorf("Porto de Dili not among %+v", r.Ports)
	}
}

func TestBound(t *testing.T) {
	t.Parallel()
	b := load(t).Bound()
	// COD-AB extent: 124.044647, -9.504650 – 127.342117, -8.126870.
	want := orb.Bound{Min: orb.Point{124.044647, -9.504650}, Max: orb.Point{127.342117, -8.126870}}
	const eps = 1e-6
	if math.Abs(b.Min[0]-want.Min[0]) > eps || math.Abs(b.Min[1]-want.Min[1]) > eps ||
		math.Abs(b.Max[0]-want.Max[0]) > eps || math.Abs(b.Max[1]-want.Max[1]) > eps {
		t.Errorf("Bound() = %v, want %v", b, want)
	}
	if got := (&data.Reference{}).Bound(); got != (orb.Bound{}) {
		t.Errorf("empty Reference Bound() = %v, want zero", got)
	}
}

// TestCoastalSucos checks that exactly the 99 coastal sucos of the shared table come within
// 50 m of the bundled coastline, and that they hold the published 382,021 people.
func TestCoastalSucos(t *testing.T) {
	t.Parallel()
	path := shared.Data(t, "tls_cod_ab/tls_coastal_sucos_codab.csv")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	coastal := map[string]string{}
	for _, row := range rows[1:] {
		coastal[row[0]] = row[1]
	}
	if len(coastal) != 99 {
		t.Fatalf("%s: %d sucos, want 99", path, len(coastal))
	}

	r := load(t)
	idx := newSegmentIndex(r.Coastline, 0.005)
	var pop, hh, near int
	for _, u := range r.Units {
		d := math.Inf(1)
		for _, p := range u.Geometry {
			for _, ring := range p {
				for _, pt := range ring {
					d = math.Min(d, idx.distance(pt))
				}
			}
		}
		_, listed := coastal[u.Code]
		switch {
		case listed && d > 50:
			t.Errorf("coastal suco %s %s is %.1f m from the coastline", u.Code, u.Name, d)
		case !listed && d <= 50:
			t.Errorf("suco %s %s is %.1f m from the coastline but not in the coastal list", u.Code, u.Name, d)
		}
		if listed {
			near++
			pop += u.Population
			hh += u.Households
		}
	}
	if near != 99 || pop != 382021 || hh != 66869 {
		t.Errorf("coastal sucos: %d, %d people, %d households; want 99, 382021, 66869", near, pop, hh)
	}
}

// segmentMetres is the length of a short segment on the WGS84 ellipsoid (metres), from the
// meridional and prime-vertical radii of curvature at its mid-latitude. For the ~16 m
// segments of the coastline it agrees with the geodesic to well under a millimetre.
func segmentMetres(a, b orb.Point) float64 {
	const aE, f = 6378137.0, 1 / 298.257223563
	e2 := f * (2 - f)
	phi := (a[1] + b[1]) / 2 * math.Pi / 180
	w := 1 - e2*math.Sin(phi)*math.Sin(phi)
	m := aE * (1 - e2) / math.Pow(w, 1.5)
	n := aE / math.Sqrt(w)
	dy := (b[1] - a[1]) * math.Pi / 180 * m
	dx := (b[0] - a[0]) * math.Pi / 180 * n * math.Cos(phi)
	return math.Hypot(dx, dy)
}

// utmForward projects lon/lat to UTM easting/northing (metres, southern hemisphere false
// northing) with the Krüger series to n³, accurate to about a millimetre within the zone.
func utmForward(p orb.Point, zone int) (e, n float64) {
	const a, f, k0 = 6378137.0, 1 / 298.257223563, 0.9996
	nn := f / (2 - f)
	A := a / (1 + nn) * (1 + nn*nn/4 + nn*nn*nn*nn/64)
	alpha := [3]float64{
		nn/2 - 2*nn*nn/3 + 5*nn*nn*nn/16,
		13*nn*nn/48 - 3*nn*nn*nn/5,
		61 * nn * nn * nn / 240,
	}
	lam0 := float64(zone*6-183) * math.Pi / 180
	phi := p[1] * math.Pi / 180
	lam := p[0]*math.Pi/180 - lam0
	c := 2 * math.Sqrt(nn) / (1 + nn)
	t := math.Sinh(math.Atanh(math.Sin(phi)) - c*math.Atanh(c*math.Sin(phi)))
	xi := math.Atan2(t, math.Cos(lam))
	eta := math.Atanh(math.Sin(lam) / math.Sqrt(1+t*t))
	x, y := eta, xi
	for j := 1; j <= 3; j++ {
		x += alpha[j-1] * math.Cos(2*float64(j)*xi) * math.Sinh(2*float64(j)*eta)
		y += alpha[j-1] * math.Sin(2*float64(j)*xi) * math.Cosh(2*float64(j)*eta)
	}
	return 500000 + k0*A*x, 10000000 + k0*A*y
}

// segmentIndex finds the distance in metres from a point to the nearest coastline segment,
// with segments bucketed in a lon/lat grid.
type segmentIndex struct {
	cell  float64
	cells map[[2]int][][2]orb.Point
}

func newSegmentIndex(mls orb.MultiLineString, cell float64) *segmentIndex {
	idx := &segmentIndex{cell: cell, cells: map[[2]int][][2]orb.Point{}}
	for _, ls := range mls {
		for i := 1; i < len(ls); i++ {
			s := [2]orb.Point{ls[i-1], ls[i]}
			b := orb.MultiPoint{s[0], s[1]}.Bound()
			for x := idx.key(b.Min[0]); x <= idx.key(b.Max[0]); x++ {
				for y := idx.key(b.Min[1]); y <= idx.key(b.Max[1]); y++ {
					idx.cells[[2]int{x, y}] = append(idx.cells[[2]int{x, y}], s)
				}
			}
		}
	}
	return idx
}

func (idx *segmentIndex) key(v float64) int { return int(math.Floor(v / idx.cell)) }

// distance returns the distance from p to the nearest segment within one cell of p's cell,
// or +Inf when there is none; distances beyond one cell size are not exact.
func (idx *segmentIndex) distance(p orb.Point) float64 {
	// Local metres per degree at p (equirectangular; fine at the tens-of-metres scale).
	my := segmentMetres(orb.Point{p[0], p[1] - 0.5}, orb.Point{p[0], p[1] + 0.5})
	mx := segmentMetres(orb.Point{p[0] - 0.5, p[1]}, orb.Point{p[0] + 0.5, p[1]})
	best := math.Inf(1)
	kx, ky := idx.key(p[0]), idx.key(p[1])
	for x := kx - 1; x <= kx+1; x++ {
		for y := ky - 1; y <= ky+1; y++ {
			for _, s := range idx.cells[[2]int{x, y}] {
				ax, ay := (s[0][0]-p[0])*mx, (s[0][1]-p[1])*my
				bx, by := (s[1][0]-p[0])*mx, (s[1][1]-p[1])*my
				dx, dy := bx-ax, by-ay
				t := 0.0
				if l := dx*dx + dy*dy; l > 0 {
					t = math.Max(0, math.Min(1, -(ax*dx+ay*dy)/l))
				}
				best = math.Min(best, math.Hypot(ax+t*dx, ay+t*dy))
			}
		}
	}
	return best
}

// TestPopulationGrid checks the bundled WorldPop GeoTIFF: its size and SHA-256 (the file is
// bundled as is), a little-endian TIFF header, that each call returns its own copy, and,
// when the shared data is there, that it is byte for byte the shared file.
func TestPopulationGrid(t *testing.T) {
	t.Parallel()
	b := data.PopulationGrid()
	const wantSHA = "fb6b703a1215cf850b27c2951d84ac82282089ea8c051de35b7765df6bee4b92"
	if got := fmt.Sprintf("%x", sha256.Sum256(b)); len(b) != 829542 || got != wantSHA {
		t.Errorf("PopulationGrid: %d bytes, SHA-256 %s; want 829542 bytes, %s", len(b), got, wantSHA)
	}
	if !bytes.HasPrefix(b, []byte("II*\x00")) {
		t.Errorf("PopulationGrid starts % x, want a little-endian TIFF header", b[:min(4, len(b))])
	}
	b[0] = 'X'
	if data.PopulationGrid()[0] != 'I' {
		t.Error("changing the returned bytes changed the bundle")
	}

	path := shared.Data(t, "tls_worldpop_population/tls_population_base.tif")
	tif, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(tif, data.PopulationGrid()) {
		t.Errorf("bundled grid differs from %s", path)
	}
}
