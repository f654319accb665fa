package main

import (
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"
)

// checkNoPaths checks that what the server publishes of a run of the straight coast read
// from dir names its files by base name and hash, never by dir: the runs and a shoreline
// tile's sources.
func checkNoPaths(t *testing.T, s *server, dir string) {
	t.Helper()
	res, err := http.Get(s.base + "/api/v1/runs")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if strings.Contains(string(b), dir) {
		t.Errorf("/api/v1/runs names the input folder %s:\n%s", dir, b)
	}
	var runs struct {
		Runs []struct {
			Parameters map[string]string `json:"parameters"`
			Inputs     []struct {
				Role, File, SHA256 string
			} `json:"inputs"`
		} `json:"runs"`
	}
	if st := s.getJSON(t, "/api/v1/runs", &runs); st != 200 || len(runs.Runs) == 0 {
		t.Fatalf("runs: %d", st)
	}
	r := runs.Runs[0]
	if r.Parameters["shorelines"] != "shorelines.geojson" || r.Parameters["admin"] != "admin.geojson" {
		t.Errorf("parameters shorelines %q, admin %q: want the base names", r.Parameters["shorelines"], r.Parameters["admin"])
	}
	files := map[string]string{}
	for _, in := range r.Inputs {
		if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(in.SHA256) {
			t.Errorf("input %+v: no SHA-256", in)
		}
		files[in.Role] = in.File
	}
	if files["shorelines"] != "shorelines.geojson" || files["coast"] != "coast.geojson" {
		t.Errorf("inputs %+v: want shorelines.geojson and coast.geojson by base name", r.Inputs)
	}

	tile := maptile.At(newStraightCoast().ll(2500, 0), 12)
	path := fmt.Sprintf("%s/tiles/shorelines/%d/%d/%d.mvt", s.base, tile.Z, tile.X, tile.Y)
	res, err = http.Get(path)
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(res.Body)
	res.Body.Close()
	layers, err := mvt.Unmarshal(b)
	if err != nil || res.StatusCode != 200 || len(layers) != 1 || len(layers[0].Features) == 0 {
		t.Fatalf("%s: %d %v", path, res.StatusCode, err)
	}
	for _, f := range layers[0].Features {
		src, _ := f.Properties["source"].(string)
		if !strings.HasPrefix(src, "shorelines.geojson feature ") || strings.Contains(src, "/") {
			t.Errorf("%s: shoreline source %q, want shorelines.geojson feature N", path, src)
		}
	}
}
