package data_test

import (
	"math"
	"testing"

	"github.com/paulmach/orb/planar"
	"github.com/paulmach/orb/project"

	"github.com/tasi-gis/tasi/data"
	"github.com/tasi-gis/tasi/vector/utm"
)

// TestRoads checks the bundled Estrada roads against the figures of shared/data/SOURCES.md
// §11: 52 lines, 2,186 km measured in UTM 51S, A01 202 km (203.9 km in the official road
// list), and classes national 21 lines 1,399 km, municipal 30 lines 756 km, other 1 line
// 31 km.
func TestRoads(t *testing.T) {
	t.Parallel()
	roads, err := data.Roads()
	if err != nil {
		t.Fatalf("Roads: %v", err)
	}
	if len(roads) != 52 {
		t.Fatalf("%d roads, want 52", len(roads))
	}
	zone, err := utm.ZoneFromEPSG(32751)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	byCode := map[string]float64{}
	classKm := map[string]float64{}
	classN := map[string]int{}
	total := 0.0
	for _, r := range roads {
		if seen[r.Code] {
			t.Errorf("road code %s twice", r.Code)
		}
		seen[r.Code] = true
		if len(r.Line) != 1 {
			t.Errorf("%s: %d parts, want 1", r.Code, len(r.Line))
		}
		km := planar.Length(project.MultiLineString(r.Line.Clone(), zone.Forward)) / 1000
		// The stated length was measured in the source's CRS, UTM 51S, before rounding.
		if math.Abs(km-r.LengthKm) > 0.01 {
			t.Errorf("%s: %.3f km in UTM 51S, source says %.3f km", r.Code, km, r.LengthKm)
		}
		byCode[r.Code] = km
		classKm[r.Class] += km
		classN[r.Class]++
		total += km
	}
	t.Logf("roads: %.3f km in UTM 51S; A01 %.3f km, A02 %.3f km", total, byCode["A01"], byCode["A02"])
	tests := []struct {
		name      string
		got, want float64
		tol       float64
	}{
		{"total km", total, 2186, 0.01 * 2186},
		{"A01 km", byCode["A01"], 202.3, 0.5},
		{"A02 km", byCode["A02"], 178.4, 0.5},
		{"national km", classKm[data.RoadNational], 1399, 1},
		{"municipal km", classKm[data.RoadMunicipal], 756, 1},
		{"other km", classKm[data.RoadOther], 31, 0.5},
		{"national lines", float64(classN[data.RoadNational]), 21, 0},
		{"municipal lines", float64(classN[data.RoadMunicipal]), 30, 0},
		{"other lines", float64(classN[data.RoadOther]), 1, 0},
	}
	for _, tt := range tests {
		if math.Abs(tt.got-tt.want) > tt.tol {
			t.Errorf("%s = %.3f, want %.3f ± %.3f", tt.name, tt.got, tt.want, tt.tol)
		}
	}
	// Every road lies in Timor-Leste, Oecusse and Atauro included.
	for _, r := range roads {
		b := r.Line.Bound()
		if b.Min[0] < 124.0 || b.Max[0] > 127.4 || b.Min[1] < -9.6 || b.Max[1] > -8.1 {
			t.Errorf("%s: bound %v outside Timor-Leste", r.Code, b)
		}
	}
}

// BenchmarkRoads sits beside TestRoads rather than in benchmarks_test.go so that bundling
// the roads touched only files of their own; move it there at the next edit of that file.
func BenchmarkRoads(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := data.Roads(); err != nil {
			b.Fatal(err)
		}
	}
}
