package main

import (
	"fmt"
	"path/filepath"
	"testing"
)

// TestServeGeoPackageRunCounts analyses one coast into a GeoPackage and a database at once
// and checks that /api/v1/runs reports the same shorelines, transects, intersections,
// missed transects and units from both stores, and none of them 0 (the GeoPackage's
// were all 0).
func TestServeGeoPackageRunCounts(t *testing.T) {
	t.Parallel()
	dbURL := migratedDB(t)
	dir := t.TempDir()
	gpkgPath := filepath.Join(dir, "results.gpkg")
	if out, err := runCLIErr(t, append(straightCoastArgs(t, dir), "--out", gpkgPath, "--db", dbURL)...); err != nil {
		t.Fatalf("analyze: %v\n%s", err, out)
	}
	type counts struct {
		Shorelines    int `json:"shorelines"`
		Transects     int `json:"transects"`
		Intersections int `json:"intersections"`
		Units         int `json:"units"`
		Missed        int `json:"missed_transects"`
	}
	get := func(args ...string) (list, one counts) {
		t.Helper()
		s := startServe(t, args...)
		var runs struct {
			Runs []struct {
				ID int64 `json:"id"`
				counts
			} `json:"runs"`
		}
		if st := s.getJSON(t, "/api/v1/runs", &runs); st != 200 || len(runs.Runs) != 1 {
			t.Fatalf("%v: runs: %d %+v", args, st, runs)
		}
		if st := s.getJSON(t, fmt.Sprintf("/api/v1/runs/%d", runs.Runs[0].ID), &one); st != 200 {
			t.Fatalf("%v: run %d: %d", args, runs.Runs[0].ID, st)
		}
		return runs.Runs[0].counts, one
	}
	pgList, pgOne := get("--db", dbURL)
	gpList, gpOne := get("--gpkg", gpkgPath)
	if pgList.Shorelines == 0 || pgList.Transects == 0 || pgList.Intersections == 0 || pgList.Units == 0 {
		t.Fatalf("PostGIS reports %+v: want counts above 0", pgList)
	}
	for name, got := range map[string]counts{"PostGIS run": pgOne, "GeoPackage runs": gpList, "GeoPackage run": gpOne} {
		if got != pgList {
			t.Errorf("%s: %+v, want %+v as PostGIS lists", name, got, pgList)
		}
	}
}
