package ogr

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"image"
	"image/png"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/vector/utm"
)

// sites are the points of testdata/crs84.geojson, from which the other site fixtures
// were made with ogr2ogr (see testdata/README.md).
var sites = map[string]orb.Point{
	"Dili":           {125.57, -8.55},
	"Pante Macassar": {124.36, -9.2},
	"Beloi, Atauro":  {125.6, -8.25},
}

// readOne reads path and returns its only (or named) layer.
func readOne(t *testing.T, path string, opt ReadOptions) Layer {
	t.Helper()
	layers, err := Read(context.Background(), path, opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(layers) != 1 {
		t.Fatalf("%s: %d layers, want 1", path, len(layers))
	}
	return layers[0]
}

func near(a, b orb.Point, tol float64) bool {
	return math.Abs(a[0]-b[0]) <= tol && math.Abs(a[1]-b[1]) <= tol
}

// TestReadAxisOrder reads the same three points from files whose CRS and axis order
// differ, and expects them all as {lon, lat}.
func TestReadAxisOrder(t *testing.T) {
	tests := []struct {
		file    string
		opt     ReadOptions
		srs     string
		nameKey string
		tol     float64 // degrees
	}{
		{"crs84.geojson", ReadOptions{}, "EPSG:4326", "name", 0},                       // GeoJSON without "crs": CRS84
		{"epsg4326.gpkg", ReadOptions{Layer: "sites"}, "EPSG:4326", "name", 0},         // EPSG:4326 is lat/lon in the EPSG database
		{"latlon.gml", ReadOptions{}, "EPSG:4326", "name", 0},                          // lat/lon order in the file itself
		{"sites.kml", ReadOptions{}, "EPSG:4326", "Name", 0},                           // KML is lon/lat by definition
		{"utm51s.fgb", ReadOptions{}, "EPSG:32751", "name", 1e-9},                      // projected
		{"sites_shp/sites.shp", ReadOptions{}, "EPSG:32751", "name", 1e-9},             // .prj side-car
		{"sites_wkt.csv", ReadOptions{AssumeSRS: "EPSG:4326"}, "EPSG:4326", "name", 0}, // WKT column, CRS given
		{"sites_lonlat.csv", ReadOptions{AssumeSRS: "EPSG:4326"}, "EPSG:4326", "name", 0},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			l := readOne(t, filepath.Join("testdata", tc.file), tc.opt)
			if l.SourceSRS != tc.srs {
				t.Errorf("SourceSRS = %q, want %q", l.SourceSRS, tc.srs)
			}
			found := 0
			for _, f := range l.Features {
				name, _ := f.Fields[tc.nameKey].(string)
				want, ok := sites[name]
				if !ok {
					continue
				}
				found++
				p, ok := f.Geometry.(orb.Point)
				if !ok {
					t.Errorf("%s: geometry %T, want orb.Point", name, f.Geometry)
					continue
				}
				if !near(p, want, tc.tol+1e-12) {
					t.Errorf("%s: got %v, want %v", name, p, want)
				}
			}
			if found == 0 {
				t.Errorf("no known site among %d features", len(l.Features))
			}
		})
	}
}

// TestReadProjected reads lines and a polygon in GDA94 / MGA zone 56 (EPSG:28356),
// made with ogr2ogr from testdata/transects_lonlat.geojson, and compares them with the
// lon/lat source. GDA94 and WGS84 differ by less than a metre and PROJ treats them as
// the same (EPSG:1150).
func TestReadProjected(t *testing.T) {
	l := readOne(t, "testdata/epsg28356.geojson", ReadOptions{})
	if l.SourceSRS != "EPSG:28356" {
		t.Errorf("SourceSRS = %q, want EPSG:28356", l.SourceSRS)
	}
	src := readOne(t, "testdata/transects_lonlat.geojson", ReadOptions{})
	if len(l.Features) != len(src.Features) || len(l.Features) != 3 {
		t.Fatalf("%d and %d features, want 3", len(l.Features), len(src.Features))
	}
	for i, f := range l.Features {
		want := src.Features[i]
		if f.Fields["name"] != want.Fields["name"] {
			t.Errorf("feature %d: name %v, want %v", i, f.Fields["name"], want.Fields["name"])
		}
		got, exp := pointsOf(f.Geometry), pointsOf(want.Geometry)
		if len(got) != len(exp) {
			t.Fatalf("%v: %d points, want %d", f.Fields["name"], len(got), len(exp))
		}
		for k := range got {
			// 1e-8° is about 1 mm; the fixture keeps 0.1 mm.
			if !near(got[k], exp[k], 1e-8) {
				t.Errorf("%v point %d: got %v, want %v", f.Fields["name"], k, got[k], exp[k])
			}
		}
	}
	if _, ok := l.Features[2].Geometry.(orb.Polygon); !ok {
		t.Errorf("P1 is %T, want orb.Polygon", l.Features[2].Geometry)
	}
}

// TestReadKeepCRS checks that KeepCRS hands out the file's own coordinates, exactly as
// stored, with the CRS they are in.
func TestReadKeepCRS(t *testing.T) {
	l := readOne(t, "testdata/epsg28356.geojson", ReadOptions{KeepCRS: true})
	if l.SourceSRS != "EPSG:28356" {
		t.Errorf("SourceSRS = %q, want EPSG:28356", l.SourceSRS)
	}
	want := orb.LineString{{342515.239, 6267536.727}, {342777.0717, 6267396.8384}} // T1 in the file
	if got, ok := l.Features[0].Geometry.(orb.LineString); !ok || !orb.Equal(got, want) {
		t.Errorf("T1 = %v, want %v", l.Features[0].Geometry, want)
	}
}

// pointsOf lists the vertices of a LineString or Polygon.
func pointsOf(g orb.Geometry) []orb.Point {
	switch g := g.(type) {
	case orb.LineString:
		return g
	case orb.Polygon:
		var ps []orb.Point
		for _, r := range g {
			ps = append(ps, r...)
		}
		return ps
	}
	return nil
}

// TestReadProjectedIndependent checks GDAL's inverse projection against vector/utm:
// MGA zone 56 is UTM zone 56S on the GRS80 ellipsoid, which differs from WGS84's by
// less than a tenth of a millimetre here.
func TestReadProjectedIndependent(t *testing.T) {
	l := readOne(t, "testdata/epsg28356.geojson", ReadOptions{})
	z := utm.Zone{Number: 56, South: true}
	// the first vertex of T1 in the file
	want := z.Inverse(orb.Point{342515.239, 6267536.727})
	got := l.Features[0].Geometry.(orb.LineString)[0]
	if !near(got, want, 1e-9) {
		t.Errorf("GDAL gives %v, vector/utm %v", got, want)
	}
}

func TestReadFields(t *testing.T) {
	for _, file := range []string{"crs84.geojson", "epsg4326.gpkg"} {
		t.Run(file, func(t *testing.T) {
			l := readOne(t, filepath.Join("testdata", file), ReadOptions{Layer: "sites"})
			wantFields := []string{"name", "pcode", "n", "rate", "note", "surveyed", "updated", "coastal"}
			if strings.Join(l.Fields, ",") != strings.Join(wantFields, ",") {
				t.Errorf("Fields = %v, want %v", l.Fields, wantFields)
			}
			if len(l.Features) != 4 {
				t.Fatalf("%d features, want 4", len(l.Features))
			}
			dili := l.Features[0]
			want := map[string]any{
				"name":     "Dili",
				"pcode":    "TL0701",
				"n":        int64(277279),
				"rate":     -1.25,
				"surveyed": time.Date(2020, 9, 11, 0, 0, 0, 0, time.UTC),
				"updated":  time.Date(2021, 3, 4, 5, 6, 7, 0, time.UTC),
				"coastal":  true,
			}
			checkFields(t, dili, want)
			if dili.FID != 1 {
				t.Errorf("Dili FID = %d, want 1", dili.FID)
			}
			checkFields(t, l.Features[1], map[string]any{
				"name": "Pante Macassar", "pcode": "TL1201", "n": int64(8000000000), "rate": 0.5,
				"note": "Oecussi", "surveyed": time.Date(2019, 1, 31, 0, 0, 0, 0, time.UTC), "coastal": false,
			})
			// "note": "" is a value, "coastal" is absent, "surveyed" is null
			checkFields(t, l.Features[2], map[string]any{
				"name": "Beloi, Atauro", "pcode": "TL0101", "n": int64(0), "rate": 0.0, "note": "",
				"updated": time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC),
			})
			nogeom := l.Features[3]
			if nogeom.Geometry != nil {
				t.Errorf("feature without geometry has %v", nogeom.Geometry)
			}
			if nogeom.Fields["note"] != "ünïcødé ✓" {
				t.Errorf("note = %q", nogeom.Fields["note"])
			}
		})
	}
}

// checkFields compares f.Fields with want exactly: same keys, same values and types.
func checkFields(t *testing.T, f Feature, want map[string]any) {
	t.Helper()
	for k, w := range want {
		got, ok := f.Fields[k]
		if !ok {
			t.Errorf("feature %d: field %q missing", f.FID, k)
			continue
		}
		if wt, ok := w.(time.Time); ok {
			if gt, ok := got.(time.Time); !ok || !gt.Equal(wt) {
				t.Errorf("feature %d: %s = %v (%T), want %v", f.FID, k, got, got, w)
			}
			continue
		}
		if got != w {
			t.Errorf("feature %d: %s = %v (%T), want %v (%T)", f.FID, k, got, got, w, w)
		}
	}
	for k, v := range f.Fields {
		if _, ok := want[k]; !ok {
			t.Errorf("feature %d: unexpected field %s = %v (null and absent fields must not be in the map)", f.FID, k, v)
		}
	}
}

func TestReadLayers(t *testing.T) {
	layers, err := Read(context.Background(), "testdata/epsg4326.gpkg", ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(layers) != 2 || layers[0].Name != "sites" || layers[1].Name != "attrs" {
		t.Fatalf("layers %v", layerNames(layers))
	}
	attrs := layers[1]
	if attrs.SourceSRS != "" || len(attrs.Features) != 4 || attrs.Features[0].Geometry != nil {
		t.Errorf("attribute table: SourceSRS %q, %d features", attrs.SourceSRS, len(attrs.Features))
	}
	if attrs.Path != "testdata/epsg4326.gpkg" {
		t.Errorf("Path = %q", attrs.Path)
	}
	l := readOne(t, "testdata/epsg4326.gpkg", ReadOptions{Layer: "attrs"})
	if l.Name != "attrs" {
		t.Errorf("got layer %q", l.Name)
	}
	_, err = Read(context.Background(), "testdata/epsg4326.gpkg", ReadOptions{Layer: "nope"})
	if err == nil || !strings.Contains(err.Error(), `no layer "nope"`) || !strings.Contains(err.Error(), "sites, attrs") {
		t.Errorf("unknown layer: %v", err)
	}
}

func layerNames(ls []Layer) []string {
	var s []string
	for _, l := range ls {
		s = append(s, l.Name)
	}
	return s
}

func TestReadErrors(t *testing.T) {
	dir := t.TempDir()
	pngPath := filepath.Join(dir, "picture.png")
	f, err := os.Create(pngPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, image.NewGray(image.Rect(0, 0, 4, 4))); err != nil {
		t.Fatal(err)
	}
	f.Close()
	garbage := filepath.Join(dir, "broken.gpkg")
	if err := os.WriteFile(garbage, []byte("SQLite format 3\x00 but not really"), 0o644); err != nil {
		t.Fatal(err)
	}
	badJSON := filepath.Join(dir, "broken.geojson")
	if err := os.WriteFile(badJSON, []byte(`{"type": "FeatureCollection", "features": [ {"type": "Feature", `), 0o644); err != nil {
		t.Fatal(err)
	}
	// A point far outside any CRS's domain: PROJ cannot transform it.
	farAway := filepath.Join(dir, "far.geojson")
	if err := os.WriteFile(farAway, []byte(`{"type": "FeatureCollection",
"crs": { "type": "name", "properties": { "name": "urn:ogc:def:crs:EPSG::28356" } },
"features": [
{"type": "Feature", "id": 7, "properties": {}, "geometry": {"type": "Point", "coordinates": [342880, 6269180]}},
{"type": "Feature", "id": 8, "properties": {}, "geometry": {"type": "Point", "coordinates": [1e30, 1e30]}}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	badLat := filepath.Join(dir, "badlat.geojson")
	if err := os.WriteFile(badLat, []byte(`{"type": "FeatureCollection", "features": [
{"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [125.5, 95]}}]}`), 0o644); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		path string
		opt  ReadOptions
		is   error
		msgs []string // substrings of the message
	}{
		{"missing", filepath.Join(dir, "nope.geojson"), ReadOptions{}, fs.ErrNotExist, []string{"nope.geojson"}},
		{"png", pngPath, ReadOptions{}, ErrNotVector, []string{"picture.png"}},
		{"garbage gpkg", garbage, ReadOptions{}, ErrNotVector, []string{"broken.gpkg"}},
		{"truncated geojson", badJSON, ReadOptions{}, ErrNotVector, []string{"broken.geojson"}},
		{"directory", dir, ReadOptions{}, nil, []string{"is a directory"}},
		{"shapefile without .prj", "testdata/noprj/sites.shp", ReadOptions{}, ErrNoCRS, []string{"noprj/sites.shp", `layer "sites"`, ".prj"}},
		{"csv without CRS", "testdata/sites_wkt.csv", ReadOptions{}, ErrNoCRS, []string{"sites_wkt.csv"}},
		{"bad assumed CRS", "testdata/sites_wkt.csv", ReadOptions{AssumeSRS: "EPSG:999999"}, nil, []string{"EPSG:999999"}},
		{"transform fails", farAway, ReadOptions{}, nil, []string{"far.geojson", "feature 8", "EPSG:28356", "WGS 84"}},
		{"latitude beyond 90", badLat, ReadOptions{}, nil, []string{"badlat.geojson", "feature 0", "latitude"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read(context.Background(), tc.path, tc.opt)
			if err == nil {
				t.Fatal("no error")
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %q is not %v", err, tc.is)
			}
			for _, m := range tc.msgs {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("error %q does not mention %q", err, m)
				}
			}
			t.Log(err)
		})
	}
}

// TestReadAssumeSRS reads the Shapefile without .prj with the CRS given.
func TestReadAssumeSRS(t *testing.T) {
	l := readOne(t, "testdata/noprj/sites.shp", ReadOptions{AssumeSRS: "EPSG:32751"})
	if l.SourceSRS != "EPSG:32751" || len(l.Features) != 4 {
		t.Fatalf("SourceSRS %q, %d features", l.SourceSRS, len(l.Features))
	}
	p := l.Features[0].Geometry.(orb.Point)
	if !near(p, sites["Dili"], 1e-9) {
		t.Errorf("Dili at %v", p)
	}
	// the shapefile keeps the feature without geometry, and FIDs count from 0
	if l.Features[3].Geometry != nil || l.Features[0].FID != 0 {
		t.Errorf("feature 3 geometry %v, first FID %d", l.Features[3].Geometry, l.Features[0].FID)
	}
}

func TestReadCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Read(ctx, "testdata/crs84.geojson", ReadOptions{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestIsVectorFile(t *testing.T) {
	for path, want := range map[string]bool{
		"a.geojson": true, "b.GeoJSON": true, "c.json": true, "d.gpkg": true, "e.shp": true,
		"f.kml": true, "g.fgb": true, "h.gml": true, "i.csv": true, "dir/j.SHP": true,
		"k.shp.zip": true, "l.kmz": true,
		"m.dbf": false, "n.shx": false, "o.prj": false, "p.png": false, "q.tif": false,
		"r.zip": false, "s": false, "t.xsd": false, "u.cpg": false,
	} {
		if got := IsVectorFile(path); got != want {
			t.Errorf("IsVectorFile(%q) = %v, want %v", path, got, want)
		}
	}
}

func TestGodalLayout(t *testing.T) {
	if err := checkGodalLayout(); err != nil {
		t.Fatal(err)
	}
}

// TestReadConcurrent reads files with and without reprojection from several
// goroutines at once (run with -race).
func TestReadConcurrent(t *testing.T) {
	files := []string{"testdata/epsg28356.geojson", "testdata/epsg4326.gpkg", "testdata/utm51s.fgb", "testdata/latlon.gml"}
	want := make([][]Layer, len(files))
	for i, f := range files {
		var err error
		if want[i], err = Read(context.Background(), f, ReadOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	errs := make(chan error, 8*len(files))
	for range 8 {
		for i, f := range files {
			go func() {
				got, err := Read(context.Background(), f, ReadOptions{})
				if err == nil && (len(got) != len(want[i]) || !orb.Equal(got[0].Features[0].Geometry, want[i][0].Features[0].Geometry)) {
					err = errors.New(f + ": different result")
				}
				errs <- err
			}()
		}
	}
	for range 8 * len(files) {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// TestLayers describes layers without reading features: names, geometry kinds, fields and
// counts, for a multi-layer GeoPackage, a GeoJSON and a CSV with lon/lat columns.
func TestLayers(t *testing.T) {
	tests := []struct {
		path string
		want []LayerInfo
	}{
		{"testdata/epsg4326.gpkg", []LayerInfo{
			{Name: "sites", Geometry: Point, Features: 4},
			{Name: "attrs", Geometry: None, Fields: []string{"name", "pcode", "n"}, Features: 4},
		}},
		{"testdata/transects_lonlat.geojson", []LayerInfo{{Name: "transects", Geometry: AnyGeometry, Features: 3}}},
		{"testdata/sites_lonlat.csv", []LayerInfo{{Name: "sites_lonlat", Geometry: Point, Features: -2}}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			got, err := Layers(tt.path)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("%d layers, want %d: %+v", len(got), len(tt.want), got)
			}
			for i, w := range tt.want {
				g := got[i]
				if g.Name != w.Name || g.Geometry != w.Geometry {
					t.Errorf("layer %d = %s %v, want %s %v", i, g.Name, g.Geometry, w.Name, w.Geometry)
				}
				if w.Fields != nil && strings.Join(g.Fields, ",") != strings.Join(w.Fields, ",") {
					t.Errorf("layer %s fields %v, want %v", g.Name, g.Fields, w.Fields)
				}
				if w.Features != -2 && g.Features != w.Features {
					t.Errorf("layer %s: %d features, want %d", g.Name, g.Features, w.Features)
				}
			}
		})
	}
}

// TestReadVirtual reads through GDAL's virtual file systems, which a local-file check
// used to refuse.
func TestReadVirtual(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile("testdata/crs84.geojson")
	if err != nil {
		t.Fatal(err)
	}
	gz := filepath.Join(dir, "crs84.geojson.gz")
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(src)
	zw.Close()
	if err := os.WriteFile(gz, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	plain := readOne(t, "testdata/crs84.geojson", ReadOptions{})
	virtual := readOne(t, "/vsigzip/"+gz, ReadOptions{})
	if len(virtual.Features) != len(plain.Features) || len(plain.Features) == 0 {
		t.Fatalf("/vsigzip/ read %d features, the file itself %d", len(virtual.Features), len(plain.Features))
	}
	if _, err := Read(context.Background(), "/vsigzip/"+filepath.Join(dir, "absent.gz"), ReadOptions{}); err == nil {
		t.Error("a missing virtual file read without error")
	}
}

// TestReadNonFinite: a NaN coordinate fails the read by default, and comes through as it
// is with KeepNonFinite, for a caller that drops the bad part and keeps the rest.
func TestReadNonFinite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nan.geojson")
	body := `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"date":"2019-02-30"},"geometry":{"type":"MultiLineString","coordinates":[[[125.0,-8.5],[125.01,-8.5]],[[125.02,-8.5],[NaN,-8.5]]]}}]}`
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(context.Background(), path, ReadOptions{}); err == nil || !strings.Contains(err.Error(), "not finite") {
		t.Errorf("default read: %v, want a not-finite error", err)
	}
	l := readOne(t, path, ReadOptions{KeepNonFinite: true})
	ml, ok := l.Features[0].Geometry.(orb.MultiLineString)
	if !ok || len(ml) != 2 || ml[0][1] != (orb.Point{125.01, -8.5}) || !math.IsNaN(ml[1][1][0]) {
		t.Errorf("geometry %v, want the two parts with the NaN kept", l.Features[0].Geometry)
	}
	// GDAL takes 2019-02-30 for a date; it must not come out as 2 March.
	if v := l.Features[0].Fields["date"]; v != "2019/02/30" {
		t.Errorf("date field = %#v, want the impossible date as text", v)
	}
}
