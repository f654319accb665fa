package input

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"
	"github.com/paulmach/orb/geo"
	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/data/ogr"
)

func load(t *testing.T, c Config) (*Report, []string) {
	t.Helper()
	in, r, err := Load(context.Background(), c)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	var desc []string
	for _, s := range in.Shorelines {
		desc = append(desc, fmt.Sprintf("%s:%d", s.Date.Format(time.DateOnly), len(s.Geometry)+len(s.Points)))
	}
	return r, desc
}

// TestLoadMessyGeometry: a self-crossing shoreline is used and reported with its place;
// unusable parts are skipped and the rest of the feature used; strict mode refuses.
func TestLoadMessyGeometry(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "shorelines.geojson")
	loop := coastLine(0)
	// A loop at x = 1000 m: out 40 m seaward, back across the line, and on.
	loop = append(append(orb.LineString{}, loop[:51]...), ll(1010, 40), ll(990, 40), ll(1010, -20))
	loop = append(loop, coastLine(0)[52:]...)
	c0 := coastLine(10)
	bad := fmt.Sprintf(`{"type":"MultiLineString","coordinates":[%s,[[%v,%v]],[[%v,%v],[%v,%v]],[[%v,%v],[NaN,%v]]]}`,
		jsonLine(c0), c0[0][0], c0[0][1], c0[1][0], c0[1][1], c0[1][0], c0[1][1], c0[2][0], c0[2][1], c0[2][1])
	writeFeatures(t, path,
		dated("2000-01-01", coastLine(0)),
		dated("2005-01-01", loop),
		feat{props: map[string]any{"date": "2010-01-01"}, raw: bad},
		dated("2012-01-01", nil),
	)
	r, got := load(t, baseConfig(path))
	if want := "2000-01-01:1 2005-01-01:1 2010-01-01:1"; strings.Join(got, " ") != want {
		t.Errorf("shorelines %v, want %s", got, want)
	}
	cross := notesOf(r, SelfCrossing)
	if len(cross) != 1 || cross[0].Feature != 1 || cross[0].Count != 1 || !cross[0].HasPos {
		t.Fatalf("self-crossing notes %+v, want one for feature 1", cross)
	}
	if d := geo.Distance(cross[0].Where, ll(1000, 0)); d > 15 {
		t.Errorf("crossing reported %.1f m from where the loop crosses the line", d)
	}
	if s := cross[0].String(); !strings.Contains(s, "shorelines.geojson feature 1 at 151.3") || !strings.Contains(s, "crosses itself once") {
		t.Errorf("note reads %q", s)
	}
	badParts := notesOf(r, BadPart)
	if len(badParts) != 2 {
		t.Fatalf("bad-part notes %+v, want one for feature 2 and one for feature 3", badParts)
	}
	if n := badParts[0]; n.Feature != 2 || n.Count != 3 || !strings.Contains(n.Message, "single vertex") ||
		!strings.Contains(n.Message, "zero length") || !strings.Contains(n.Message, "non-finite") {
		t.Errorf("feature 2 note %+v, want its three unusable parts named", n)
	}
	if n := badParts[1]; n.Feature != 3 || !strings.Contains(n.Message, "no geometry") {
		t.Errorf("feature 3 note %+v, want no geometry", n)
	}
	if s := strings.Join(r.Summary(), "; "); !strings.Contains(s, "1 self-crossing shorelines") {
		t.Errorf("summary %q", s)
	}

	strict := baseConfig(path)
	strict.Strict = true
	_, _, err := Load(context.Background(), strict)
	if err == nil || !strings.Contains(err.Error(), "feature 1") || !strings.Contains(err.Error(), "crosses itself near 151.3") {
		t.Errorf("strict: %v, want an error naming feature 1 and where", err)
	}

	// Nothing usable at all is an error that says why.
	empty := filepath.Join(dir, "empty.geojson")
	writeFeatures(t, empty, dated("2000-01-01", nil), dated("2001-01-01", orb.LineString{ll(0, 0), ll(0, 0)}))
	_, _, err = Load(context.Background(), baseConfig(empty))
	if err == nil || !strings.Contains(err.Error(), "no usable shoreline features") || !strings.Contains(err.Error(), "unusable parts") {
		t.Errorf("all unusable: %v", err)
	}
}

func jsonLine(l orb.LineString) string {
	s := make([]string, len(l))
	for i, p := range l {
		s[i] = fmt.Sprintf("[%v,%v]", p[0], p[1])
	}
	return "[" + strings.Join(s, ",") + "]"
}

// TestLoadGaps: CoastSat and CoastSeg line files are split at straight jumps; other
// files only when asked.
func TestLoadGaps(t *testing.T) {
	dir := t.TempDir()
	// Two contour pieces 500 m apart, joined by one straight segment.
	joined := append(coastLine(0)[:40], coastLine(5)[65:]...)
	coastsat := filepath.Join(dir, "coastsat.geojson")
	writeFeatures(t, coastsat,
		feat{props: map[string]any{"date": "2019-01-05 10:00:00+00:00", "satname": "L8", "geoaccuracy": 4.2}, geom: joined},
		feat{props: map[string]any{"date": "2020-01-05 10:00:00+00:00", "satname": "S2", "geoaccuracy": "PASSED"}, geom: coastLine(3)},
	)
	plain := filepath.Join(dir, "plain.geojson")
	writeFeatures(t, plain, dated("2019-01-05", joined), dated("2020-01-05", coastLine(3)))
	tests := []struct {
		name   string
		path   string
		maxGap float64
		parts  int // of the first shoreline
	}{
		{"coastsat file, auto", coastsat, 0, 2},
		{"coastsat file, off", coastsat, -1, 1},
		{"plain file, auto", plain, 0, 1},
		{"plain file, 200 m", plain, 200, 2},
		{"plain file, 600 m", plain, 600, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := baseConfig(tt.path)
			c.MaxGap = tt.maxGap
			in, r, err := Load(context.Background(), c)
			if err != nil {
				t.Fatal(err)
			}
			if got := len(in.Shorelines[0].Geometry); got != tt.parts {
				t.Errorf("first shoreline has %d parts, want %d", got, tt.parts)
			}
			gaps := notesOf(r, GapSplit)
			if (len(gaps) == 1) != (tt.parts == 2) || len(gaps) == 1 && (gaps[0].Count != 1 || gaps[0].Feature != 0) {
				t.Errorf("gap notes %+v", gaps)
			}
		})
	}
	// geoaccuracy is the uncertainty where it is metres, the default where it is not.
	in, r, err := Load(context.Background(), baseConfig(coastsat))
	if err != nil {
		t.Fatal(err)
	}
	if u0, u1 := in.Shorelines[0].Uncertainty, in.Shorelines[1].Uncertainty; u0 != 4.2 || u1 != 10 {
		t.Errorf("uncertainties %v, %v, want 4.2 (geoaccuracy) and 10 (default for PASSED)", u0, u1)
	}
	if s0, s1 := in.Shorelines[0].Satellite, in.Shorelines[1].Satellite; s0 != "L8" || s1 != "S2" {
		t.Errorf("satellites %q, %q", s0, s1)
	}
	if d := notesOf(r, DefaultUncertainty); len(d) != 1 || d[0].Count != 1 || !strings.Contains(d[0].Message, `"PASSED"`) {
		t.Errorf("default-uncertainty notes %+v", d)
	}
}

// TestLoadPoints reads CoastSeg's extracted_shorelines_points.geojson as it is.
func TestLoadPoints(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "extracted_shorelines_points.geojson")
	pts := func(y float64) orb.MultiPoint {
		var mp orb.MultiPoint
		for x := 0.0; x <= 2000; x += 15 {
			mp = append(mp, ll(x, y))
		}
		return mp
	}
	writeFeatures(t, path,
		feat{props: map[string]any{"date": "2018-12-30 18:22:25+00:00", "satname": "L8", "geoaccuracy": 5.3, "cloud_cover": 0.02}, geom: pts(0)},
		feat{props: map[string]any{"date": "2019-12-30 18:22:25+00:00", "satname": "S2", "geoaccuracy": 7}, geom: pts(2)},
		feat{props: map[string]any{"date": "2020-06-01 01:02:03+00:00", "satname": "L9", "geoaccuracy": 6}, geom: ll(50, 4)},
	)
	// Points cannot be the coast transects are cast from.
	if _, _, err := Load(context.Background(), baseConfig(path)); err == nil || !strings.Contains(err.Error(), "give a coast or transects") {
		t.Errorf("points without a coast: %v", err)
	}
	coast := filepath.Join(dir, "coast.geojson")
	writeFeatures(t, coast, feat{props: map[string]any{}, geom: coastLine(0)})
	c := baseConfig(path)
	c.Coast = coast
	in, r, err := Load(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	if len(in.Shorelines) != 3 || r.PointShorelines != 3 {
		t.Fatalf("%d shorelines, %d of points", len(in.Shorelines), r.PointShorelines)
	}
	s := in.Shorelines[0]
	if !s.Date.Equal(time.Date(2018, 12, 30, 18, 22, 25, 0, time.UTC)) || s.Uncertainty != 5.3 || s.Satellite != "L8" ||
		len(s.Points) != len(pts(0)) || len(s.Geometry) != 0 {
		t.Errorf("first shoreline %v unc %v sat %q, %d points, %d lines", s.Date, s.Uncertainty, s.Satellite, len(s.Points), len(s.Geometry))
	}
	if len(in.Coast) != 1 {
		t.Errorf("coast %v", in.Coast)
	}
}

// TestLoadDuplicates: whatever way a shoreline is given twice, it is read once and
// reported, so that n and the confidence intervals stay right.
func TestLoadDuplicates(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a", "shorelines.geojson")
	writeFeatures(t, a, dated("2000-01-01", coastLine(0)), dated("2010-01-01", coastLine(10)))
	copyFile(t, a, filepath.Join(dir, "a", "shorelines copy.geojson"))
	twice := filepath.Join(dir, "twice.geojson")
	writeFeatures(t, twice, dated("2000-01-01", coastLine(0)), dated("2010-01-01", coastLine(10)), dated("2010-01-01", coastLine(10)))
	partial := filepath.Join(dir, "partial.geojson")
	writeFeatures(t, partial, dated("2000-01-01", coastLine(0)),
		dated("2010-01-01", orb.MultiLineString{coastLine(10)}),
		dated("2010-01-01", orb.MultiLineString{coastLine(10), coastLine(30)}))
	sameDate := filepath.Join(dir, "same-date.geojson")
	writeFeatures(t, sameDate, dated("2000-01-01", coastLine(0)),
		feat{props: map[string]any{"date": "2010-01-01", "unc": 5}, geom: orb.LineString(coastLine(10)[:50])},
		feat{props: map[string]any{"date": "2010-01-01", "unc": 8}, geom: orb.LineString(coastLine(10)[50:])})
	copied := filepath.Join(dir, "copied.geojson")
	writeFeatures(t, copied, dated("2000-01-01", coastLine(0)), dated("2010-01-01", coastLine(0)))

	tests := []struct {
		name      string
		c         Config
		want      string // dates and parts of the shorelines
		kind      Kind
		notes     int
		message   string
		notesFrom string
	}{
		{"one file twice", baseConfig(a, a), "2000-01-01:1 2010-01-01:1", Duplicate, 1, "the same content as", a},
		{"a copy in the folder", baseConfig(filepath.Join(dir, "a")), "2000-01-01:1 2010-01-01:1", Duplicate, 1, "the same content as " + filepath.Join(dir, "a", "shorelines copy.geojson"), a},
		{"two identical features", baseConfig(twice), "2000-01-01:1 2010-01-01:1", Duplicate, 1, "the same date and geometry as " + twice + " feature 1", twice},
		{"a repeated part", baseConfig(partial), "2000-01-01:1 2010-01-01:2", Duplicate, 1, "1 of its 2 parts repeat", partial},
		{"pieces of one date", func() Config { c := baseConfig(sameDate); c.UncertaintyField = "unc"; return c }(), "2000-01-01:1 2010-01-01:2", SameDate, 1, "largest (8 m)", sameDate},
		{"one geometry at two dates", baseConfig(copied), "2000-01-01:1 2010-01-01:1", SameGeometry, 1, "a copy with a wrong date?", copied},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, got := load(t, tt.c)
			if strings.Join(got, " ") != tt.want {
				t.Errorf("shorelines %v, want %s", got, tt.want)
			}
			ns := notesOf(r, tt.kind)
			if len(ns) != tt.notes || !strings.Contains(ns[0].Message, tt.message) || !strings.Contains(ns[0].File, filepath.Base(tt.notesFrom)) {
				t.Errorf("%v notes %+v, want %d saying %q about %s", tt.kind, ns, tt.notes, tt.message, tt.notesFrom)
			}
		})
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestLoadLayers: a file with several layers that could hold shorelines needs the layer
// named; a file with one such layer beside others reads it.
func TestLoadLayers(t *testing.T) {
	dir := t.TempDir()
	two := filepath.Join(dir, "two.gpkg")
	writeGPKG(t, two, map[string][]feat{
		"shorelines":    {dated("2000-01-01", coastLine(0)), dated("2010-01-01", coastLine(10))},
		"shorelines_v2": {dated("2000-01-01", coastLine(0)), dated("2010-01-01", coastLine(10))},
		"baseline":      {{props: map[string]any{"part": 1}, geom: coastLine(-50)}},
	})
	_, _, err := Load(context.Background(), baseConfig(two))
	if err == nil || !strings.Contains(err.Error(), "2 layers could hold the shorelines") ||
		!strings.Contains(err.Error(), "shorelines (linestring, 2 features)") || !strings.Contains(err.Error(), "shorelines_v2") ||
		strings.Contains(err.Error(), "baseline") || !strings.Contains(err.Error(), "layer option") {
		t.Errorf("two candidate layers: %v", err)
	}
	c := baseConfig(two)
	c.Layer = "shorelines_v2"
	if _, got := load(t, c); strings.Join(got, " ") != "2000-01-01:1 2010-01-01:1" {
		t.Errorf("--layer shorelines_v2: %v", got)
	}
	c.Layer = "nope"
	if _, _, err := Load(context.Background(), c); err == nil || !strings.Contains(err.Error(), `no layer "nope"`) {
		t.Errorf("--layer nope: %v", err)
	}
	one := filepath.Join(dir, "one.gpkg")
	writeGPKG(t, one, map[string][]feat{
		"shorelines": {dated("2000-01-01", coastLine(0)), dated("2010-01-01", coastLine(10))},
		"baseline":   {{props: map[string]any{"part": 1}, geom: coastLine(-50)}},
	})
	if _, got := load(t, baseConfig(one)); strings.Join(got, " ") != "2000-01-01:1 2010-01-01:1" {
		t.Errorf("one candidate layer: %v", got)
	}
}

// writeGPKG writes layers of line features (with a date or part field) to a GeoPackage.
func writeGPKG(t *testing.T, path string, layers map[string][]feat) {
	t.Helper()
	g, err := ogr.CreateGeoPackage(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range sortedKeys(layers) {
		fs := layers[name]
		field := "date"
		if _, ok := fs[0].props["part"]; ok {
			field = "part"
		}
		w, err := g.CreateLayer(name, 4326, ogr.LineString, []ogr.FieldDef{{Name: field, Type: ogr.String}})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fs {
			if err := w.Write(f.geom, fmt.Sprint(f.props[field])); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := g.Close(); err != nil {
		t.Fatal(err)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	for i := range ks {
		for j := i + 1; j < len(ks); j++ {
			if ks[j] < ks[i] {
				ks[i], ks[j] = ks[j], ks[i]
			}
		}
	}
	return ks
}

// TestLoadFolder: a shorelines folder is read one level deep; what is not shorelines is
// skipped with a note, and outputs of the analysis are never read as inputs.
func TestLoadFolder(t *testing.T) {
	dir := t.TempDir()
	shores := filepath.Join(dir, "shorelines")
	writeFeatures(t, filepath.Join(shores, "2000.geojson"), dated("2000-01-01", coastLine(0)))
	writeFeatures(t, filepath.Join(shores, "2010.geojson"), dated("2010-01-01", coastLine(10)))
	writeFile(t, filepath.Join(shores, "._2000.geojson"), "\x00\x05\x16\x07 AppleDouble")
	writeFile(t, filepath.Join(shores, "config.json"), `{"roi_id": "zih2", "settings": {"min_length_sl": 500}}`)
	writeFile(t, filepath.Join(shores, "README.txt"), "shorelines from CoastSeg")
	writeFile(t, filepath.Join(shores, "transects.csv"), "transect_id,pcode,lon,lat,azimuth,n,date_first,date_last,SCE,NSM,EPR,EPRunc,LRR,LR2,LSE,LCI,WLR,WR2,WSE,WCI\n1,,151.3,-33.75,0,2,2000-01-01,2010-01-01,10,10,1,1,1,1,0,,1,1,0,\n")
	writeFile(t, filepath.Join(shores, ".results.gpkg.tmp-123"), "partial")
	if err := os.Mkdir(filepath.Join(shores, "old"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeGPKG(t, filepath.Join(shores, "results.gpkg"), map[string][]feat{
		"runs":       {dated("2000-01-01", coastLine(0))},
		"transects":  {{props: map[string]any{"part": 1}, geom: coastLine(-50)}},
		"shorelines": {dated("2000-01-01", coastLine(0))},
	})
	c := baseConfig(shores)
	c.Outputs = []string{filepath.Join(shores, "admin_change.csv")}
	writeFile(t, filepath.Join(shores, "admin_change.csv"), "not yet written\n")
	r, got := load(t, c)
	if strings.Join(got, " ") != "2000-01-01:1 2010-01-01:1" {
		t.Errorf("shorelines %v", got)
	}
	skipped := map[string]string{}
	for _, n := range notesOf(r, SkippedFile) {
		skipped[filepath.Base(n.File)] = n.Message
	}
	for name, why := range map[string]string{
		"._2000.geojson":        "hidden",
		".results.gpkg.tmp-123": "hidden",
		"config.json":           "not vector data",
		"README.txt":            "not a vector file",
		"transects.csv":         "tasi's own results",
		"results.gpkg":          "tasi's own results",
		"admin_change.csv":      "an output of this analysis",
		"old":                   "a folder",
	} {
		if !strings.Contains(skipped[name], why) {
			t.Errorf("%s: skipped as %q, want %q", name, skipped[name], why)
		}
	}
	if len(r.Files) != 2 {
		t.Errorf("files read: %+v", r.Files)
	}

	// An output named as a shoreline file, or as another input, is refused.
	c = baseConfig(filepath.Join(shores, "2000.geojson"), filepath.Join(shores, "2010.geojson"))
	c.Outputs = []string{filepath.Join(shores, "2010.geojson")}
	if _, _, err := Load(context.Background(), c); err == nil || !strings.Contains(err.Error(), "2010.geojson is also an output") {
		t.Errorf("output as input: %v", err)
	}
	c = baseConfig(shores)
	c.Coast = filepath.Join(dir, "coast.geojson")
	c.Outputs = []string{filepath.Join(dir, ".", "coast.geojson")}
	if _, _, err := Load(context.Background(), c); err == nil || !strings.Contains(err.Error(), "coast") || !strings.Contains(err.Error(), "also an output") {
		t.Errorf("output as coast: %v", err)
	}
}

func writeFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestLoadDates: every date form is held to one range, and the error names the file,
// feature and field.
func TestLoadDates(t *testing.T) {
	tests := []struct{ date, want string }{
		{"1750-06-01", "date 1750-06-01: before 1800"},
		{"2031-01-01", "date 2031-01-01: after 2026-06-01"},
		{"2031", "after 2026-06-01"},
		{"2019-02-30", "the day is invalid"},
		{"19870328", "%Y%m%d"},
	}
	for _, tt := range tests {
		t.Run(tt.date, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "s.geojson")
			writeFeatures(t, path, dated("2000-01-01", coastLine(0)), dated(tt.date, coastLine(10)))
			_, _, err := Load(context.Background(), baseConfig(path))
			if err == nil || !strings.Contains(err.Error(), "s.geojson feature 1") || !strings.Contains(err.Error(), `field "date"`) ||
				!strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one naming feature 1, field date and %q", err, tt.want)
			}
		})
	}
}

// TestLoadAssumeCRS: a file without a CRS is an error until one is assumed.
func TestLoadAssumeCRS(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shorelines.csv")
	var rows []string
	rows = append(rows, "date,wkt")
	for i, y := range []float64{0, 10} {
		rows = append(rows, fmt.Sprintf("%d-01-01,\"%s\"", 2000+10*i, wkt.MarshalString(coastLine(y))))
	}
	writeFile(t, path, strings.Join(rows, "\n")+"\n")
	_, _, err := Load(context.Background(), baseConfig(path))
	if !errors.Is(err, ogr.ErrNoCRS) {
		t.Fatalf("no CRS: %v, want ogr.ErrNoCRS", err)
	}
	c := baseConfig(path)
	c.AssumeCRS = "EPSG:4326"
	if _, got := load(t, c); strings.Join(got, " ") != "2000-01-01:1 2010-01-01:1" {
		t.Errorf("assumed EPSG:4326: %v", got)
	}
}

// TestLoadProgress: reading shorelines reports one step that only goes forward and ends
// complete, across files.
func TestLoadProgress(t *testing.T) {
	dir := t.TempDir()
	for i := range 3 {
		writeFeatures(t, filepath.Join(dir, fmt.Sprintf("%d.geojson", i)),
			dated(fmt.Sprintf("%d-01-01", 2000+2*i), coastLine(float64(i))), dated(fmt.Sprintf("%d-06-01", 2000+2*i), coastLine(float64(i)+0.5)))
	}
	c := baseConfig(dir)
	var reports []analysis.Progress
	c.Progress = func(p analysis.Progress) { reports = append(reports, p) }
	load(t, c)
	if len(reports) < 3 {
		t.Fatalf("%d progress reports", len(reports))
	}
	for i, p := range reports {
		if p.Step != "read shorelines" || p.Total != 3000 || i > 0 && p.Done < reports[i-1].Done {
			t.Fatalf("report %d: %+v after %+v", i, p, reports[max(i-1, 0)])
		}
	}
	if last := reports[len(reports)-1]; last.Done != last.Total {
		t.Errorf("last report %+v, want done == total", last)
	}
}

// TestLoadVirtual reads shorelines through a GDAL virtual path, recording the SHA-256 of
// the compressed file that holds them.
func TestLoadVirtual(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(dir, "s.geojson")
	writeFeatures(t, plain, dated("2000-01-01", coastLine(0)), dated("2010-01-01", coastLine(10)))
	b, err := os.ReadFile(plain)
	if err != nil {
		t.Fatal(err)
	}
	gz := filepath.Join(dir, "s.geojson.gz")
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	writeFile(t, gz, buf.String())
	r, got := load(t, baseConfig("/vsigzip/"+gz))
	if strings.Join(got, " ") != "2000-01-01:1 2010-01-01:1" {
		t.Errorf("shorelines %v", got)
	}
	sum := sha256.Sum256(buf.Bytes())
	if len(r.Files) != 1 || r.Files[0].Path != "/vsigzip/"+gz || r.Files[0].SHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("files %+v, want the .gz file's SHA-256", r.Files)
	}
}
