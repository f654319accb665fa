package synthetic_test

import (
	"encoding/json"
	"math"
	"os"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/internal/shared"
	"github.com/tasi-gis/tasi/vector/polyindex"
	"github.com/tasi-gis/tasi/vector/synthetic"
	"github.com/tasi-gis/tasi/vector/utm"
)

// readGeoJSON reads the geometries of a GeoJSON feature collection of (multi)lines or
// (multi)polygons, as lon/lat. orb/geojson is not used: it would pull in a BSON module.
func readGeoJSON(t testing.TB, path string) (lines orb.MultiLineString, polys orb.MultiPolygon) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Features []struct {
			Geometry struct {
				Type        string          `json:"type"`
				Coordinates json.RawMessage `json:"coordinates"`
			} `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(b, &fc); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	for i, f := range fc.Features {
		var err error
		switch g := f.Geometry; g.Type {
		case "LineString":
			var ls orb.LineString
			err = json.Unmarshal(g.Coordinates, &ls)
			lines = append(lines, ls)
		case "MultiLineString":
			var mls orb.MultiLineString
			err = json.Unmarshal(g.Coordinates, &mls)
			lines = append(lines, mls...)
		case "Polygon":
			var p orb.Polygon
			err = json.Unmarshal(g.Coordinates, &p)
			polys = append(polys, p)
		case "MultiPolygon":
			var mp orb.MultiPolygon
			err = json.Unmarshal(g.Coordinates, &mp)
			polys = append(polys, mp...)
		}
		if err != nil {
			t.Fatalf("%s: feature %d: %v", path, i, err)
		}
	}
	return lines, polys
}

// timorLeste returns the COD-AB coastline (admLevel 99) and the suco polygons as land, in
// the UTM zone of the coast.
func timorLeste(t testing.TB) (orb.MultiLineString, *polyindex.Index) {
	coast, _ := readGeoJSON(t, shared.Data(t, "tls_cod_ab/tls_coastline_codab_admlevel99.geojson"))
	_, sucos := readGeoJSON(t, shared.Data(t, "tls_cod_ab/tls_adm3_suco.geojson"))
	zone, err := utm.ZoneOf(coast.Bound())
	if err != nil {
		t.Fatal(err)
	}
	for _, ls := range coast {
		for i, p := range ls {
			ls[i] = zone.Forward(p)
		}
	}
	for _, poly := range sucos {
		for _, ring := range poly {
			for i, p := range ring {
				ring[i] = zone.Forward(p)
			}
		}
	}
	land := make([]orb.MultiPolygon, len(sucos))
	for i, p := range sucos {
		land[i] = orb.MultiPolygon{p}
	}
	return coast, polyindex.New(land)
}

func TestTimorLesteCoast(t *testing.T) {
	coast, land := timorLeste(t)
	if len(coast) != 104 {
		t.Fatalf("%d coast lines, want 104", len(coast))
	}
	if km := totalLength(coast) / 1000; math.Abs(km-784.7) > 0.5 {
		t.Errorf("coast is %.1f km, want 784.7", km)
	}

	// The seaward side: moved 2 m/yr seaward for 38 years, the coast is in the sea;
	// moved landward, on land.
	opt := quiet(1)
	opt.PerYear = 0.1
	for _, tc := range []struct {
		rate      float64
		wantLand  bool
		wantShare float64
	}{{2, false, 0.97}, {-2, true, 0.97}} {
		got, err := synthetic.Generate(coast, land, constant(tc.rate), opt)
		if err != nil {
			t.Fatal(err)
		}
		last := got[len(got)-1]
		var n, right int
		for _, ls := range last.Geometry {
			for _, p := range ls {
				n++
				if land.Contains(p) == tc.wantLand {
					right++
				}
			}
		}
		share := float64(right) / float64(n)
		t.Logf("rate %v: %.2f %% of %d vertices on the expected side", tc.rate, 100*share, n)
		if share < tc.wantShare {
			t.Errorf("rate %v: %.1f %% of the vertices on the expected side after %.0f years, want ≥ %.0f %%",
				tc.rate, 100*share, years(last.Date), 100*tc.wantShare)
		}
	}

	// The demo's settings: every line simple; without cloud gaps the 104 lines are 6: the
	// main coast from border to border (88 lines), Oecussi (7), Atauro (a ring of 6) and
	// three one-line islets, Jaco among them.
	opt = noisy(2024)
	opt.PerYear = 1
	rate := synthetic.DefaultRateField(coast.Bound(), 2024)
	for _, tc := range []struct{ gap, smoothing float64 }{{0, 0}, {0.2, 0}, {0.2, 2500}} {
		opt.CloudGap, opt.Smoothing = tc.gap, tc.smoothing
		began := time.Now()
		got, err := synthetic.Generate(coast, land, rate, opt)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("cloud gap %v, smoothing %v: %d shorelines in %v", tc.gap, tc.smoothing, len(got), time.Since(began).Round(time.Millisecond))
		for _, sl := range got {
			if tc.gap == 0 && len(sl.Geometry) != 6 {
				t.Errorf("%s: %d lines, want 6", sl.Date.Format(time.DateOnly), len(sl.Geometry))
			}
			requireSimple(t, sl.Geometry, 50)
		}
	}
}

// BenchmarkGenerateTimorLeste makes 38 shorelines (1987–2024) of the COD-AB coastline,
// 49,483 vertices, with the demo's settings.
func BenchmarkGenerateTimorLeste(b *testing.B) {
	coast, land := timorLeste(b)
	rate := synthetic.DefaultRateField(coast.Bound(), 1)
	opt := noisy(1)
	opt.PerYear = 1
	for b.Loop() {
		if _, err := synthetic.Generate(coast, land, rate, opt); err != nil {
			b.Fatal(err)
		}
	}
}
