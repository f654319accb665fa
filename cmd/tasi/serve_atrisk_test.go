package main

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/plan"
	"github.com/tasi-gis/tasi/vector/change"
)

// TestForecastOptions: the lists of a run stored with a forecast take its settings; a
// run stored without one takes tasi at-risk's defaults at the run's confidence.
func TestForecastOptions(t *testing.T) {
	ref := time.Date(2024, 8, 25, 3, 4, 5, 0, time.UTC)
	stored := &plan.Hazard{RefDate: ref, Horizons: []plan.Horizon{{Years: 5, Date: ref.AddDate(5, 0, 0)}, {Years: 15, Date: ref.AddDate(15, 0, 0)}},
		Setback: 25, Confidence: 0.8, RateKind: change.WeightedRate}
	noSetback := *stored
	noSetback.Setback = 0
	prov := analysis.Provenance{Parameters: map[string]string{"confidence": "95"}}
	for _, tc := range []struct {
		name string
		s    storedRun
		want plan.Options
	}{
		{"no forecast stored", storedRun{}, plan.Options{}},
		{"no forecast stored, analyze's confidence", storedRun{prov: prov}, plan.Options{Confidence: 0.95}},
		{"the stored forecast", storedRun{prov: prov, forecast: stored},
			plan.Options{Horizons: []int{5, 15}, RefDate: ref, Rate: change.WeightedRate, Setback: 25, Confidence: 0.8}},
		{"stored without a setback", storedRun{forecast: &noSetback},
			plan.Options{Horizons: []int{5, 15}, RefDate: ref, Rate: change.WeightedRate, Setback: -1, Confidence: 0.8}},
	} {
		got := forecastOptions(tc.s)
		if !slices.Equal(got.Horizons, tc.want.Horizons) || got.Rate != tc.want.Rate || got.Setback != tc.want.Setback ||
			got.Confidence != tc.want.Confidence || !got.RefDate.Equal(tc.want.RefDate) {
			t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

// TestServeAtRiskStoredForecast serves a run analysed with --horizons 5,15 and a 20 m
// setback: its lists are at those horizons, as its hazard zones are, and equal what tasi
// at-risk writes when told the same.
func TestServeAtRiskStoredForecast(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "results.gpkg")
	if out, err := runCLIErr(t, append(straightCoastArgs(t, dir), "--out", path, "--horizons", "5,15", "--setback", "20")...); err != nil {
		t.Fatalf("analyze: %v\n%s", err, out)
	}
	communities := writeCommunities(t, dir)
	s := startServe(t, "--gpkg", path, "--communities", communities)
	var fc struct {
		Tasi struct {
			Horizons []struct {
				Years int `json:"years"`
				Year  int `json:"year"`
			} `json:"horizons"`
			Selected int     `json:"selected_horizon_year"`
			Setback  float64 `json:"setback_m"`
		} `json:"tasi"`
	}
	if st := s.getJSON(t, "/api/v1/at-risk?format=geojson", &fc); st != 200 || len(fc.Tasi.Horizons) != 2 ||
		fc.Tasi.Horizons[0].Year != 2015 || fc.Tasi.Horizons[1].Year != 2025 || fc.Tasi.Selected != 2025 || fc.Tasi.Setback != 20 {
		t.Errorf("at-risk of a run forecast at 5 and 15 years with a 20 m setback: %d %+v", st, fc.Tasi)
	}
	var e struct{ Error string }
	if st := s.getJSON(t, "/api/v1/at-risk?horizon=2020", &e); st != 400 || !strings.Contains(e.Error, "5 (2015), 15 (2025)") {
		t.Errorf("a horizon the run was not forecast at: %d %q", st, e.Error)
	}
	sameAsCLI(t, s, "2025", "2015", []string{"at-risk", "--gpkg", path, "--communities", communities, "--horizons", "5,15", "--setback", "20"})
}
