package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tasi-gis/tasi/export"
)

// TestServePlans serves a short demo run (2015–2024, one shoreline a year, on the whole
// Timor-Leste coast) from its GeoPackage and fetches NFI and relocation plans: each
// answer is byte for byte what tasi plan nfi or tasi plan relocation writes for the same
// run and settings, distances run over the bundled roads and say so, the relocation plan
// says the elevation criterion was not applied, and a plan asked for again comes from the
// cache with the same ETag.
func TestServePlans(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: analyses the Timor-Leste demo and plans on it")
	}
	t.Parallel()
	dir := t.TempDir()
	if out, err := runCLIErr(t, "demo", "--dir", dir, "--start", "2015", "--end", "2024", "--per-year", "1"); err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	gpkgPath := filepath.Join(dir, "results.gpkg")
	s := startServe(t, "--gpkg", gpkgPath, "--follow", "0")

	fetch := func(t *testing.T, q string) (*http.Response, []byte) {
		t.Helper()
		res, err := http.Get(s.base + q)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		return res, b
	}

	nfi := []struct {
		name  string
		query string   // of /api/v1/plan/nfi, without format and file
		flags []string // of tasi plan nfi for the same plan
		// formats compared: each costs a run of tasi plan nfi (3 s), and the writers are
		// the same for every plan.
		formats []string
	}{
		{"median at the default horizon", "depots=5", []string{"--depots", "5"}, []string{"geojson", "csv", "xlsx"}},
		{"cover within 30 km by 2044", "depots=3&objective=cover&max_distance=30km&horizon=2044",
			[]string{"--depots", "3", "--objective", "cover", "--max-distance", "30km", "--horizon", "2044"}, []string{"geojson"}},
		{"coastal demand, InaSAFE minimum needs", "depots=8&demand=coastal&profile=inasafe-minimum-needs",
			[]string{"--depots", "8", "--demand", "coastal", "--profile", "inasafe-minimum-needs"}, []string{"csv"}},
	}
	for _, tc := range nfi {
		t.Run("nfi "+tc.name, func(t *testing.T) {
			t.Parallel()
			for _, f := range tc.formats {
				out := filepath.Join(t.TempDir(), "plan")
				args := append([]string{"plan", "nfi", "--gpkg", gpkgPath, "--format", f, "--out", out}, tc.flags...)
				if log, err := runCLIErr(t, args...); err != nil {
					t.Fatalf("tasi %s: %v\n%s", strings.Join(args, " "), err, log)
				}
				files, err := os.ReadDir(out)
				if err != nil {
					t.Fatal(err)
				}
				for _, file := range files {
					want, err := os.ReadFile(filepath.Join(out, file.Name()))
					if err != nil {
						t.Fatal(err)
					}
					q := "/api/v1/plan/nfi?" + tc.query + "&format=" + f
					if f == "csv" {
						q += "&file=" + file.Name()
					}
					res, got := fetch(t, q)
					if res.StatusCode != 200 || !bytes.Equal(got, want) {
						t.Errorf("%s: %d, %d bytes, want the %d bytes of tasi plan nfi's %s\n%.400s", q, res.StatusCode, len(got), len(want), file.Name(), got)
					}
					if cd := res.Header.Get("Content-Disposition"); !strings.HasSuffix(cd, "-"+file.Name()+`"`) {
						t.Errorf("%s: Content-Disposition %q, want a name ending in %s", q, cd, file.Name())
					}
				}
			}
			// The distances run over the bundled roads, and the plan says so.
			res, b := fetch(t, "/api/v1/plan/nfi?"+tc.query)
			var fc struct {
				Tasi struct {
					Summary struct {
						Distance string `json:"distance_method"`
						K        int    `json:"k"`
					} `json:"summary"`
				} `json:"tasi"`
				Features []json.RawMessage `json:"features"`
			}
			if err := json.Unmarshal(b, &fc); err != nil {
				t.Fatalf("%d %v\n%.300s", res.StatusCode, err, b)
			}
			if !strings.HasPrefix(fc.Tasi.Summary.Distance, "road network: Estrada") || len(fc.Features) == 0 {
				t.Errorf("GeoJSON plan: distance %q, %d features, want the Estrada roads and depots", fc.Tasi.Summary.Distance, len(fc.Features))
			}
			// Asked again, the plan is the one kept: same ETag, and 304 to If-None-Match.
			req, _ := http.NewRequest(http.MethodGet, s.base+"/api/v1/plan/nfi?"+tc.query, nil)
			req.Header.Set("If-None-Match", res.Header.Get("ETag"))
			again, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			again.Body.Close()
			if again.StatusCode != http.StatusNotModified || again.Header.Get("ETag") != res.Header.Get("ETag") {
				t.Errorf("If-None-Match %s: %d %s, want 304", res.Header.Get("ETag"), again.StatusCode, again.Header.Get("ETag"))
			}
		})
	}

	t.Run("relocation", func(t *testing.T) {
		t.Parallel()
		for _, tc := range []struct {
			query, cell string
			formats     []string
		}{{"", "", []string{"geojson", "csv", "xlsx"}}, {"&cell=500", "500", []string{"csv"}}} {
			for _, f := range tc.formats {
				args := []string{"plan", "relocation", "--gpkg", gpkgPath, "--format", f, "--out", "-"}
				if tc.cell != "" {
					args = append(args, "--cell", tc.cell)
				}
				want, err := runCLIStdout(t, args...)
				if err != nil {
					t.Fatalf("tasi %s: %v", strings.Join(args, " "), err)
				}
				q := "/api/v1/plan/relocation?format=" + f + tc.query
				res, got := fetch(t, q)
				if res.StatusCode != 200 || !bytes.Equal(got, want) {
					t.Errorf("%s: %d, %d bytes, want the %d bytes of tasi plan relocation\n%.400s", q, res.StatusCode, len(got), len(want), got)
				}
				if f == "csv" && !bytes.Contains(got, []byte("no-dem")) {
					t.Errorf("%s: no row says the elevation criterion was not applied (no-dem)", q)
				}
			}
		}
		res, b := fetch(t, "/api/v1/plan/relocation")
		var fc struct {
			Tasi struct {
				ElevationApplied *bool `json:"elevation_applied"`
				Communities      int   `json:"communities"`
			} `json:"tasi"`
		}
		if err := json.Unmarshal(b, &fc); err != nil {
			t.Fatalf("%d %v\n%.300s", res.StatusCode, err, b)
		}
		if res.Header.Get("Content-Type") != export.GeoJSON.ContentType() || fc.Tasi.ElevationApplied == nil || *fc.Tasi.ElevationApplied || fc.Tasi.Communities == 0 {
			t.Errorf("relocation GeoJSON by default: %s, elevation_applied %v, %d communities; want GeoJSON, false and some",
				res.Header.Get("Content-Type"), fmtBool(fc.Tasi.ElevationApplied), fc.Tasi.Communities)
		}
	})
}

func fmtBool(b *bool) string {
	if b == nil {
		return "null"
	}
	return fmt.Sprint(*b)
}

// TestServePlansOutsideTimorLeste: a run on the straight test coast, outside the bundled
// data, has no candidate depots (404 that says why), and its relocation plan is made on
// the communities the server was given.
func TestServePlansOutsideTimorLeste(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "results.gpkg")
	if out, err := runCLIErr(t, append(straightCoastArgs(t, dir), "--out", path)...); err != nil {
		t.Fatalf("analyze: %v\n%s", err, out)
	}
	communities := writeCommunities(t, dir)
	s := startServe(t, "--gpkg", path, "--communities", communities, "--follow", "0")
	var e struct{ Error string }
	if st := s.getJSON(t, "/api/v1/plan/nfi?depots=1", &e); st != http.StatusNotFound || !strings.Contains(e.Error, "no candidate depot") {
		t.Errorf("NFI plan outside Timor-Leste: %d %q, want 404 saying there is no candidate depot", st, e.Error)
	}
	want, err := runCLIStdout(t, "plan", "relocation", "--gpkg", path, "--communities", communities, "--format", "csv", "--out", "-")
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.Get(s.base + "/api/v1/plan/relocation?format=csv")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !bytes.Equal(got, want) || !bytes.Contains(got, []byte("Near")) {
		t.Errorf("relocation plan of the straight coast: %d\n%s\nwant tasi plan relocation's, with Near:\n%s", res.StatusCode, got, want)
	}
}
