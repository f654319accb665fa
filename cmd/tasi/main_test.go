package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/vector/utm"
)

// feature is one GeoJSON feature for fixtures.
type feature struct {
	props map[string]any
	geom  orb.Geometry
}

// writeGeoJSON writes features (lon/lat) as a GeoJSON FeatureCollection.
func writeGeoJSON(t *testing.T, path string, fs []feature) {
	t.Helper()
	var out []map[string]any
	for _, f := range fs {
		var g any
		switch x := f.geom.(type) {
		case orb.Point:
			g = map[string]any{"type": "Point", "coordinates": x}
		case orb.MultiPoint:
			g = map[string]any{"type": "MultiPoint", "coordinates": x}
		case orb.LineString:
			g = map[string]any{"type": "LineString", "coordinates": x}
		case orb.MultiLineString:
			g = map[string]any{"type": "MultiLineString", "coordinates": x}
		case orb.Polygon:
			g = map[string]any{"type": "Polygon", "coordinates": x}
		case nil:
			g = nil
		default:
			t.Fatalf("fixture geometry %T", x)
		}
		out = append(out, map[string]any{"type": "Feature", "properties": f.props, "geometry": g})
	}
	b, err := json.Marshal(map[string]any{"type": "FeatureCollection", "features": out})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// straightCoast is a synthetic 5 km coast off New South Wales (UTM 56S) running east,
// land to the south, whose shoreline moves north (seaward) at rate(x) m/yr, x metres from
// its west end: from −1 m/yr (erosion) in the west to +1 m/yr (accretion) in the east.
type straightCoast struct {
	zone   utm.Zone
	e0, n0 float64
	length float64
}

func newStraightCoast() straightCoast {
	return straightCoast{zone: utm.Zone{Number: 56, South: true}, e0: 340000, n0: 6260000, length: 5000}
}

func (c straightCoast) rate(x float64) float64 { return -1 + 2*x/c.length }

func (c straightCoast) ll(x, y float64) orb.Point {
	return c.zone.Inverse(orb.Point{c.e0 + x, c.n0 + y})
}

// line is the coast shifted north by shift(x) metres, sampled every 10 m, in lon/lat.
func (c straightCoast) line(shift func(x float64) float64) orb.LineString {
	var l orb.LineString
	for x := -500.0; x <= c.length+500; x += 10 {
		l = append(l, c.ll(x, shift(x)))
	}
	return l
}

// write writes the coast, land, two admin units (west W1, east E1) and yearly shorelines
// 2000–2010 into dir.
func (c straightCoast) write(t *testing.T, dir string) {
	t.Helper()
	writeGeoJSON(t, filepath.Join(dir, "coast.geojson"), []feature{{map[string]any{}, c.line(func(float64) float64 { return 0 })}})
	box := func(x0, x1 float64) orb.Polygon {
		return orb.Polygon{{c.ll(x0, -2000), c.ll(x1, -2000), c.ll(x1, 0.5), c.ll(x0, 0.5), c.ll(x0, -2000)}}
	}
	writeGeoJSON(t, filepath.Join(dir, "land.geojson"), []feature{{map[string]any{}, box(-1000, c.length+1000)}})
	writeGeoJSON(t, filepath.Join(dir, "admin.geojson"), []feature{
		{map[string]any{"pcode": "W1", "name": "West", "population": 1200, "households": 240}, box(-1000, c.length/2)},
		{map[string]any{"pcode": "E1", "name": "East"}, box(c.length/2, c.length+1000)},
	})
	var shores []feature
	for y := 2000; y <= 2010; y++ {
		years := float64(y - 2000)
		shores = append(shores, feature{
			map[string]any{"date": fmt.Sprintf("%d-01-01", y), "unc": 5 + float64(y%3)},
			c.line(func(x float64) float64 { return c.rate(x) * years }),
		})
	}
	writeGeoJSON(t, filepath.Join(dir, "shorelines.geojson"), shores)
}

func runCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, &out, &errOut)
	return out.String() + errOut.String(), err
}

func readCSV(t *testing.T, path string) (header []string, rows []map[string]string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = r[i]
		}
		rows = append(rows, m)
	}
	return recs[0], rows
}

func num(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("cell %q: %v", s, err)
	}
	return v
}

// TestAnalyzeKnownRates runs the command end to end on a coast with an exactly known rate
// field and checks every transect's rates and the unit aggregates against the truth.
func TestAnalyzeKnownRates(t *testing.T) {
	dir := t.TempDir()
	c := newStraightCoast()
	c.write(t, dir)
	out := filepath.Join(dir, "out")
	log, err := runCLI(t, "analyze",
		"--shorelines", filepath.Join(dir, "shorelines.geojson"), "--uncertainty-field", "unc",
		"--coast", filepath.Join(dir, "coast.geojson"), "--land", filepath.Join(dir, "land.geojson"),
		"--admin", filepath.Join(dir, "admin.geojson"),
		"--out", filepath.Join(dir, "results.gpkg"), "--csv-dir", out)
	if err != nil {
		t.Fatalf("analyze: %v\n%s", err, log)
	}
	header, rows := readCSV(t, filepath.Join(out, "transects.csv"))
	if got := strings.Join(header, ","); got != "transect_id,pcode,lon,lat,azimuth,n,date_first,date_last,SCE,NSM,EPR,EPRunc,LRR,LR2,LSE,LCI,WLR,WR2,WSE,WCI" {
		t.Errorf("transects.csv header = %s", got)
	}
	// Transects every 50 m over 6 km of coast (the coast runs 500 m past each end).
	if len(rows) < 115 || len(rows) > 122 {
		t.Fatalf("%d transects, want about 120", len(rows))
	}
	checked := 0
	for _, r := range rows {
		lon, lat := num(t, r["lon"]), num(t, r["lat"])
		p := c.zone.Forward(orb.Point{lon, lat})
		x := p[0] - c.e0
		if x < 100 || x > c.length-100 {
			continue
		}
		// The origin lies 300 m landward (south) of the coast (lon/lat in the CSV carry 6
		// decimals, 0.1 m); the azimuth points north.
		if d := p[1] - c.n0 + 300; math.Abs(d) > 0.1 {
			t.Errorf("transect %s origin %.2f m off its expected northing", r["transect_id"], d)
		}
		if az := num(t, r["azimuth"]); math.Abs(az) > 0.1 && math.Abs(az-360) > 0.1 {
			t.Errorf("transect %s azimuth %v, want 0 (north, seaward)", r["transect_id"], az)
		}
		want := c.rate(x)
		for _, k := range []string{"LRR", "WLR"} {
			if got := num(t, r[k]); math.Abs(got-want) > 0.002 {
				t.Errorf("transect %s %s = %v, want %.3f", r["transect_id"], k, got, want)
			}
		}
		// Shorelines on 1 January 2000 and 2010: NSM = 10 years of movement.
		if got := num(t, r["NSM"]); math.Abs(got-10*want) > 0.02 {
			t.Errorf("transect %s NSM = %v, want %.2f", r["transect_id"], got, 10*want)
		}
		if r["n"] != "11" || r["date_first"] != "2000-01-01" || r["date_last"] != "2010-01-01" {
			t.Errorf("transect %s n=%s dates %s..%s", r["transect_id"], r["n"], r["date_first"], r["date_last"])
		}
		if got := num(t, r["LR2"]); math.Abs(got-1) > 1e-4 && math.Abs(want) > 0.05 {
			t.Errorf("transect %s LR2 = %v, want 1 for noise-free data", r["transect_id"], got)
		}
		wantUnit := "W1"
		if x > c.length/2 {
			wantUnit = "E1"
		}
		if math.Abs(x-c.length/2) > 30 && r["pcode"] != wantUnit {
			t.Errorf("transect %s at x=%.0f in unit %q, want %s", r["transect_id"], x, r["pcode"], wantUnit)
		}
		checked++
	}
	if checked < 90 {
		t.Fatalf("checked only %d transects", checked)
	}

	_, units := readCSV(t, filepath.Join(out, "admin_change.csv"))
	if len(units) != 2 {
		t.Fatalf("%d units in admin_change.csv, want 2", len(units))
	}
	for _, u := range units {
		// West covers x in [-500, 2500]: rates from -1.2 to 0, mean about -0.6; east the mirror.
		want := -0.6
		if u["pcode"] == "E1" {
			want = 0.6
		}
		if got := num(t, u["mean_LRR"]); math.Abs(got-want) > 0.03 {
			t.Errorf("unit %s mean_LRR = %v, want ≈ %v", u["pcode"], got, want)
		}
		if got := num(t, u["coast_km"]); math.Abs(got-3) > 0.06 {
			t.Errorf("unit %s coast_km = %v, want ≈ 3", u["pcode"], got)
		}
		if u["pcode"] == "W1" {
			if u["population"] != "1200" || u["households"] != "240" {
				t.Errorf("unit W1 census %s/%s, want 1200/240", u["population"], u["households"])
			}
			// Land lost: ∫ max(0, -NSM) dx over the west = ∫_{-500}^{2500} 10·(1 − 2x/5000) dx.
			if got := num(t, u["area_lost_m2"]); math.Abs(got-18000)/18000 > 0.03 {
				t.Errorf("unit W1 area_lost_m2 = %v, want ≈ 18000", got)
			}
		} else if u["population"] != "" {
			t.Errorf("unit E1 population %q, want empty (unknown)", u["population"])
		}
	}
	if !strings.Contains(log, "Fastest-eroding units") || !strings.Contains(log, "W1") {
		t.Errorf("summary lacks the fastest-eroding units:\n%s", log)
	}
	if _, err := os.Stat(filepath.Join(dir, "results.gpkg")); err != nil {
		t.Errorf("results.gpkg: %v", err)
	}
}

// TestAnalyzeReproducible checks that the same input gives byte-identical CSV files.
func TestAnalyzeReproducible(t *testing.T) {
	dir := t.TempDir()
	c := newStraightCoast()
	c.write(t, dir)
	var outputs [2][2][]byte
	for i := range outputs {
		out := filepath.Join(dir, fmt.Sprint("out", i))
		if log, err := runCLI(t, "analyze", "--shorelines", filepath.Join(dir, "shorelines.geojson"),
			"--coast", filepath.Join(dir, "coast.geojson"), "--land", filepath.Join(dir, "land.geojson"),
			"--admin", filepath.Join(dir, "admin.geojson"), "--csv-dir", out,
			"--out", filepath.Join(out, "new", "folder", "results.gpkg")); err != nil {
			t.Fatalf("analyze: %v\n%s", err, log)
		}
		for _, name := range []string{"transects.csv", "admin_change.csv", "new/folder/results.gpkg"} {
			fi, err := os.Stat(filepath.Join(out, name))
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != 0o644 {
				t.Errorf("%s has mode %v, want -rw-r--r--", name, fi.Mode().Perm())
			}
		}
		for j, name := range []string{"transects.csv", "admin_change.csv"} {
			b, err := os.ReadFile(filepath.Join(out, name))
			if err != nil {
				t.Fatal(err)
			}
			outputs[i][j] = b
		}
	}
	for j := range outputs[0] {
		if !bytes.Equal(outputs[0][j], outputs[1][j]) {
			t.Errorf("output %d differs between two identical runs", j)
		}
	}
}

// TestAnalyzeBadInput checks that each bad input gets an error naming it, and that a failed
// run leaves no output and leaves earlier results untouched.
func TestAnalyzeBadInput(t *testing.T) {
	c := newStraightCoast()
	line := c.line(func(float64) float64 { return 0 })
	twoDates := func(extra ...feature) []feature {
		return append([]feature{
			{map[string]any{"date": "2000-01-01"}, line},
			{map[string]any{"date": "2010-01-01"}, c.line(func(float64) float64 { return 5 })},
		}, extra...)
	}
	tests := []struct {
		name   string
		shores []feature // written as shorelines.geojson unless raw is set
		raw    []byte
		args   []string
		want   []string // substrings of the error
	}{
		{name: "not a vector file", raw: []byte("\x89PNG\r\n\x1a\nnot really"), want: []string{"shorelines.geojson"}},
		{name: "missing date", shores: twoDates(feature{map[string]any{"other": 1}, line}), want: []string{"shorelines.geojson feature 2", `field "date"`, "no date"}},
		{name: "unparseable date", shores: twoDates(feature{map[string]any{"date": "soon"}, line}), want: []string{"feature 2", `date "soon"`}},
		{name: "negative uncertainty", shores: twoDates(feature{map[string]any{"date": "2005-01-01", "unc": -3}, line}), args: []string{"--uncertainty-field", "unc"}, want: []string{"feature 2", `field "unc"`, "positive"}},
		{name: "non-numeric uncertainty", shores: twoDates(feature{map[string]any{"date": "2005-01-01", "unc": "big"}, line}), args: []string{"--uncertainty-field", "unc"}, want: []string{"feature 2", `"big" is not a number`}},
		{name: "self-crossing, strict", shores: twoDates(feature{map[string]any{"date": "2005-01-01"}, orb.LineString{c.ll(0, 0), c.ll(100, 100), c.ll(100, 0), c.ll(0, 100)}}), args: []string{"--strict"}, want: []string{"feature 2", "crosses itself near 151.27", "strict"}},
		{name: "nothing usable", shores: []feature{{map[string]any{"date": "2000-01-01"}, nil}, {map[string]any{"date": "2001-01-01"}, orb.LineString{c.ll(0, 0), c.ll(0, 0)}}}, want: []string{"no usable shoreline features", "2 unusable parts skipped"}},
		{name: "date before 1800", shores: twoDates(feature{map[string]any{"date": "1750-06-01"}, line}), want: []string{"shorelines.geojson feature 2", `field "date"`, "date 1750-06-01: before 1800"}},
		{name: "date after today", shores: twoDates(feature{map[string]any{"date": "2031-06-01"}, line}), want: []string{"feature 2", "date 2031-06-01: after"}},
		{name: "impossible day", shores: twoDates(feature{map[string]any{"date": "2019-02-30"}, line}), want: []string{"feature 2", "2019", "02", "30", "the day is invalid"}},
		{name: "compact date", shores: twoDates(feature{map[string]any{"date": "19870328"}, line}), want: []string{"feature 2", "%Y%m%d"}},
		{name: "confidence as a fraction", shores: twoDates(), args: []string{"--confidence", "0.9"}, want: []string{"--confidence 0.9", "percent", "give 90"}},
		{name: "confidence 100", shores: twoDates(), args: []string{"--confidence", "100"}, want: []string{"--confidence 100", "percent"}},
		{name: "output is an input", shores: twoDates(), args: []string{"--shorelines", "results.gpkg"}, want: []string{"shorelines", "results.gpkg is also an output", "replace it"}},
		{name: "one date", shores: []feature{{map[string]any{"date": "2000-01-01"}, line}, {map[string]any{"date": "2000-01-01"}, c.line(func(float64) float64 { return 5 })}}, want: []string{"at least two dates"}},
		{name: "admin elsewhere", shores: twoDates(), args: []string{"--admin", "far.geojson"}, want: []string{"far.geojson", "none of its 1 units overlaps"}},
		{name: "missing date field", shores: []feature{{map[string]any{"when": "2000-01-01"}, line}}, want: []string{`no date field "date"`, "when"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			c.write(t, dir)
			shores := filepath.Join(dir, "shorelines.geojson")
			if tt.raw != nil {
				if err := os.WriteFile(shores, tt.raw, 0o644); err != nil {
					t.Fatal(err)
				}
			} else {
				writeGeoJSON(t, shores, tt.shores)
			}
			far := newStraightCoast()
			far.zone = utm.Zone{Number: 10}
			writeGeoJSON(t, filepath.Join(dir, "far.geojson"), []feature{{map[string]any{"pcode": "X"},
				orb.Polygon{{far.ll(0, 0), far.ll(10, 0), far.ll(10, 10), far.ll(0, 0)}}}})
			results := filepath.Join(dir, "results.gpkg")
			if err := os.WriteFile(results, []byte("earlier run"), 0o644); err != nil {
				t.Fatal(err)
			}
			args := []string{"analyze", "--shorelines", shores, "--coast", filepath.Join(dir, "coast.geojson"),
				"--land", filepath.Join(dir, "land.geojson"), "--csv-dir", filepath.Join(dir, "csv")}
			if !slices.Contains(tt.args, "--out") {
				args = append(args, "--out", results)
			}
			for _, a := range tt.args {
				if strings.HasSuffix(a, ".geojson") || strings.HasSuffix(a, ".gpkg") {
					a = filepath.Join(dir, a)
				}
				args = append(args, a)
			}
			log, err := runCLI(t, args...)
			if err == nil {
				t.Fatalf("analyze succeeded, want an error\n%s", log)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if b, _ := os.ReadFile(results); string(b) != "earlier run" {
				t.Errorf("the earlier results.gpkg was changed")
			}
			if _, err := os.Stat(filepath.Join(dir, "csv", "transects.csv")); err == nil {
				t.Errorf("a failed run left transects.csv behind")
			}
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				if strings.Contains(e.Name(), ".tmp") {
					t.Errorf("a failed run left %s behind", e.Name())
				}
			}
		})
	}
}

// TestAnalyzeShapefileWithoutCRS checks the error for a file that does not say its CRS.
func TestAnalyzeShapefileWithoutCRS(t *testing.T) {
	ogr2ogr, err := exec.LookPath("ogr2ogr")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("ogr2ogr (gdal-bin) is missing")
		}
		t.Skip("ogr2ogr (gdal-bin) is not installed")
	}
	dir := t.TempDir()
	c := newStraightCoast()
	c.write(t, dir)
	shp := filepath.Join(dir, "shorelines.shp")
	if out, err := exec.Command(ogr2ogr, "-f", "ESRI Shapefile", shp, filepath.Join(dir, "shorelines.geojson")).CombinedOutput(); err != nil {
		t.Fatalf("ogr2ogr: %v\n%s", err, out)
	}
	os.Remove(filepath.Join(dir, "shorelines.prj"))
	_, err = runCLI(t, "analyze", "--shorelines", shp, "--land", filepath.Join(dir, "land.geojson"), "--csv-dir", filepath.Join(dir, "csv"))
	if err == nil || !strings.Contains(err.Error(), "shorelines.shp") || !strings.Contains(strings.ToLower(err.Error()), "crs") ||
		!strings.Contains(err.Error(), "give --assume-crs EPSG:4326") {
		t.Fatalf("error %v, want one naming shorelines.shp, its missing CRS and --assume-crs", err)
	}
	// Told the CRS, the same file reads.
	if log, err := runCLI(t, "analyze", "--shorelines", shp, "--assume-crs", "EPSG:4326", "--land", filepath.Join(dir, "land.geojson"),
		"--csv-dir", filepath.Join(dir, "csv")); err != nil {
		t.Fatalf("with --assume-crs: %v\n%s", err, log)
	}
}

// TestAnalyzeMaxMemory: a run estimated to need more memory than there is is refused
// before it starts, with the figures and a spacing that fits; earlier outputs stay.
func TestAnalyzeMaxMemory(t *testing.T) {
	dir := t.TempDir()
	c := newStraightCoast()
	c.write(t, dir)
	_, err := runCLI(t, "analyze", "--shorelines", filepath.Join(dir, "shorelines.geojson"),
		"--coast", filepath.Join(dir, "coast.geojson"), "--land", filepath.Join(dir, "land.geojson"),
		"--spacing", "0.05", "--max-memory", "200MB", "--csv-dir", filepath.Join(dir, "csv"))
	if err == nil || !strings.Contains(err.Error(), "at 0.05 m spacing over 6.0 km of coast") ||
		!strings.Contains(err.Error(), "more than the 200 MB available") || !strings.Contains(err.Error(), "spacing of") {
		t.Errorf("error %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "csv")); err == nil {
		t.Error("a refused run made its output folder")
	}
	if _, err := runCLI(t, "analyze", "--shorelines", filepath.Join(dir, "shorelines.geojson"), "--max-memory", "lots",
		"--land", filepath.Join(dir, "land.geojson"), "--csv-dir", filepath.Join(dir, "csv")); err == nil || !strings.Contains(err.Error(), `"lots" is not a size`) {
		t.Errorf("--max-memory lots: %v", err)
	}
}

// TestAnalyzeOutputsInShorelineFolder: results written into the shorelines folder are not
// read as shorelines by the next run, which gives the same numbers; neither are the
// leftovers of a killed run or the folder's other files.
func TestAnalyzeOutputsInShorelineFolder(t *testing.T) {
	dir := t.TempDir()
	c := newStraightCoast()
	c.write(t, dir)
	shores := filepath.Join(dir, "shorelines")
	if err := os.Mkdir(shores, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(dir, "shorelines.geojson"), filepath.Join(shores, "shorelines.geojson")); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{"._shorelines.geojson": "\x00\x05\x16\x07", "config.json": `{"roi_id": "x"}`} {
		if err := os.WriteFile(filepath.Join(shores, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run := func(out string) (string, []byte) {
		log, err := runCLI(t, "analyze", "--shorelines", shores, "--coast", filepath.Join(dir, "coast.geojson"),
			"--land", filepath.Join(dir, "land.geojson"), "--csv-dir", out, "--out", filepath.Join(out, "results.gpkg"))
		if err != nil {
			t.Fatalf("analyze: %v\n%s", err, log)
		}
		b, err := os.ReadFile(filepath.Join(out, "transects.csv"))
		if err != nil {
			t.Fatal(err)
		}
		return log, b
	}
	_, first := run(shores) // into the shorelines folder
	log, second := run(shores)
	if !bytes.Equal(first, second) {
		t.Error("the second run, over the first's outputs, gave other numbers")
	}
	for _, want := range []string{"results.gpkg: an output of this analysis", "transects.csv: an output of this analysis",
		"._shorelines.geojson: a hidden file", "config.json: not vector data"} {
		if !strings.Contains(log, want) {
			t.Errorf("log does not say %q:\n%s", want, log)
		}
	}
	// A third run writing elsewhere skips them as tasi's own results.
	log, third := run(filepath.Join(dir, "elsewhere"))
	if !bytes.Equal(first, third) {
		t.Error("a run reading a folder holding earlier results gave other numbers")
	}
	if !strings.Contains(log, "results.gpkg: tasi's own results") || !strings.Contains(log, "transects.csv: tasi's own results") {
		t.Errorf("log does not say the earlier results were skipped:\n%s", log)
	}
}
