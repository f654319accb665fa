package export

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/vector/change"
	"github.com/tasi-gis/tasi/vector/transect"
	"github.com/tasi-gis/tasi/vector/utm"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// sample builds a two-transect, one-unit result whose statistics are computed from three
// hand-checkable series: on transect 1 the shore advances exactly 2 m/yr (LRR = EPR = 2),
// transect 2 has only two dates, so its regression statistics are undefined and must be
// empty cells.
func sample(t *testing.T) *analysis.Result {
	t.Helper()
	zone := utm.Zone{Number: 51, South: true}
	day := func(y int) time.Time { return time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC) }
	obs1 := []change.Observation{
		{Time: day(2000), Distance: 0, Uncertainty: 10},
		{Time: day(2010), Distance: 20, Uncertainty: 10},
		{Time: day(2020), Distance: 40, Uncertainty: 10},
	}
	obs2 := []change.Observation{
		{Time: day(2000), Distance: 10, Uncertainty: 10},
		{Time: day(2020), Distance: -10, Uncertainty: 10},
	}
	s1, err := change.Compute(obs1, 0.9)
	if err != nil {
		t.Fatal(err)
	}
	s2, err := change.Compute(obs2, 0.9)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(s1.LRR-2) > 0.01 || !math.IsNaN(s2.LRR) {
		t.Fatalf("fixture stats: LRR %v and %v, want ≈2 and NaN", s1.LRR, s2.LRR)
	}
	origin := zone.Forward(orb.Point{125.5, -8.55})
	tr := func(id string, dx float64, s change.Stats) analysis.Transect {
		o := orb.Point{origin[0] + dx, origin[1]}
		return analysis.Transect{
			Transect: transect.Transect{Origin: o, End: orb.Point{o[0], o[1] + 600}, Azimuth: 0},
			Label:    id, Unit: 0, Width: 50, Stats: s,
		}
	}
	trs := []analysis.Transect{tr("1", 0, s1), tr("2", 50, s2)}
	sum := change.Summarize([]change.TransectRate{
		{LRR: s1.LRR, LCI: s1.LCI, EPR: s1.EPR, NSM: s1.NSM},
		{LRR: s2.LRR, LCI: s2.LCI, EPR: s2.EPR, NSM: s2.NSM},
	})
	return &analysis.Result{
		Zone:      zone,
		Transects: trs,
		Units: []analysis.UnitChange{{
			Unit:    analysis.AdminUnit{Code: "TL0101", Name: "Suco, \"quoted\"", Population: 1234, Households: -1},
			Summary: sum, CoastKm: 0.1, AreaLost: 1000, AreaGained: 4000.4,
		}},
	}
}

// TestCSVGolden checks the files against goldens, and their progress from no row to
// every row.
func TestCSVGolden(t *testing.T) {
	r := sample(t)
	for _, tc := range []struct {
		golden string
		write  func(io.Writer, *analysis.Result, ...Option) error
		rows   int
	}{
		{"transects.csv", TransectsCSV, len(r.Transects)},
		{"admin_change.csv", AdminChangeCSV, len(r.Units)},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			var b bytes.Buffer
			var progress []string
			if err := tc.write(&b, r, WithProgress(func(p analysis.Progress) {
				progress = append(progress, fmt.Sprintf("%s %d/%d", p.Step, p.Done, p.Total))
			})); err != nil {
				t.Fatal(err)
			}
			var want []string
			for i := range tc.rows + 1 {
				want = append(want, fmt.Sprintf("%s %d/%d", tc.golden, i, tc.rows))
			}
			if !slices.Equal(progress, want) {
				t.Errorf("progress %q, want %q", progress, want)
			}
			path := filepath.Join("testdata", tc.golden)
			if *update {
				if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			golden, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(b.Bytes(), golden) {
				t.Errorf("%s differs from golden:\n got: %s\nwant: %s", tc.golden, b.Bytes(), golden)
			}
		})
	}
}

func TestNum(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		dec  int
		want string
	}{
		{math.NaN(), 3, ""},
		{math.Inf(-1), 3, ""},
		{-0.0001, 3, "0.000"},
		{-1.25, 1, "-1.2"}, // round half to even in the binary value
		{2, 3, "2.000"},
	} {
		if got := num(tc.v, tc.dec); got != tc.want {
			t.Errorf("num(%v, %d) = %q, want %q", tc.v, tc.dec, got, tc.want)
		}
	}
}
