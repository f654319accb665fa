package gpkg

import (
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/tasi-gis/tasi/analysis"
)

// TestReadIntersectionsParts reads the intersections of a run in fid ranges side by side,
// from one to more ranges than there are rows, after rows are deleted (a gap in the fids)
// and some values set to NULL, among them the first rows of ranges; and checks that a
// bad row is reported by its fid, the first in file order when there are several.
func TestReadIntersectionsParts(t *testing.T) {
	ogrinfo, err := exec.LookPath("ogrinfo")
	if err != nil {
		t.Skip("no ogrinfo to edit the file with")
	}
	res := straightRun(t)
	n := len(res.Intersections)
	t.Logf("%d intersections", n)
	if n < 20 {
		t.Fatalf("%d intersections: too few for the test", n)
	}
	half := int64((n+1)/2 + 1) // the first fid of the second of two ranges
	edit := func(t *testing.T, statements ...string) string {
		t.Helper()
		path := filepath.Join(t.TempDir(), "results.gpkg")
		if err := Write(context.Background(), path, res, analysis.Provenance{Version: "test"}); err != nil {
			t.Fatal(err)
		}
		for _, sql := range statements {
			if sql == "" {
				continue
			}
			if out, err := exec.Command(ogrinfo, "-q", path, "-sql", sql).CombinedOutput(); err != nil {
				t.Fatalf("%s: %v\n%s", sql, err, out)
			}
		}
		return path
	}
	gap := "DELETE FROM intersections WHERE fid BETWEEN 3 AND 20"
	nulls := fmt.Sprintf("UPDATE intersections SET shoreline_id = NULL, date = NULL, distance_m = NULL WHERE fid IN (1, 21, %d)", half)

	for _, tc := range []struct {
		name  string
		count string // what to make of the feature count GDAL keeps
	}{
		{"gap", ""},
		// as many rows as fids by the count: ranges find the gap and are counted
		{"gap, stale feature count", fmt.Sprintf("UPDATE gpkg_ogr_contents SET feature_count = %d WHERE table_name = 'intersections'", n)},
		{"gap, no feature count", "UPDATE gpkg_ogr_contents SET feature_count = NULL WHERE table_name = 'intersections'"},
		{"gap, no gpkg_ogr_contents", "DROP TABLE gpkg_ogr_contents"},
	} {
		t.Run(tc.name, func(t *testing.T) { checkValues(t, res, edit(t, gap, nulls, tc.count), half, 18) })
	}
	// without a gap
	t.Run("nulls", func(t *testing.T) { checkValues(t, res, edit(t, nulls), half, 0) })

	for _, tc := range []struct {
		name       string
		statements []string
		want       string
	}{
		{"no geometry after the gap", []string{gap, "UPDATE intersections SET geom = NULL WHERE fid = 23"},
			"layer intersections: feature 23: geometry none, want Point"},
		{"two bad rows", []string{gap, fmt.Sprintf("UPDATE intersections SET geom = NULL WHERE fid IN (%d, %d, %d)", half-1, half, n)},
			fmt.Sprintf("feature %d: geometry none, want Point", half-1)},
		{"no such date", []string{gap, "UPDATE intersections SET date = '2019-02-30T00:00:00Z' WHERE fid = 22"},
			"layer intersections: feature 22: field date: 2019-02-30 is no calendar date"},
		{"unknown transect", []string{gap, "UPDATE intersections SET transect_id = 'nowhere' WHERE fid = 25"},
			`layer intersections: feature 25: transect_id "nowhere" is not in the transects layer`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := edit(t, tc.statements...)
			_, _, err := Read(context.Background(), path)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Read: %v, want %q", err, tc.want)
			}
			if tc.name == "unknown transect" {
				return
			}
			for _, parts := range []int{1, 2, 3} {
				_, err := readIntersectionsIn(context.Background(), path, parts)
				if want, _ := strings.CutPrefix(tc.want, "layer intersections: "); err == nil || err.Error() != want {
					t.Errorf("%d parts: %v, want %q", parts, err, want)
				}
			}
		})
	}
}

// checkValues reads the intersections of path in 1 to 40 ranges and compares them with
// those of res, less the deleted rows from fid 3 on, with NULLs at fids 1, 21 and
// half.
func checkValues(t *testing.T, res *analysis.Result, path string, half int64, deleted int) {
	t.Helper()
	n := len(res.Intersections)
	for _, parts := range []int{1, 2, 3, 7, 40} { // 40: ranges of 8 fids, fids 9 to 16 one of them
		xs, err := readIntersectionsIn(context.Background(), path, parts)
		if err != nil {
			t.Fatalf("%d parts: %v", parts, err)
		}
		got, err := xs.resolve(res.Transects)
		if err != nil {
			t.Fatalf("%d parts: %v", parts, err)
		}
		if len(got) != n-deleted {
			t.Fatalf("%d parts: %d intersections, want %d", parts, len(got), n-deleted)
		}
		for i, x := range got {
			fid := int64(i + 1)
			if i >= 2 {
				fid += int64(deleted)
			}
			if xs.fid(i) != fid {
				t.Errorf("%d parts: row %d has fid %d, want %d", parts, i, xs.fid(i), fid)
			}
			w := res.Intersections[fid-1]
			if fid == 1 || fid == 21 || fid == half {
				w.Shoreline, w.Date, w.Distance = -1, time.Time{}, math.NaN() // NULL
			}
			if x.Transect != w.Transect || x.Shoreline != w.Shoreline || !x.Date.Equal(w.Date) || x.Date.Location() != time.UTC ||
				!same(x.Distance, w.Distance) || x.Point != w.Point {
				t.Fatalf("%d parts: fid %d: %+v, want %+v", parts, fid, x, w)
			}
		}
	}
}

// BenchmarkReadIntersections reads the intersections of a results GeoPackage named by
// TASI_BENCH_GPKG (the Timor-Leste demo run's has 505,000) in one fid range and in one
// per processor.
func BenchmarkReadIntersections(b *testing.B) {
	path := os.Getenv("TASI_BENCH_GPKG")
	if path == "" {
		b.Skip("set TASI_BENCH_GPKG to a results GeoPackage, e.g. /tmp/gr-demo/results.gpkg")
	}
	for _, parts := range []int{1, runtime.GOMAXPROCS(0)} {
		b.Run(fmt.Sprintf("parts%d", parts), func(b *testing.B) {
			var n int
			for b.Loop() {
				xs, err := readIntersectionsIn(context.Background(), path, parts)
				if err != nil {
					b.Fatal(err)
				}
				n = len(xs.rows)
			}
			b.ReportMetric(float64(n), "intersections")
		})
	}
}
