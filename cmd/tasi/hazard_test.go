package main

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/data/gpkg"
	"github.com/tasi-gis/tasi/data/ogr"
	"github.com/tasi-gis/tasi/plan"
	"github.com/tasi-gis/tasi/vector/change"
)

// uniformCoastArgs writes straightCoast's 5 km coast with one admin unit (U1) and land,
// and a shoreline on the first of January of each of years, moving seaward at rate m/yr
// everywhere (negative: erosion), into dir; it returns the analyze arguments reading them.
func uniformCoastArgs(t *testing.T, dir string, rate float64, years ...int) []string {
	t.Helper()
	c := newStraightCoast()
	writeGeoJSON(t, filepath.Join(dir, "coast.geojson"), []feature{{map[string]any{}, c.line(func(float64) float64 { return 0 })}})
	box := orb.Polygon{{c.ll(-1000, -2000), c.ll(c.length+1000, -2000), c.ll(c.length+1000, 0.5), c.ll(-1000, 0.5), c.ll(-1000, -2000)}}
	writeGeoJSON(t, filepath.Join(dir, "land.geojson"), []feature{{map[string]any{}, box}})
	writeGeoJSON(t, filepath.Join(dir, "admin.geojson"), []feature{{map[string]any{"pcode": "U1", "name": "Uniform"}, box}})
	var shores []feature
	for _, y := range years {
		shift := rate * float64(y-years[0])
		shores = append(shores, feature{map[string]any{"date": fmt.Sprintf("%d-01-01", y), "unc": 5.0},
			c.line(func(float64) float64 { return shift })})
	}
	writeGeoJSON(t, filepath.Join(dir, "shorelines.geojson"), shores)
	return []string{"analyze",
		"--shorelines", filepath.Join(dir, "shorelines.geojson"), "--uncertainty-field", "unc",
		"--coast", filepath.Join(dir, "coast.geojson"), "--land", filepath.Join(dir, "land.geojson"),
		"--admin", filepath.Join(dir, "admin.geojson")}
}

// yearsFrom returns the years first to last.
func yearsFrom(first, last int) []int {
	var ys []int
	for y := first; y <= last; y++ {
		ys = append(ys, y)
	}
	return ys
}

// readHazard reads the run at path and the length of coast its eroding transects stand
// for (m): 50 m for each.
func readHazard(t *testing.T, path string) (*gpkg.Run, float64) {
	t.Helper()
	r, err := gpkg.ReadRun(context.Background(), path, gpkg.WithoutIntersections())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, tr := range r.Result.Transects {
		if tr.Stats.LRR < 0 {
			n++
		}
	}
	return r, 50 * float64(n)
}

// checkZones checks that h has one zone per horizon and band in unit U1, of area
// length × (rate × years + setback) within 1 %, years counting from the youngest
// shoreline (anchor) to each horizon, and the horizons' calendar years.
func checkZones(t *testing.T, what string, h *plan.Hazard, length, rate float64, anchor int, setback float64, wantYears map[int]int) {
	t.Helper()
	if h == nil {
		t.Fatalf("%s: no hazard zones", what)
	}
	if len(h.Zones) != 2*len(wantYears) || len(h.Horizons) != len(wantYears) {
		t.Fatalf("%s: %d zones at %d horizons, want one per horizon and band at %d", what, len(h.Zones), len(h.Horizons), len(wantYears))
	}
	for _, hz := range h.Horizons {
		if want, ok := wantYears[hz.Years]; !ok || hz.Year() != want {
			t.Errorf("%s: horizon %d years is %d, want %d", what, hz.Years, hz.Year(), want)
		}
	}
	worst := 0.0
	for _, z := range h.Zones {
		hz := h.Horizons[z.Horizon]
		years := float64(hz.Year() - anchor)
		want := length * (-rate*years + setback)
		worst = max(worst, math.Abs(z.Area-want)/want)
		if math.Abs(z.Area-want)/want > 0.01 || z.UnitCode != "U1" {
			t.Errorf("%s: horizon %d (%d) band %v: %.0f m² in %q, want %.0f m² (±1 %%) in U1 = %.0f m × (%g m/yr × %g yr + %g m)",
				what, hz.Years, hz.Year(), z.Band, z.Area, z.UnitCode, want, length, -rate, years, setback)
		}
	}
	t.Logf("%s: %d zones along %.0f m of coast, areas within %.3f %% of length × (rate × years + setback)", what, len(h.Zones), length, 100*worst)
}

// TestAnalyzeHazardZones: a straight coast eroding at 2 m/yr over 2000–2010 stores, in the
// GeoPackage and in PostGIS alike, a zone per horizon (10, 20, 30 years: 2020, 2030, 2040)
// and band of area length × (2 m/yr × years + 50 m), with the forecast's settings in the
// run's record.
func TestAnalyzeHazardZones(t *testing.T) {
	t.Parallel()
	dbURL := migratedDB(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "results.gpkg")
	log, err := runCLIErr(t, append(uniformCoastArgs(t, dir, -2, yearsFrom(2000, 2010)...), "--out", out, "--db", dbURL)...)
	if err != nil {
		t.Fatalf("analyze: %v\n%s", err, log)
	}
	if !strings.Contains(log, `msg="forecast hazard zones" ref_date=2010-01-01 horizons="10 (2020), 20 (2030), 30 (2040)"`) {
		t.Errorf("the log does not report the zones:\n%s", log)
	}
	r, length := readHazard(t, out)
	if length < 5000 {
		t.Fatalf("%.0f m of eroding coast, want the 5 km coast and more", length)
	}
	want := map[int]int{10: 2020, 20: 2030, 30: 2040}
	checkZones(t, "GeoPackage", r.Hazard, length, -2, 2010, 50, want)
	h := r.Hazard
	if !h.RefDate.Equal(time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC)) || h.RateKind != change.LinearRate || h.Confidence != 0.9 || h.Setback != 50 {
		t.Errorf("GeoPackage forecast: %v %v %v %v, want 2010-01-01, LRR, 0.9, 50 m", h.RefDate, h.RateKind, h.Confidence, h.Setback)
	}
	p := r.Provenance.Parameters
	if p["forecast-ref-date"] != "2010-01-01" || p["forecast-horizons"] != "10,20,30" || p["forecast-rate"] != "LRR" ||
		p["forecast-confidence"] != "90" || p["forecast-setback"] != "50" || p["horizons"] != "10,20,30" || p["ref-date"] != "" {
		t.Errorf("run parameters %v: want the forecast's settings beside the flags", p)
	}

	_, run, err := openTestStore(t, dbURL).ReadRun(context.Background(), storedRunID(t, log))
	if err != nil {
		t.Fatal(err)
	}
	checkZones(t, "PostGIS", run.Hazard, length, -2, 2010, 50, want)
	for i, z := range run.Hazard.Zones {
		g := h.Zones[i]
		if z.Horizon != g.Horizon || z.Band != g.Band || math.Abs(z.Area-g.Area) > 1e-6*g.Area {
			t.Errorf("zone %d: PostGIS %+v, GeoPackage %+v", i, z, g)
		}
	}
	if run.Parameters["forecast-ref-date"] != "2010-01-01" {
		t.Errorf("PostGIS run parameters %v", run.Parameters)
	}
}

// TestAnalyzeHazardFlags: --ref-date moves the horizons (and the forecast, which runs from
// the youngest shoreline to each horizon), --rate and --setback are stored as given.
func TestAnalyzeHazardFlags(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out := filepath.Join(dir, "results.gpkg")
	args := append(uniformCoastArgs(t, dir, -2, yearsFrom(2000, 2010)...), "--out", out,
		"--ref-date", "2015-01-01", "--horizons", "20,10", "--rate", "wlr", "--setback", "0")
	if log, err := runCLIErr(t, args...); err != nil {
		t.Fatalf("analyze: %v\n%s", err, log)
	}
	r, length := readHazard(t, out)
	// 2025 and 2035: 15 and 25 years of 2 m/yr from the 2010 shoreline, no setback.
	checkZones(t, "--ref-date 2015-01-01", r.Hazard, length, -2, 2010, 0, map[int]int{10: 2025, 20: 2035})
	if h := r.Hazard; !h.RefDate.Equal(time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)) || h.RateKind != change.WeightedRate || h.Setback != 0 {
		t.Errorf("forecast %v %v %v, want 2015-01-01, WLR, no setback", h.RefDate, h.RateKind, h.Setback)
	}
	layers, err := ogr.Read(context.Background(), out, ogr.ReadOptions{Layer: "hazard_zones"})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range layers[0].Features {
		if f.Fields["rate_kind"] != "WLR" || f.Fields["setback_m"] != 0.0 || f.Fields["confidence"] != 0.9 {
			t.Errorf("hazard_zones feature %d: %v", f.FID, f.Fields)
		}
	}
}

// TestAnalyzeHazardNone: an accreting coast is stored with its forecast and no zone; a run
// whose transects each meet shorelines of one date only (the 2000 shoreline covers the
// west half of the coast, the 2010 one the east half) has no forecast, which the log
// reports, and is stored without one.
func TestAnalyzeHazardNone(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out := filepath.Join(dir, "accreting.gpkg")
	log, err := runCLIErr(t, append(uniformCoastArgs(t, dir, 2, yearsFrom(2000, 2010)...), "--out", out)...)
	if err != nil {
		t.Fatalf("analyze: %v\n%s", err, log)
	}
	r, _ := readHazard(t, out)
	if r.Hazard == nil || len(r.Hazard.Zones) != 0 || len(r.Hazard.Horizons) != 3 {
		t.Errorf("accreting coast: hazard %+v, want the forecast with no zones", r.Hazard)
	}
	if !strings.Contains(log, "no hazard zones: no transect's shoreline is forecast to move landward") {
		t.Errorf("the log does not say why there are no zones:\n%s", log)
	}

	dir = t.TempDir()
	out = filepath.Join(dir, "one-date.gpkg")
	args := uniformCoastArgs(t, dir, -2, 2000, 2010)
	c := newStraightCoast()
	half := func(x0, x1 float64) orb.LineString {
		var l orb.LineString
		for x := x0; x <= x1; x += 10 {
			l = append(l, c.ll(x, 0))
		}
		return l
	}
	writeGeoJSON(t, filepath.Join(dir, "shorelines.geojson"), []feature{
		{map[string]any{"date": "2000-01-01", "unc": 5.0}, half(-500, 2490)},
		{map[string]any{"date": "2010-01-01", "unc": 5.0}, half(2510, c.length+500)},
	})
	log, err = runCLIErr(t, append(args, "--out", out)...)
	if err != nil {
		t.Fatalf("analyze: %v\n%s", err, log)
	}
	r, _ = readHazard(t, out)
	if r.Hazard != nil || len(r.Result.Transects) < 100 {
		t.Errorf("one shoreline date: hazard %+v, %d transects; want the run without a forecast", r.Hazard, len(r.Result.Transects))
	}
	if !strings.Contains(log, `level=WARN msg="no forecast and no hazard zones: the run is stored without them" reason="no transect has shorelines at two dates to forecast from"`) {
		t.Errorf("the log does not report the skipped forecast:\n%s", log)
	}
	if got := r.Provenance.Parameters["forecast"]; got != "none: no transect has shorelines at two dates to forecast from" {
		t.Errorf("run parameter forecast %q", got)
	}
}

// TestAnalyzeHazardBadFlags: bad forecast flags are errors before anything is read or
// written (the shorelines named do not exist, the database cannot be reached).
func TestAnalyzeHazardBadFlags(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out, csvDir := filepath.Join(dir, "results.gpkg"), filepath.Join(dir, "csv")
	for _, tc := range []struct {
		flags []string
		want  string
	}{
		{[]string{"--horizons", "0"}, `--horizons "0": 0 years is not after the reference date`},
		{[]string{"--horizons", "10,-5"}, `-5 years is not after the reference date`},
		{[]string{"--horizons", "101"}, `--horizons "101": 101 years: beyond 100 years a linear trend says nothing`},
		{[]string{"--horizons", "10,10"}, `--horizons "10,10": 10 years given twice`},
		{[]string{"--horizons", "ten"}, `--horizons "ten": want years after the reference date`},
		{[]string{"--rate", "epr"}, `--rate "epr": want lrr or wlr`},
		{[]string{"--setback", "-5"}, `--setback -5: must be zero or a positive number of metres`},
		{[]string{"--ref-date", "2019-02-30"}, `--ref-date`},
	} {
		args := append([]string{"analyze", "--shorelines", filepath.Join(dir, "missing.geojson"), "--out", out, "--csv-dir", csvDir,
			"--db", "postgres://nobody@127.0.0.1:1/none"}, tc.flags...)
		log, err := runCLIErr(t, args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want an error saying %q\n%s", tc.flags, err, tc.want, log)
		}
		for _, p := range []string{out, csvDir} {
			if _, err := os.Stat(p); err == nil {
				t.Errorf("%v: %s was written", tc.flags, p)
			}
		}
	}
}
