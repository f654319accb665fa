package gpkg

import (
	"context"
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/data/ogr"
)

// near reports whether a and b are within tol metres.
func near(a, b orb.Point, tol float64) bool {
	return math.Hypot(a[0]-b[0], a[1]-b[1]) <= tol
}

// same reports whether two statistics are equal, NaN equal to NaN.
func same(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }

func TestReadRoundTrip(t *testing.T) {
	res := straightRun(t)
	// A transect outside every unit and a statistic that is undefined must survive too.
	res.Transects[0].Unit = -1
	res.Transects[1].Stats.WCI = math.NaN()
	// A unit with a parent but no region: the absent region must come back empty.
	res.Units[0].Unit.ParentCode, res.Units[0].Unit.ParentName = "TL9999", "Posto"
	res.Units[0].Unit.RegionCode, res.Units[0].Unit.RegionName = "", ""
	// A point shoreline (CoastSeg) among the lines, and a satellite name, come back in place.
	res.Shorelines[2].Points = orb.MultiPoint(res.Shorelines[2].Geometry[0])
	res.Shorelines[2].Geometry = nil
	res.Shorelines[1].Satellite = "L8"
	path := filepath.Join(t.TempDir(), "results.gpkg")
	prov := analysis.Provenance{
		Version: "test", Started: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Finished: time.Date(2026, 1, 2, 3, 4, 6, 0, time.UTC),
		Parameters: map[string]string{"spacing": "50"},
		Inputs:     []analysis.InputFile{{Role: "shorelines", Path: "s.geojson", SHA256: "abc"}},
	}
	if err := Write(context.Background(), path, res, prov); err != nil {
		t.Fatal(err)
	}
	got, gotProv, err := Read(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(gotProv, prov) {
		t.Errorf("provenance %+v, want %+v", gotProv, prov)
	}
	if got.Zone != res.Zone {
		t.Errorf("zone %v, want %v", got.Zone, res.Zone)
	}
	// Positions go UTM → lon/lat (PROJ) → UTM (Krüger series): nanometres apart.
	const tol = 1e-6
	if len(got.Shorelines) != 5 || len(got.Shorelines) != len(res.Shorelines) {
		t.Fatalf("%d shorelines, want %d", len(got.Shorelines), len(res.Shorelines))
	}
	for i, s := range got.Shorelines {
		w := res.Shorelines[i]
		if !s.Date.Equal(w.Date) || s.Uncertainty != w.Uncertainty || s.Source != w.Source || s.Satellite != w.Satellite ||
			len(s.Geometry) != len(w.Geometry) || len(s.Points) != len(w.Points) {
			t.Errorf("shoreline %d: %v %v %q %q %d lines %d points, want %v %v %q %q %d %d", i, s.Date, s.Uncertainty, s.Source, s.Satellite,
				len(s.Geometry), len(s.Points), w.Date, w.Uncertainty, w.Source, w.Satellite, len(w.Geometry), len(w.Points))
			continue
		}
		for j := range s.Points {
			if !near(s.Points[j], w.Points[j], tol) {
				t.Errorf("shoreline %d point %d at %v, want %v", i, j, s.Points[j], w.Points[j])
			}
		}
		if len(s.Geometry) == 0 {
			continue
		}
		for j := range s.Geometry[0] {
			if !near(s.Geometry[0][j], w.Geometry[0][j], tol) {
				t.Errorf("shoreline %d vertex %d at %v, want %v", i, j, s.Geometry[0][j], w.Geometry[0][j])
			}
		}
	}
	if len(got.Baseline) != len(res.Baseline) || !near(got.Baseline[0][0], res.Baseline[0][0], tol) {
		t.Errorf("baseline %v, want %v", got.Baseline, res.Baseline)
	}
	if len(got.Transects) != len(res.Transects) {
		t.Fatalf("%d transects, want %d", len(got.Transects), len(res.Transects))
	}
	for i, tr := range got.Transects {
		w := res.Transects[i]
		if tr.Label != w.Label || tr.Unit != w.Unit || tr.ID != w.ID || tr.Part != w.Part || !same(tr.Chainage, w.Chainage) {
			t.Errorf("transect %d: label %q unit %d id %d part %d chainage %v, want %q %d %d %d %v",
				i, tr.Label, tr.Unit, tr.ID, tr.Part, tr.Chainage, w.Label, w.Unit, w.ID, w.Part, w.Chainage)
		}
		if !near(tr.Origin, w.Origin, tol) || !near(tr.End, w.End, tol) {
			t.Errorf("transect %s from %v to %v, want %v to %v", tr.Label, tr.Origin, tr.End, w.Origin, w.End)
		}
		if tr.Azimuth != w.Azimuth || tr.Base != w.Base || tr.Width != w.Width {
			t.Errorf("transect %s azimuth/base/width %v %v %v, want %v %v %v", tr.Label, tr.Azimuth, tr.Base, tr.Width, w.Azimuth, w.Base, w.Width)
		}
		a, b := tr.Stats, w.Stats
		if a.N != b.N || !a.First.Equal(b.First) || !a.Last.Equal(b.Last) {
			t.Errorf("transect %s n %d %v..%v, want %d %v..%v", tr.Label, a.N, a.First, a.Last, b.N, b.First, b.Last)
		}
		for k, pair := range [][2]float64{{a.SCE, b.SCE}, {a.NSM, b.NSM}, {a.EPR, b.EPR}, {a.EPRunc, b.EPRunc}, {a.LRR, b.LRR},
			{a.LR2, b.LR2}, {a.LSE, b.LSE}, {a.LCI, b.LCI}, {a.WLR, b.WLR}, {a.WR2, b.WR2}, {a.WSE, b.WSE}, {a.WCI, b.WCI}} {
			if !same(pair[0], pair[1]) {
				t.Errorf("transect %s statistic %d: %v, want %v", tr.Label, k, pair[0], pair[1])
			}
		}
	}
	if !math.IsNaN(got.Transects[1].Stats.WCI) {
		t.Errorf("NULL WCI came back as %v, want NaN", got.Transects[1].Stats.WCI)
	}
	if len(got.Intersections) != len(res.Intersections) {
		t.Fatalf("%d intersections, want %d", len(got.Intersections), len(res.Intersections))
	}
	for i, x := range got.Intersections {
		w := res.Intersections[i]
		if x.Transect != w.Transect || x.Shoreline != w.Shoreline || !x.Date.Equal(w.Date) || x.Distance != w.Distance || !near(x.Point, w.Point, tol) {
			t.Fatalf("intersection %d: %+v, want %+v", i, x, w)
		}
	}
	if len(got.Units) != 1 {
		t.Fatalf("%d units, want 1", len(got.Units))
	}
	u, w := got.Units[0], res.Units[0]
	if u.Unit.Code != "TL999901" || u.Unit.Name != "Test" || u.Unit.ParentCode != "TL9999" || u.Unit.ParentName != "Posto" ||
		u.Unit.RegionCode != "" || u.Unit.Population != 500 || u.Unit.Households != -1 || u.Transects != w.Transects {
		t.Errorf("unit %+v", u.Unit)
	}
	for k, pair := range [][2]float64{{u.MeanLRR, w.MeanLRR}, {u.MedianLRR, w.MedianLRR}, {u.PctEroding, w.PctEroding},
		{u.PctSigAccreting, w.PctSigAccreting}, {u.MeanLRRUnc, w.MeanLRRUnc}, {u.NEffective, w.NEffective}, {u.CoastKm, w.CoastKm},
		{u.AreaLost, w.AreaLost}, {u.AreaGained, w.AreaGained}} {
		if !same(pair[0], pair[1]) {
			t.Errorf("unit statistic %d: %v, want %v", k, pair[0], pair[1])
		}
	}
	if math.Abs(u.MeanLRR-2) > 1e-6 {
		t.Errorf("unit mean LRR %v, want 2", u.MeanLRR)
	}
	if !near(u.Unit.Geometry[0][0][2], w.Unit.Geometry[0][0][2], tol) {
		t.Errorf("unit corner %v, want %v", u.Unit.Geometry[0][0][2], w.Unit.Geometry[0][0][2])
	}
	if len(got.Missed) != len(res.Missed) {
		t.Errorf("missed %v, want %v", got.Missed, res.Missed)
	}

	lean, _, err := Read(context.Background(), path, WithoutIntersections())
	if err != nil {
		t.Fatal(err)
	}
	if len(lean.Intersections) != 0 || len(lean.Transects) != len(res.Transects) || len(lean.Shorelines) != 5 {
		t.Errorf("WithoutIntersections: %d intersections, %d transects, %d shorelines; want 0, %d, 5",
			len(lean.Intersections), len(lean.Transects), len(lean.Shorelines), len(res.Transects))
	}
}

func TestReadErrors(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := Read(context.Background(), filepath.Join(dir, "missing.gpkg")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v, want fs.ErrNotExist", err)
	}
	// A GeoPackage that is not a tasi run.
	other := filepath.Join(dir, "other.gpkg")
	g, err := ogr.CreateGeoPackage(other)
	if err != nil {
		t.Fatal(err)
	}
	w, err := g.CreateLayer("places", 4326, ogr.Point, []ogr.FieldDef{{Name: "name", Type: ogr.String}})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(orb.Point{125, -8.5}, "Dili"); err != nil {
		t.Fatal(err)
	}
	if err := g.Close(); err != nil {
		t.Fatal(err)
	}
	_, _, err = Read(context.Background(), other)
	if err == nil || !strings.Contains(err.Error(), "layer runs: missing") {
		t.Errorf("non-tasi GeoPackage: %v, want a missing runs layer", err)
	}
	// Check tells both apart from a results GeoPackage without reading it.
	junk := filepath.Join(dir, "junk.gpkg")
	if err := os.WriteFile(junk, []byte("not a GeoPackage"), 0o644); err != nil {
		t.Fatal(err)
	}
	results := filepath.Join(dir, "results.gpkg")
	if err := Write(context.Background(), results, straightRun(t), analysis.Provenance{Version: "test"}); err != nil {
		t.Fatal(err)
	}
	for path, ok := range map[string]bool{other: false, junk: false, filepath.Join(dir, "missing.gpkg"): false, results: true} {
		if err := Check(path); (err == nil) != ok {
			t.Errorf("Check(%s) = %v, want ok %v", filepath.Base(path), err, ok)
		}
	}
}
