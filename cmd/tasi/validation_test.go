package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/tasi-gis/tasi/internal/shared"
)

// goldenStats are the DSAS values testdata/dsas_golden.py computes independently.
type goldenStats struct {
	N                       int
	SCE, NSM, EPR, LRR, LSE float64
	First, Last             string
}

// TestSDSValidation runs real transect time series through --coastsat-series and
// --transects: CoastSat's Narrabeen example, and the SDS_Benchmark survey ground truth at
// Narrabeen and Duck (long format, profiles named 1 and 1097 for transects PF1, PF1097).
func TestSDSValidation(t *testing.T) {
	var golden map[string]map[string]goldenStats
	b, err := os.ReadFile(filepath.Join("testdata", "sds_validation_golden.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &golden); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		series    string
		transects string
	}{
		{"coastsat_narrabeen", "coastsat_narrabeen_example/NARRA_time_series_tidally_corrected.csv", "coastsat_narrabeen_example/NARRA_transects.geojson"},
		{"narrabeen_survey", "sds_benchmark/NARRABEEN_groundtruth_insitu_early.csv", "sds_benchmark/NARRABEEN_transects_early.geojson"},
		{"duck_survey", "sds_benchmark/DUCK_groundtruth_insitu_early.csv", "sds_benchmark/DUCK_transects_early.geojson"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			series := shared.Data(t, filepath.Join("sds_validation", tt.series))
			transects := shared.Data(t, filepath.Join("sds_validation", tt.transects))
			out := t.TempDir()
			log, err := runCLI(t, "analyze", "--coastsat-series", series, "--transects", transects,
				"--transect-id-field", "name", "--csv-dir", out, "--out", filepath.Join(out, "r.gpkg"))
			if err != nil {
				t.Fatalf("analyze: %v\n%s", err, log)
			}
			_, rows := readCSV(t, filepath.Join(out, "transects.csv"))
			want := golden[tt.name]
			seen := 0
			for _, r := range rows {
				g, ok := want[r["transect_id"]]
				if !ok {
					continue
				}
				seen++
				if got := int(num(t, r["n"])); got != g.N {
					t.Errorf("%s n = %d, want %d", r["transect_id"], got, g.N)
				}
				if r["date_first"][:10] != g.First || r["date_last"][:10] != g.Last {
					t.Errorf("%s dates %s..%s, want %s..%s", r["transect_id"], r["date_first"], r["date_last"], g.First, g.Last)
				}
				for _, c := range []struct {
					col  string
					want float64
					tol  float64
				}{
					{"SCE", g.SCE, 0.006}, {"NSM", g.NSM, 0.006}, {"EPR", g.EPR, 0.0006},
					{"LRR", g.LRR, 0.0006}, {"LSE", g.LSE, 0.006},
				} {
					if got := num(t, r[c.col]); math.Abs(got-c.want) > c.tol {
						t.Errorf("%s %s = %v, want %.4f", r["transect_id"], c.col, got, c.want)
					}
				}
			}
			if seen != len(want) {
				t.Errorf("found %d of %d transects in transects.csv", seen, len(want))
			}
		})
	}
}
