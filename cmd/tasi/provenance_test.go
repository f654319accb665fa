package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/data/gpkg"
	"github.com/tasi-gis/tasi/input"
)

// TestAnalyzeSynthetic follows the synthetic mark from the file tasi demo writes to every
// answer: the straight coast's shorelines written by the demo's writer are analyzed again,
// as CI and the benchmarks analyze demo/shorelines.gpkg, and the run is synthetic in the
// GeoPackage, in PostGIS, in /api/v1/runs from either, and in the at-risk lists (the
// data_synthetic column and the caveat); the same shorelines as CoastSat writes them, or
// as a plain file, make a run that is not. transects.csv keeps its columns either way.
func TestAnalyzeSynthetic(t *testing.T) {
	c := newStraightCoast()
	dbURL := migratedDB(t)
	base := t.TempDir()
	c.write(t, base) // coast, land, admin and the plain shorelines.geojson
	communities := writeCommunities(t, base)
	shorelines := func(props func(y int) map[string]any) []feature {
		var fs []feature
		for y := 2000; y <= 2010; y++ {
			years := float64(y - 2000)
			fs = append(fs, feature{props(y), c.line(func(x float64) float64 { return c.rate(x) * years })})
		}
		return fs
	}
	tests := []struct {
		name      string
		write     func(t *testing.T, dir string) (path string, args []string)
		synthetic bool
		sources   []string
	}{
		{"demo's file", func(t *testing.T, dir string) (string, []string) {
			var ss []analysis.Shoreline
			for _, f := range shorelines(func(y int) map[string]any { return map[string]any{"date": y} }) {
				ss = append(ss, analysis.Shoreline{Date: time.Date(f.props["date"].(int), 1, 1, 0, 0, 0, 0, time.UTC), Uncertainty: 5,
					Geometry: orb.MultiLineString{f.geom.(orb.LineString)}})
			}
			path := filepath.Join(dir, "shorelines.gpkg")
			if err := writeSyntheticShorelines(path, ss); err != nil {
				t.Fatal(err)
			}
			return path, []string{"--uncertainty-field", "uncertainty"}
		}, true, []string{"shorelines.gpkg"}},
		{"CoastSat", func(t *testing.T, dir string) (string, []string) {
			path := filepath.Join(dir, "coastsat.geojson")
			writeGeoJSON(t, path, shorelines(func(y int) map[string]any {
				return map[string]any{"date": fmt.Sprintf("%d-01-01 10:00:00+00:00", y), "satname": []string{"L5", "L7", "L8"}[y%3], "geoaccuracy": 5}
			}))
			return path, nil
		}, false, []string{"L5", "L7", "L8"}},
		{"plain file", func(t *testing.T, dir string) (string, []string) {
			return filepath.Join(base, "shorelines.geojson"), []string{"--uncertainty-field", "unc"}
		}, false, []string{"shorelines.geojson"}},
	}
	var header []string // of transects.csv, the same for every run
	for i, tt := range tests {
		dir := t.TempDir()
		path, args := tt.write(t, dir)
		out := filepath.Join(dir, "results.gpkg")
		log, err := runCLI(t, append([]string{"analyze", "--shorelines", path,
			"--coast", filepath.Join(base, "coast.geojson"), "--land", filepath.Join(base, "land.geojson"), "--admin", filepath.Join(base, "admin.geojson"),
			"--out", out, "--csv-dir", dir, "--db", dbURL}, args...)...)
		if err != nil {
			t.Fatalf("%s: analyze: %v\n%s", tt.name, err, log)
		}
		if id := storedRunID(t, log); id != int64(i+1) {
			t.Fatalf("%s: stored as run %d, want %d", tt.name, id, i+1)
		}
		if warned := strings.Contains(log, "the shorelines are synthetic"); warned != tt.synthetic {
			t.Errorf("%s: the log warns of synthetic shorelines: %v, want %v", tt.name, warned, tt.synthetic)
		}
		r, err := gpkg.ReadRun(t.Context(), out, gpkg.WithoutIntersections())
		if err != nil {
			t.Fatal(err)
		}
		if r.Provenance.Synthetic != tt.synthetic {
			t.Errorf("%s: GeoPackage run synthetic %v, want %v", tt.name, r.Provenance.Synthetic, tt.synthetic)
		}
		h, _ := readCSV(t, filepath.Join(dir, "transects.csv"))
		if header == nil {
			header = h
		} else if !slices.Equal(h, header) {
			t.Errorf("%s: transects.csv columns %v, want %v", tt.name, h, header)
		}

		// The lists of either store say it in every row, and the GeoJSON in its caveats.
		for _, store := range [][]string{{"--gpkg", out}, {"--db", dbURL, "--run", fmt.Sprint(i + 1)}} {
			cli := append(append([]string{"at-risk"}, store...), "--communities", communities, "--out", "-")
			b, err := runCLIStdout(t, append(cli, "--format", "csv")...)
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			checkSyntheticColumn(t, tt.name+" "+store[0], b, tt.synthetic)
			b, err = runCLIStdout(t, append(cli, "--format", "geojson")...)
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			var fc struct {
				Tasi struct {
					Caveats []string `json:"caveats"`
				} `json:"tasi"`
			}
			if err := json.Unmarshal(b, &fc); err != nil {
				t.Fatal(err)
			}
			if has := slices.Contains(fc.Tasi.Caveats, input.CaveatSynthetic); has != tt.synthetic {
				t.Errorf("%s %s: GeoJSON caveats %q: synthetic caveat %v, want %v", tt.name, store[0], fc.Tasi.Caveats, has, tt.synthetic)
			}
		}

		// The served run, from the GeoPackage.
		s := startServe(t, "--gpkg", out)
		checkServedRuns(t, s, tt.name+" GeoPackage", []bool{tt.synthetic}, [][]string{tt.sources})
		s.stop(t)
	}
	// The served runs, from PostGIS, latest first.
	s := startServe(t, "--db", dbURL)
	var want []bool
	var sources [][]string
	for i := range tests {
		tt := tests[len(tests)-1-i]
		want, sources = append(want, tt.synthetic), append(sources, tt.sources)
	}
	checkServedRuns(t, s, "PostGIS", want, sources)
}

// checkSyntheticColumn checks that every row of an at-risk CSV has data_synthetic, true or
// false as want says.
func checkSyntheticColumn(t *testing.T, name string, b []byte, want bool) {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := slices.Index(rows[0], "data_synthetic")
	if col < 0 || rows[1][col] != "#meta+synthetic" || len(rows) < 3 {
		t.Fatalf("%s: at-risk CSV without data_synthetic or rows:\n%s", name, b)
	}
	for _, r := range rows[2:] {
		if r[col] != fmt.Sprint(want) {
			t.Errorf("%s: data_synthetic %q, want %v", name, r[col], want)
		}
	}
}

// checkServedRuns checks the provenance /api/v1/runs gives: synthetic as want, the period
// of the straight coast's shorelines, and the sources.
func checkServedRuns(t *testing.T, s *server, name string, want []bool, sources [][]string) {
	t.Helper()
	var out struct {
		Runs []struct {
			Synthetic bool              `json:"synthetic"`
			Period    map[string]string `json:"period"`
			Sources   []string          `json:"sources"`
		} `json:"runs"`
	}
	if st := s.getJSON(t, "/api/v1/runs", &out); st != 200 || len(out.Runs) != len(want) {
		t.Fatalf("%s: runs: %d, %d runs, want %d", name, st, len(out.Runs), len(want))
	}
	for i, r := range out.Runs {
		if r.Synthetic != want[i] || r.Period["first"] != "2000-01-01" || r.Period["last"] != "2010-01-01" || !slices.Equal(r.Sources, sources[i]) {
			t.Errorf("%s: run %d: synthetic %v, period %v, sources %q; want %v, 2000-01-01 – 2010-01-01, %q",
				name, i+1, r.Synthetic, r.Period, r.Sources, want[i], sources[i])
		}
	}
}
