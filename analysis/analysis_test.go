package analysis

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/project"
	"github.com/tasi-gis/tasi/vector/polyindex"
	"github.com/tasi-gis/tasi/vector/synthetic"
	"github.com/tasi-gis/tasi/vector/utm"
)

// scene is a synthetic coast in UTM 51S (Timor-Leste's zone) with its land polygons.
type scene struct {
	zone  utm.Zone
	coast orb.MultiLineString // metres
	land  []orb.MultiPolygon  // metres
}

func circle(c orb.Point, r float64, n int) orb.Ring {
	ring := make(orb.Ring, n+1)
	for i := 0; i < n; i++ {
		a := 2 * math.Pi * float64(i) / float64(n)
		ring[i] = orb.Point{c[0] + r*math.Cos(a), c[1] + r*math.Sin(a)}
	}
	ring[n] = ring[0]
	return ring
}

// curvedScene is a coast with a deep round bay between two headlands, and an offshore
// island: the shapes on which naive transects cross or point the wrong way.
func curvedScene() scene {
	o := orb.Point{700000, 9050000}
	// The coast runs east along y = o.y, dips into a semicircular bay of radius 2 km.
	var coast orb.LineString
	for x := -8000.0; x < -2000; x += 20 {
		coast = append(coast, orb.Point{o[0] + x, o[1]})
	}
	for a := math.Pi; a >= 0; a -= 0.005 {
		coast = append(coast, orb.Point{o[0] + 2000*math.Cos(a), o[1] - 2000*math.Sin(a)})
	}
	for x := 2000.0; x <= 8000; x += 20 {
		coast = append(coast, orb.Point{o[0] + x, o[1]})
	}
	landRing := orb.Ring{}
	landRing = append(landRing, coast...)
	landRing = append(landRing, orb.Point{o[0] + 8000, o[1] - 6000}, orb.Point{o[0] - 8000, o[1] - 6000}, coast[0])
	island := circle(orb.Point{o[0], o[1] + 5000}, 1500, 600)
	return scene{
		zone:  utm.Zone{Number: 51, South: true},
		coast: orb.MultiLineString{coast, orb.LineString(island)},
		land:  []orb.MultiPolygon{{{landRing}}, {{island}}},
	}
}

// rateField varies smoothly from −2 to +1 m/yr across the scene.
func rateField(p orb.Point) float64 {
	return -0.5 + 1.5*math.Sin((p[0]-700000)/3000)*math.Cos((p[1]-9050000)/4000)
}

func (s scene) input(t testing.TB, opt synthetic.Options) Input {
	t.Helper()
	ss, err := synthetic.Generate(s.coast, polyindex.New(s.land), rateField, opt)
	if err != nil {
		t.Fatal(err)
	}
	inv := orb.Projection(s.zone.Inverse)
	in := Input{Coast: project.MultiLineString(s.coast.Clone(), inv)}
	for _, l := range s.land {
		in.Land = append(in.Land, project.MultiPolygon(l.Clone(), inv))
	}
	for i, sh := range ss {
		in.Shorelines = append(in.Shorelines, Shoreline{
			Source:      "synthetic " + sh.Date.Format("2006-01-02"),
			Date:        sh.Date,
			Uncertainty: sh.Uncertainty,
			Geometry:    project.MultiLineString(sh.Geometry.Clone(), inv),
		})
		_ = i
	}
	return in
}

func quantile(v []float64, q float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	pos := q * float64(len(s)-1)
	lo := int(pos)
	if lo+1 >= len(s) {
		return s[len(s)-1]
	}
	return s[lo] + (pos-float64(lo))*(s[lo+1]-s[lo])
}

// TestRateRecovery generates shorelines with a known rate field on a curved coast and an
// island and checks how closely LRR and WLR recover it: exactly without noise (the
// geometry is right: transects radial on the island and in the bay, signed seaward), and
// within the sampling error of the slope with realistic noise.
func TestRateRecovery(t *testing.T) {
	base := synthetic.Options{
		Seed: 7, Start: time.Date(1987, 1, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC),
		PerYear: 1, NoiseLength: 500, Uncertainty: [2]float64{6, 15},
	}
	noisy := base
	noisy.Noise, noisy.CloudGap, noisy.Seasonal = 8, 0.15, 5
	tests := []struct {
		name           string
		opt            synthetic.Options
		maxMed, maxP95 float64 // m/yr, for both LRR and WLR
	}{
		// Without noise the only error is the angle between the transect (smoothed over
		// 2500 m, as DSAS) and the normal the shoreline moved along (smoothed over 500 m):
		// nil on the island and round the bay, up to 0.8 m/yr within 500 m of the bay's
		// right-angled corners, where 2500 m of smoothing turns transects by 35°.
		{"noise-free", base, 0.005, 0.1},
		// 8 m along-shore correlated noise, a 5 m seasonal cycle and 15 % cloud gaps over 38
		// years: the standard error of a 38-point slope is about 0.15 m/yr.
		{"realistic", noisy, 0.2, 0.45},
	}
	s := curvedScene()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Run(context.Background(), s.input(t, tt.opt), DefaultParams())
			if err != nil {
				t.Fatal(err)
			}
			if res.Zone != s.zone {
				t.Errorf("zone %v, want %v", res.Zone, s.zone)
			}
			var lrr, wlr []float64
			for _, tr := range res.Transects {
				truth := rateField(tr.BaselinePoint())
				if !math.IsNaN(tr.Stats.LRR) {
					lrr = append(lrr, math.Abs(tr.Stats.LRR-truth))
				}
				if !math.IsNaN(tr.Stats.WLR) {
					wlr = append(wlr, math.Abs(tr.Stats.WLR-truth))
				}
			}
			// 16 km of coast with a 6.3 km bay, and a 9.4 km island, at 50 m: about 550 transects.
			if len(lrr) < 500 {
				t.Fatalf("only %d of %d transects have an LRR", len(lrr), len(res.Transects))
			}
			for _, e := range []struct {
				name string
				v    []float64
			}{{"LRR", lrr}, {"WLR", wlr}} {
				med, p95 := quantile(e.v, 0.5), quantile(e.v, 0.95)
				t.Logf("%d transects: |%s − truth| median %.3f, p95 %.3f m/yr", len(e.v), e.name, med, p95)
				if med > tt.maxMed || p95 > tt.maxP95 {
					t.Errorf("|%s − truth| median %.3f p95 %.3f m/yr, want ≤ %.3f and ≤ %.3f", e.name, med, p95, tt.maxMed, tt.maxP95)
				}
			}
		})
	}
}

// TestRateRecoveryPoints measures the realistic shorelines as CoastSeg delivers them, as
// points (their vertices), by the median of the points near each transect.
func TestRateRecoveryPoints(t *testing.T) {
	opt := synthetic.Options{
		Seed: 7, Start: time.Date(1987, 1, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC),
		PerYear: 1, NoiseLength: 500, Uncertainty: [2]float64{6, 15}, Noise: 8, CloudGap: 0.15, Seasonal: 5,
	}
	s := curvedScene()
	in := s.input(t, opt)
	lines := 0
	for i := range in.Shorelines {
		sh := &in.Shorelines[i]
		if i%2 == 1 { // half as points, half as lines: one run measures both
			for _, l := range sh.Geometry {
				sh.Points = append(sh.Points, l...)
			}
			sh.Geometry = nil
		} else {
			lines++
		}
	}
	res, err := Run(context.Background(), in, DefaultParams())
	if err != nil {
		t.Fatal(err)
	}
	var lrr []float64
	perTransect := map[int]map[int]bool{}
	for _, x := range res.Intersections {
		if perTransect[x.Transect] == nil {
			perTransect[x.Transect] = map[int]bool{}
		}
		if perTransect[x.Transect][x.Shoreline] {
			t.Fatalf("transect %d has two positions of shoreline %d", x.Transect, x.Shoreline)
		}
		perTransect[x.Transect][x.Shoreline] = true
	}
	pointHits := 0
	for _, x := range res.Intersections {
		if len(res.Shorelines[x.Shoreline].Points) > 0 {
			pointHits++
		}
	}
	for _, tr := range res.Transects {
		if !math.IsNaN(tr.Stats.LRR) {
			lrr = append(lrr, math.Abs(tr.Stats.LRR-rateField(tr.BaselinePoint())))
		}
	}
	med, p95 := quantile(lrr, 0.5), quantile(lrr, 0.95)
	t.Logf("%d transects, %d lines, %d point hits: |LRR − truth| median %.3f, p95 %.3f m/yr", len(lrr), lines, pointHits, med, p95)
	if len(lrr) < 500 || pointHits < 500*len(in.Shorelines)/2/2 || med > 0.2 || p95 > 0.45 {
		t.Errorf("%d transects, %d point hits, |LRR − truth| median %.3f p95 %.3f m/yr", len(lrr), pointHits, med, p95)
	}
}

// TestSeriesColumns matches series columns to transects by id only.
func TestSeriesColumns(t *testing.T) {
	ts := func(ids ...string) []GivenTransect {
		out := make([]GivenTransect, len(ids))
		for i, id := range ids {
			out[i] = GivenTransect{ID: id}
		}
		return out
	}
	tests := []struct {
		name    string
		columns []string
		ts      []GivenTransect
		want    []int
		err     string
	}{
		{"same ids", []string{"NA2", "NA1"}, ts("NA1", "NA2", "NA3"), []int{1, 0, -1}, ""},
		{"survey profile numbers", []string{"1", "1097"}, ts("PF1", "PF1097"), []int{0, 1}, ""},
		{"feature ids against 1-based columns", []string{"1", "2", "3", "4", "5"}, ts("0", "1", "2", "3", "4"), nil, `column "5" matches no transect (transect ids: 0, 1, 2, 3, 4)`},
		{"several unmatched", []string{"a", "b", "NA1"}, ts("NA1"), nil, `columns "a", "b" match no transect`},
		{"a transect without id", []string{"1"}, ts("1", ""), nil, "transect 2 has no id"},
		{"ambiguous", []string{"1"}, ts("PF1", "NA1"), nil, `column "1" could be transect PF1 or NA1`},
		{"two columns, one transect", []string{"PF1", "1"}, ts("PF1"), nil, `columns "PF1" and "1" both match transect PF1`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := seriesColumns(&Series{Source: "s.csv", Transects: tt.columns}, tt.ts)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) || !strings.Contains(err.Error(), "s.csv") {
					t.Errorf("error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil || fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("columns %v, %v, want %v", got, err, tt.want)
			}
		})
	}
}

// TestUnmeasuredUnit: a unit whose coast no shoreline reached has no statistics and no
// areas, never zeros that read as "no erosion".
func TestUnmeasuredUnit(t *testing.T) {
	zone := utm.Zone{Number: 51, South: true}
	inv := orb.Projection(zone.Inverse)
	box := func(x0, x1 float64) orb.MultiPolygon {
		return project.MultiPolygon(orb.MultiPolygon{{{{x0, 9045000}, {x1, 9045000}, {x1, 9050000}, {x0, 9050000}, {x0, 9045000}}}}, inv)
	}
	line := func(x0, x1, y float64) orb.MultiLineString {
		return project.MultiLineString(orb.MultiLineString{{{x0, 9050000 + y}, {x1, 9050000 + y}}}, inv)
	}
	in := Input{
		Coast: line(700000, 704000, 0),
		Units: []AdminUnit{
			{Code: "W", Name: "West", Population: -1, Households: -1, Geometry: box(699000, 702000)},
			{Code: "E", Name: "East", Population: -1, Households: -1, Geometry: box(702000, 705000)},
		},
	}
	for y := 2000; y <= 2004; y++ {
		in.Shorelines = append(in.Shorelines, Shoreline{Source: fmt.Sprint(y), Date: time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC),
			Uncertainty: 10, Geometry: line(699500, 701500, -float64(y-2000))}) // the west only, eroding 1 m/yr
	}
	res, err := Run(context.Background(), in, DefaultParams())
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Units) != 2 {
		t.Fatalf("%d units", len(res.Units))
	}
	w, e := res.Units[0], res.Units[1]
	if w.Transects < 25 || math.Abs(w.MeanLRR+1) > 1e-6 || !(w.AreaLost > 0) || w.AreaGained != 0 {
		t.Errorf("west: %d transects, mean LRR %v, lost %v gained %v", w.Transects, w.MeanLRR, w.AreaLost, w.AreaGained)
	}
	if e.Transects != 0 || !math.IsNaN(e.MeanLRR) || !math.IsNaN(e.AreaLost) || !math.IsNaN(e.AreaGained) || !(e.CoastKm > 1.5) {
		t.Errorf("east (never measured): %d transects, mean LRR %v, lost %v, gained %v, coast %v km; want 0, NaN, NaN, NaN and its coast",
			e.Transects, e.MeanLRR, e.AreaLost, e.AreaGained, e.CoastKm)
	}
}
