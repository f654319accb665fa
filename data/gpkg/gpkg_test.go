package gpkg

import (
	"context"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/data/ogr"
	"github.com/tasi-gis/tasi/input/demo"
)

// straightRun analyses demo.StraightCoast(2): a 3 km straight coast in one unit whose
// shoreline advances 2 m/yr over 2000–2004.
func straightRun(t *testing.T) *analysis.Result {
	t.Helper()
	res, err := analysis.Run(context.Background(), demo.StraightCoast(2), analysis.DefaultParams())
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestWriteReadBack(t *testing.T) {
	res := straightRun(t)
	path := filepath.Join(t.TempDir(), "results.gpkg")
	prov := analysis.Provenance{
		Version: "test", Started: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Finished: time.Date(2026, 1, 2, 3, 4, 6, 0, time.UTC),
		Parameters: map[string]string{"spacing": "50"},
		Inputs:     []analysis.InputFile{{Role: "shorelines", Path: "s.geojson", SHA256: "abc"}},
	}
	if err := Write(context.Background(), path, res, prov); err != nil {
		t.Fatal(err)
	}
	if err := Write(context.Background(), path, res, prov); err == nil {
		t.Errorf("Write over an existing file succeeded, want an error")
	}
	layers, err := ogr.Read(context.Background(), path, ogr.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]ogr.Layer{}
	for _, l := range layers {
		byName[l.Name] = l
	}
	counts := map[string]int{
		"shorelines":    5,
		"baseline":      1,
		"transects":     len(res.Transects),
		"intersections": len(res.Intersections),
		"admin_change":  1,
		"runs":          1,
	}
	for name, n := range counts {
		if got := len(byName[name].Features); got != n {
			t.Errorf("layer %s has %d features, want %d", name, got, n)
		}
	}
	if len(res.Transects) < 55 || len(res.Intersections) != 5*len(res.Transects) {
		t.Fatalf("%d transects, %d intersections", len(res.Transects), len(res.Intersections))
	}
	if got := byName["transects"].SourceSRS; got != "EPSG:32751" {
		t.Errorf("transects CRS %s, want EPSG:32751", got)
	}
	for _, f := range byName["transects"].Features {
		if lrr := f.Fields["LRR"].(float64); math.Abs(lrr-2) > 1e-6 {
			t.Errorf("transect %v LRR %v, want 2", f.Fields["transect_id"], lrr)
		}
		if f.Fields["pcode"] != "TL999901" || f.Fields["n"] != int64(5) {
			t.Errorf("transect %v pcode %v n %v", f.Fields["transect_id"], f.Fields["pcode"], f.Fields["n"])
		}
	}
	u := byName["admin_change"].Features[0].Fields
	if u["pcode"] != "TL999901" || u["population"] != int64(500) || u["households"] != nil {
		t.Errorf("admin_change row %v", u)
	}
	if m := u["mean_LRR"].(float64); math.Abs(m-2) > 1e-6 {
		t.Errorf("admin_change mean_LRR %v, want 2", m)
	}
	r := byName["runs"].Features[0].Fields
	if r["tasi_version"] != "test" || !strings.Contains(r["inputs"].(string), `"SHA256":"abc"`) || r["crs"] != "EPSG:32751" {
		t.Errorf("runs row %v", r)
	}
	if !r["started"].(time.Time).Equal(prov.Started) {
		t.Errorf("runs started %v, want %v", r["started"], prov.Started)
	}

	if ogrinfo, err := exec.LookPath("ogrinfo"); err == nil {
		out, err := exec.Command(ogrinfo, "-so", "-q", path).CombinedOutput()
		if err != nil {
			t.Fatalf("ogrinfo: %v\n%s", err, out)
		}
		for name := range counts {
			if !strings.Contains(string(out), name) {
				t.Errorf("ogrinfo does not list layer %s:\n%s", name, out)
			}
		}
	}
}

// TestWriteProgress checks that Write reports each layer from 0 to all its features, in
// order and never backwards.
func TestWriteProgress(t *testing.T) {
	res := straightRun(t)
	var got []analysis.Progress
	path := filepath.Join(t.TempDir(), "results.gpkg")
	if err := Write(context.Background(), path, res, analysis.Provenance{}, WithProgress(func(p analysis.Progress) {
		got = append(got, p)
	})); err != nil {
		t.Fatal(err)
	}
	want := []struct {
		layer string
		total int
	}{
		{"shorelines", 5}, {"baseline", 1}, {"transects", len(res.Transects)},
		{"intersections", len(res.Intersections)}, {"admin_change", 1},
	}
	var layers []string
	for i, p := range got {
		if i == 0 || p.Step != got[i-1].Step {
			layers = append(layers, p.Step)
			if p.Done != 0 {
				t.Errorf("layer %s starts at %d", p.Step, p.Done)
			}
		} else if p.Done < got[i-1].Done || p.Total != got[i-1].Total {
			t.Errorf("layer %s goes from %d/%d to %d/%d", p.Step, got[i-1].Done, got[i-1].Total, p.Done, p.Total)
		}
		if i == len(got)-1 || got[i+1].Step != p.Step {
			w := want[len(layers)-1]
			if p.Step != w.layer || p.Done != w.total || p.Total != w.total {
				t.Errorf("layer %s ends at %d/%d, want %s at %d/%d", p.Step, p.Done, p.Total, w.layer, w.total, w.total)
			}
		}
	}
	if len(layers) != len(want) {
		t.Errorf("progress of layers %v, want %v", layers, want)
	}
}

// TestWriteCancelled cancels Write part-way through a layer and before it starts: it
// must stop at once and return the context's error.
func TestWriteCancelled(t *testing.T) {
	res := straightRun(t)
	ctx, cancel := context.WithCancel(context.Background())
	var last analysis.Progress
	path := filepath.Join(t.TempDir(), "results.gpkg")
	err := Write(ctx, path, res, analysis.Provenance{}, WithProgress(func(p analysis.Progress) {
		if last.Step == "transects" && last.Done == 10 {
			t.Errorf("progress %+v after the cancel", p)
		}
		last = p
		if p.Step == "transects" && p.Done == 10 {
			cancel()
		}
	}))
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "transects") {
		t.Errorf("Write = %v, want it cancelled in layer transects", err)
	}
	if last.Step != "transects" || last.Done != 10 {
		t.Errorf("last progress %+v, want transects at 10", last)
	}

	path = filepath.Join(t.TempDir(), "never.gpkg")
	if err := Write(ctx, path, res, analysis.Provenance{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Write with a cancelled context = %v", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Write with a cancelled context created %s (%v)", path, err)
	}
}
