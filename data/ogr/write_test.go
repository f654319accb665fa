package ogr

import (
	"context"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/tasi-gis/tasi/vector/utm"
)

var transectFields = []FieldDef{
	{"transect", String},
	{"unit", Integer},
	{"epr", Real},
	{"lrr", Real},
	{"first", Date},
	{"computed", DateTime},
}

// TestRoundTrip writes a GeoPackage with a UTM line layer, a WGS84 point layer without
// spatial index and an attribute table, reads it back with Read and compares.
func TestRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "result.gpkg")
	g, err := CreateGeoPackage(path)
	if err != nil {
		t.Fatal(err)
	}
	zone := utm.Zone{Number: 51, South: true}
	lines, err := g.CreateLayer("transects", zone.EPSG(), MultiLineString, transectFields,
		WithDescription("for information only, not official"))
	if err != nil {
		t.Fatal(err)
	}
	points, err := g.CreateLayer("sites", 4326, Point, []FieldDef{{"name", String}}, WithoutSpatialIndex())
	if err != nil {
		t.Fatal(err)
	}
	table, err := g.CreateLayer("summary", 0, None, []FieldDef{{"pcode", String}, {"n", Integer}, {"mean", Real}})
	if err != nil {
		t.Fatal(err)
	}

	lonlat := []orb.LineString{
		{{125.57, -8.55}, {125.571, -8.549}},
		{{124.36, -9.2}, {124.361, -9.199}, {124.362, -9.2}},
	}
	wita := time.FixedZone("WITA", 8*3600)
	computed := time.Date(2025, 11, 22, 9, 30, 15, 123_000_000, wita)
	// a LineString in a MultiLineString layer is promoted
	if err := lines.Write(project(lonlat[0], zone), "T1", 3, -1.5, math.NaN(),
		time.Date(1988, 6, 30, 0, 0, 0, 0, time.UTC), computed); err != nil {
		t.Fatal(err)
	}
	if err := lines.Write(orb.MultiLineString{project(lonlat[1], zone)}, "T2 ünï", int64(-7), float32(2.5), 0.25,
		time.Time{}, nil); err != nil {
		t.Fatal(err)
	}
	if err := lines.Write(nil, nil, nil, nil, nil, nil, nil); err != nil { // all NULL
		t.Fatal(err)
	}
	for name, p := range sites {
		if err := points.Write(p, name); err != nil {
			t.Fatal(err)
		}
	}
	if err := table.Write(nil, "TL030315", uint8(12), 3); err != nil {
		t.Fatal(err)
	}
	if lines.Count() != 3 || points.Count() != 3 || table.Count() != 1 {
		t.Errorf("counts %d %d %d", lines.Count(), points.Count(), table.Count())
	}
	if err := g.Close(); err != nil {
		t.Fatal(err)
	}
	if err := g.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}

	layers, err := Read(context.Background(), path, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(layerNames(layers), ","); got != "transects,sites,summary" {
		t.Fatalf("layers %s", got)
	}
	tr := layers[0]
	if tr.SourceSRS != "EPSG:32751" {
		t.Errorf("SourceSRS %q", tr.SourceSRS)
	}
	if got := strings.Join(tr.Fields, ","); got != "transect,unit,epr,lrr,first,computed" {
		t.Errorf("fields %s", got)
	}
	if len(tr.Features) != 3 {
		t.Fatalf("%d transects", len(tr.Features))
	}
	for i, ls := range lonlat {
		f := tr.Features[i]
		if f.FID != int64(i+1) {
			t.Errorf("FID %d, want %d", f.FID, i+1)
		}
		mls, ok := f.Geometry.(orb.MultiLineString)
		if !ok || len(mls) != 1 || len(mls[0]) != len(ls) {
			t.Fatalf("transect %d: %#v", i, f.Geometry)
		}
		// vector/utm forward, GDAL/PROJ inverse: agree to a millimetre (1e-8°)
		for k, p := range mls[0] {
			if !near(p, ls[k], 1e-8) {
				t.Errorf("transect %d point %d: %v, want %v", i, k, p, ls[k])
			}
		}
	}
	checkFields(t, tr.Features[0], map[string]any{
		"transect": "T1", "unit": int64(3), "epr": -1.5,
		"first":    time.Date(1988, 6, 30, 0, 0, 0, 0, time.UTC),
		"computed": computed,
	})
	if c := tr.Features[0].Fields["computed"].(time.Time); c.Location() != time.UTC {
		t.Errorf("DateTime read in %v, want UTC", c.Location())
	}
	checkFields(t, tr.Features[1], map[string]any{"transect": "T2 ünï", "unit": int64(-7), "epr": 2.5, "lrr": 0.25})
	checkFields(t, tr.Features[2], map[string]any{})
	if tr.Features[2].Geometry != nil {
		t.Errorf("NULL geometry read as %v", tr.Features[2].Geometry)
	}

	st := layers[1]
	if st.SourceSRS != "EPSG:4326" || len(st.Features) != 3 {
		t.Fatalf("sites: %q, %d features", st.SourceSRS, len(st.Features))
	}
	for _, f := range st.Features {
		name := f.Fields["name"].(string)
		if p := f.Geometry.(orb.Point); p != sites[name] { // no transformation: exact
			t.Errorf("%s at %v, want %v", name, p, sites[name])
		}
	}
	sum := layers[2]
	if sum.SourceSRS != "" || len(sum.Features) != 1 {
		t.Fatalf("summary: %q, %d features", sum.SourceSRS, len(sum.Features))
	}
	checkFields(t, sum.Features[0], map[string]any{"pcode": "TL030315", "n": int64(12), "mean": 3.0})

	checkOgrinfo(t, path)
}

func project(ls orb.LineString, z utm.Zone) orb.LineString {
	out := make(orb.LineString, len(ls))
	for i, p := range ls {
		out[i] = z.Forward(p)
	}
	return out
}

// checkOgrinfo opens the file with GDAL's ogrinfo, when it is installed, and checks
// the GeoPackage tables it reports.
func checkOgrinfo(t *testing.T, path string) {
	t.Helper()
	bin, err := exec.LookPath("ogrinfo")
	if err != nil {
		t.Log("ogrinfo not installed: not checked")
		return
	}
	out, err := exec.Command(bin, "-so", "-al", path).CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo -so: %v\n%s", err, out)
	}
	for _, want := range []string{
		"using driver `GPKG' successful",
		"Layer name: transects", "Geometry: Multi Line String", "Feature Count: 3",
		"Layer name: sites", "Geometry: Point",
		"Layer name: summary", "Geometry: None",
		"DESCRIPTION=for information only, not official",
		"transect: String", "unit: Integer64", "epr: Real", "first: Date", "computed: DateTime",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("ogrinfo -so does not show %q:\n%s", want, out)
		}
	}
	// The spatial index exists where asked for, and the file passes SQLite's checks.
	sql := "SELECT HasSpatialIndex('transects', 'geom') AS t, HasSpatialIndex('sites', 'geom') AS s, " +
		"(SELECT integrity_check FROM pragma_integrity_check) AS ok"
	out, err = exec.Command(bin, "-q", path, "-sql", sql).CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo -sql: %v\n%s", err, out)
	}
	for _, want := range []string{"t (Integer) = 1", "s (Integer) = 0", "ok (String) = ok"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("ogrinfo -sql does not show %q:\n%s", want, out)
		}
	}
}

func TestCreateGeoPackageExists(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.gpkg")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := CreateGeoPackage(path); !errors.Is(err, os.ErrExist) || !strings.Contains(err.Error(), path) {
		t.Errorf("err = %v, want ErrExist naming the file", err)
	}
}

func TestCreateLayerErrors(t *testing.T) {
	g, err := CreateGeoPackage(filepath.Join(t.TempDir(), "x.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if _, err := g.CreateLayer("a", 32751, Point, nil); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		layer  string
		epsg   int
		kind   GeometryKind
		fields []FieldDef
		msg    string
	}{
		{"duplicate layer", "A", 32751, Point, nil, "layer exists"},
		{"empty name", "", 32751, Point, nil, "empty layer name"},
		{"duplicate field", "b", 32751, Point, []FieldDef{{"x", Real}, {"X", Real}}, `field "X"`},
		{"field named fid", "b", 32751, Point, []FieldDef{{"FID", Integer}}, `field "FID"`},
		{"field named geom", "b", 32751, Point, []FieldDef{{"geom", Integer}}, `field "geom"`},
		{"bad field type", "b", 32751, Point, []FieldDef{{"x", FieldType(42)}}, "unknown type"},
		{"bad kind", "b", 32751, GeometryKind(42), nil, "unknown geometry kind"},
		{"unknown EPSG", "b", 999999, Point, nil, "crs not found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := g.CreateLayer(tc.layer, tc.epsg, tc.kind, tc.fields)
			if err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("err = %v, want %q", err, tc.msg)
			}
		})
	}
	// geom is a fine field name in a table without geometry
	if _, err := g.CreateLayer("t", 0, None, []FieldDef{{"geom", String}}); err != nil {
		t.Error(err)
	}
}

func TestWriteErrors(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.gpkg")
	g, err := CreateGeoPackage(path)
	if err != nil {
		t.Fatal(err)
	}
	pts, err := g.CreateLayer("pts", 32751, Point, []FieldDef{{"s", String}, {"i", Integer}, {"r", Real}, {"d", Date}})
	if err != nil {
		t.Fatal(err)
	}
	tab, err := g.CreateLayer("tab", 0, None, nil)
	if err != nil {
		t.Fatal(err)
	}
	ml, err := g.CreateLayer("ml", 32751, MultiLineString, nil)
	if err != nil {
		t.Fatal(err)
	}
	p := orb.Point{780000, 9050000}
	tests := []struct {
		name string
		w    *LayerWriter
		geom orb.Geometry
		vals []any
		msg  string
	}{
		{"too few values", pts, p, []any{"a"}, "1 values for 4 fields"},
		{"string for integer", pts, p, []any{"a", "1", 1.0, nil}, `field "i": want an integer for a Integer field, got string`},
		{"int for string", pts, p, []any{1, 1, 1.0, nil}, `field "s"`},
		{"string for real", pts, p, []any{"a", 1, "1.0", nil}, `field "r"`},
		{"string for date", pts, p, []any{"a", 1, 1.0, "2020-01-01"}, `field "d"`},
		{"uint64 overflow", pts, p, []any{"a", uint64(math.MaxUint64), 1.0, nil}, "overflows"},
		{"polygon in point layer", pts, orb.Polygon{{{0, 0}, {1, 0}, {0, 1}, {0, 0}}}, []any{"a", 1, 1.0, nil}, "geometry Polygon in a POINT layer"},
		{"point in multiline layer", ml, p, nil, "geometry Point in a MULTILINESTRING layer"},
		{"geometry in table", tab, p, nil, "layer without geometry"},
		{"bound", pts, orb.Bound{}, []any{"a", 1, 1.0, nil}, "geometry Bound in a POINT layer"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.w.Write(tc.geom, tc.vals...)
			if err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("err = %v, want %q", err, tc.msg)
			}
			if err != nil && !strings.Contains(err.Error(), path) {
				t.Errorf("err %q does not name the file", err)
			}
		})
	}
	// the layer is still usable after bad writes, which wrote nothing
	if err := pts.Write(p, "ok", 1, 2.0, time.Now()); err != nil {
		t.Fatal(err)
	}
	if pts.Count() != 1 {
		t.Errorf("Count = %d, want 1", pts.Count())
	}
	if err := g.Close(); err != nil {
		t.Fatal(err)
	}
	if err := pts.Write(p, "late", 1, 2.0, nil); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Errorf("write after Close: %v", err)
	}
	if _, err := g.CreateLayer("late", 4326, Point, nil); err == nil {
		t.Error("CreateLayer after Close succeeded")
	}
	l := readOne(t, path, ReadOptions{Layer: "pts"})
	if len(l.Features) != 1 || l.Features[0].Fields["s"] != "ok" {
		t.Errorf("read back %+v", l.Features)
	}
}

func TestAppendWKB(t *testing.T) {
	geoms := []orb.Geometry{
		orb.Point{1, 2},
		orb.MultiPoint{{1, 2}, {3, 4}},
		orb.LineString{{1, 2}, {3, 4}},
		orb.MultiLineString{{{1, 2}, {3, 4}}, {{5, 6}, {7, 8}}},
		orb.Polygon{{{0, 0}, {1, 0}, {0, 1}, {0, 0}}},
		orb.MultiPolygon{{{{0, 0}, {1, 0}, {0, 1}, {0, 0}}}, {{{5, 5}, {6, 5}, {5, 6}, {5, 5}}}},
		orb.Collection{orb.Point{1, 2}, orb.LineString{{1, 2}, {3, 4}}},
		orb.LineString{},
	}
	for _, g := range geoms {
		b, err := appendWKB(nil, g)
		if err != nil {
			t.Fatal(err)
		}
		want, err := orbWKB(g)
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != string(want) {
			t.Errorf("%T: got %x, want %x", g, b, want)
		}
	}
	// promotion to a one-member multi-geometry
	for _, tc := range []struct{ single, multi orb.Geometry }{
		{orb.Point{1, 2}, orb.MultiPoint{{1, 2}}},
		{orb.LineString{{1, 2}, {3, 4}}, orb.MultiLineString{{{1, 2}, {3, 4}}}},
		{orb.Polygon{{{0, 0}, {1, 0}, {0, 1}, {0, 0}}}, orb.MultiPolygon{{{{0, 0}, {1, 0}, {0, 1}, {0, 0}}}}},
	} {
		b, err := appendMulti(nil, tc.single)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := orbWKB(tc.multi)
		if string(b) != string(want) {
			t.Errorf("%T promoted: got %x, want %x", tc.single, b, want)
		}
	}
	if _, err := appendWKB(nil, orb.Bound{}); err == nil {
		t.Error("Bound encoded")
	}
}

func TestWriteAllocs(t *testing.T) {
	g, err := CreateGeoPackage(filepath.Join(t.TempDir(), "x.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	w, err := g.CreateLayer("pts", 32751, Point, benchPointFields, WithoutSpatialIndex())
	if err != nil {
		t.Fatal(err)
	}
	d := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	i := 0
	allocs := testing.AllocsPerRun(1000, func() {
		i++
		if err := w.Write(orb.Point{780000 + float64(i), 9050000}, i/35, i%35, d, float64(i)*0.01); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 0 {
		t.Errorf("%.1f allocations per point written, want 0", allocs)
	}
}

func orbWKB(g orb.Geometry) ([]byte, error) { return wkb.Marshal(g, binary.LittleEndian) }
