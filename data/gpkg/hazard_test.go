package gpkg

import (
	"context"
	"math"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/data/ogr"
	"github.com/tasi-gis/tasi/input/demo"
	"github.com/tasi-gis/tasi/plan"
	"github.com/tasi-gis/tasi/vector/change"
)

// hazardRun analyses demo.StraightCoast(rate) (61 transects every 50 m, five yearly
// shorelines 2000–2004) and forecasts it with opt.
func hazardRun(t *testing.T, rate float64, opt plan.Options) (*analysis.Result, *plan.Hazard) {
	t.Helper()
	res, h, err := demo.StraightCoastHazard(rate, opt)
	if err != nil {
		t.Fatal(err)
	}
	return res, h
}

// TestHazardRoundTrip writes the zones of a straight coast eroding at 2 m/yr and reads
// them back: the layer holds a zone per horizon and band, of area length × (2 m/yr ×
// years + setback), and ReadRun gives back the Hazard that was written.
func TestHazardRoundTrip(t *testing.T) {
	res, h := hazardRun(t, -2, plan.Options{Rate: change.WeightedRate, Setback: 25})
	if len(h.Zones) != 6 {
		t.Fatalf("%d zones, want 3 horizons × 2", len(h.Zones))
	}
	path := filepath.Join(t.TempDir(), "results.gpkg")
	prov := analysis.Provenance{Version: "test", Finished: time.Date(2026, 1, 2, 3, 4, 6, 0, time.UTC)}
	if err := Write(context.Background(), path, res, prov, WithHazard(h)); err != nil {
		t.Fatal(err)
	}

	layers, err := ogr.Read(context.Background(), path, ogr.ReadOptions{Layer: "hazard_zones"})
	if err != nil {
		t.Fatal(err)
	}
	if got := layers[0].SourceSRS; got != "EPSG:32751" {
		t.Errorf("hazard_zones CRS %s, want EPSG:32751", got)
	}
	length := 50 * float64(len(res.Transects))
	wantYear := map[int64]int64{10: 2014, 20: 2024, 30: 2034} // from 2004-01-01, the youngest shoreline
	for _, ft := range layers[0].Features {
		f := ft.Fields
		years := f["horizon_years"].(int64)
		want := length * (2*float64(years) + 25)
		if a := f["area_m2"].(float64); math.Abs(a-want)/want > 0.01 {
			t.Errorf("zone %d: area %.0f m², want %.0f (±1 %%)", ft.FID, a, want)
		}
		date := time.Date(int(wantYear[years]), 1, 1, 0, 0, 0, 0, time.UTC)
		if f["horizon_year"] != wantYear[years] || !f["horizon_date"].(time.Time).Equal(date) || f["unit_code"] != "TL999901" ||
			f["setback_m"] != 25.0 || f["confidence"] != 0.9 || f["rate_kind"] != "WLR" {
			t.Errorf("zone %d: fields %v", ft.FID, f)
		}
		if b := f["band"].(int64); b != int64(ft.FID-1)%2 {
			t.Errorf("zone %d: band %d, want best and band edge in turn", ft.FID, b)
		}
	}

	got, err := ReadRun(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	g := got.Hazard
	if g == nil {
		t.Fatal("no hazard read back")
	}
	if !g.RefDate.Equal(h.RefDate) || g.Setback != 25 || g.Confidence != 0.9 || g.RateKind != change.WeightedRate || len(g.Horizons) != 3 {
		t.Errorf("hazard %v %v %v %v %v, want %v 25 0.9 WLR, 3 horizons", g.RefDate, g.Setback, g.Confidence, g.RateKind, g.Horizons, h.RefDate)
	}
	for i, hz := range g.Horizons {
		if hz.Years != h.Horizons[i].Years || !hz.Date.Equal(h.Horizons[i].Date) {
			t.Errorf("horizon %d: %+v, want %+v", i, hz, h.Horizons[i])
		}
	}
	if len(g.Zones) != len(h.Zones) {
		t.Fatalf("%d zones read back, want %d", len(g.Zones), len(h.Zones))
	}
	for i, z := range g.Zones {
		w := h.Zones[i]
		if z.Horizon != w.Horizon || z.Band != w.Band || z.Unit != w.Unit || z.UnitCode != w.UnitCode || z.Area != w.Area ||
			len(z.Geometry) != len(w.Geometry) || len(z.Geometry[0][0]) != len(w.Geometry[0][0]) {
			t.Errorf("zone %d: %+v, want %+v", i, z, w)
			continue
		}
		for k, p := range z.Geometry[0][0] {
			if !near(p, w.Geometry[0][0][k], 1e-6) {
				t.Errorf("zone %d vertex %d at %v, want %v", i, k, p, w.Geometry[0][0][k])
			}
		}
	}
}

// TestHazardNone: a run written with a forecast but no zones (an accreting coast) keeps
// its settings and an empty layer; one written without a forecast, or by a tasi that
// stored none, reads with no Hazard.
func TestHazardNone(t *testing.T) {
	dir := t.TempDir()
	res, h := hazardRun(t, 2, plan.Options{})
	if len(h.Zones) != 0 {
		t.Fatalf("an accreting coast has %d zones", len(h.Zones))
	}
	path := filepath.Join(dir, "accreting.gpkg")
	if err := Write(context.Background(), path, res, analysis.Provenance{}, WithHazard(h)); err != nil {
		t.Fatal(err)
	}
	got, err := ReadRun(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if got.Hazard == nil || len(got.Hazard.Zones) != 0 || len(got.Hazard.Horizons) != 3 || got.Hazard.Setback != plan.DefaultSetback {
		t.Errorf("accreting run: hazard %+v, want the settings and no zones", got.Hazard)
	}
	names, err := ogr.LayerNames(path)
	if err != nil {
		t.Fatal(err)
	}
	hasLayer := func(names []string) bool {
		for _, n := range names {
			if n == "hazard_zones" {
				return true
			}
		}
		return false
	}
	if !hasLayer(names) {
		t.Errorf("accreting run: layers %v, want an empty hazard_zones", names)
	}

	plain := filepath.Join(dir, "plain.gpkg")
	if err := Write(context.Background(), plain, res, analysis.Provenance{}); err != nil {
		t.Fatal(err)
	}
	if got, err := ReadRun(context.Background(), plain); err != nil || got.Hazard != nil {
		t.Errorf("run without a forecast: %v, hazard %+v", err, got.Hazard)
	}
	if names, _ := ogr.LayerNames(plain); hasLayer(names) {
		t.Errorf("run without a forecast has a hazard_zones layer")
	}

	// A file of an older tasi: no forecast columns in runs, no hazard_zones layer.
	ogrinfo, err := exec.LookPath("ogrinfo")
	if err != nil {
		t.Skip("no ogrinfo to make an older file with")
	}
	for _, col := range forecastRunFields {
		if out, err := exec.Command(ogrinfo, "-q", path, "-sql", "ALTER TABLE runs DROP COLUMN "+col.Name).CombinedOutput(); err != nil {
			t.Fatalf("drop %s: %v\n%s", col.Name, err, out)
		}
	}
	if out, err := exec.Command(ogrinfo, "-q", path, "-sql", "DROP TABLE hazard_zones").CombinedOutput(); err != nil {
		t.Fatalf("drop hazard_zones: %v\n%s", err, out)
	}
	old, err := ReadRun(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if old.Hazard != nil || len(old.Result.Transects) != len(res.Transects) {
		t.Errorf("older file: hazard %+v, %d transects", old.Hazard, len(old.Result.Transects))
	}
}
