package gpkg

import (
	"context"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/tasi-gis/tasi/analysis"
)

// TestSyntheticRoundTrip: the runs layer keeps whether a run's shorelines were synthetic;
// a file of an older tasi, without the column, reads as not synthetic.
func TestSyntheticRoundTrip(t *testing.T) {
	res := straightRun(t)
	dir := t.TempDir()
	for _, synthetic := range []bool{true, false} {
		path := filepath.Join(dir, map[bool]string{true: "synthetic.gpkg", false: "real.gpkg"}[synthetic])
		if err := Write(context.Background(), path, res, analysis.Provenance{Version: "test", Synthetic: synthetic}); err != nil {
			t.Fatal(err)
		}
		got, err := ReadRun(context.Background(), path, WithoutIntersections())
		if err != nil {
			t.Fatal(err)
		}
		if got.Provenance.Synthetic != synthetic {
			t.Errorf("%s: synthetic %v, want %v", filepath.Base(path), got.Provenance.Synthetic, synthetic)
		}
	}

	ogrinfo, err := exec.LookPath("ogrinfo")
	if err != nil {
		t.Skip("no ogrinfo to make an older file with")
	}
	old := filepath.Join(dir, "synthetic.gpkg")
	if out, err := exec.Command(ogrinfo, "-q", old, "-sql", "ALTER TABLE runs DROP COLUMN synthetic").CombinedOutput(); err != nil {
		t.Fatalf("drop synthetic: %v\n%s", err, out)
	}
	got, err := ReadRun(context.Background(), old, WithoutIntersections())
	if err != nil {
		t.Fatal(err)
	}
	if got.Provenance.Synthetic {
		t.Errorf("a file without the synthetic column reads as synthetic")
	}
}
