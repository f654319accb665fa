package main

import (
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/tasi-gis/tasi/data/gpkg"
)

// TestDemoLoops runs the demo end to end: its whole-coast synthetic shorelines keep the
// loops real ones have, so some cross themselves; analyze measures them as they are,
// reports them, still recovers the known rate field, and marks its run synthetic.
func TestDemoLoops(t *testing.T) {
	dir := t.TempDir()
	log, err := runCLI(t, "demo", "--dir", dir)
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, log)
	}
	m := regexp.MustCompile(`Input notes[^\n]*: (\d+) self-crossing shorelines \((\d+) crossings\)`).FindStringSubmatch(log)
	if m == nil {
		t.Fatalf("no self-crossing shorelines in the run summary:\n%s", log)
	}
	if n, _ := strconv.Atoi(m[1]); n < 5 {
		t.Errorf("%d self-crossing shorelines of 38, want several", n)
	}
	if !regexp.MustCompile(`shorelines.gpkg feature \d+ at 12[4-7]\.\d{6},-[89]\.\d{6}: crosses itself`).MatchString(log) {
		t.Errorf("no self-crossing note with its feature and lon/lat in the log:\n%s", log)
	}
	// The demo's own run is synthetic (TestAnalyzeSynthetic follows its shoreline file
	// through a later analyze).
	r, err := gpkg.ReadRun(t.Context(), filepath.Join(dir, "results.gpkg"), gpkg.WithoutIntersections())
	if err != nil {
		t.Fatal(err)
	}
	if !r.Provenance.Synthetic {
		t.Error("the demo's run is not marked synthetic")
	}
	med := regexp.MustCompile(`\|LRR − truth\|: median ([0-9.]+) m/yr, 95th percentile ([0-9.]+)`).FindStringSubmatch(log)
	if med == nil {
		t.Fatalf("no recovery figures:\n%s", log)
	}
	// 8 m noise and 5 m seasonal swing over 38 years: the slope's standard error is about
	// 0.1 m/yr (the clean-input figure in BENCHMARKS.md).
	if v, _ := strconv.ParseFloat(med[1], 64); v > 0.12 {
		t.Errorf("median |LRR − truth| %v m/yr, want ≤ 0.12", v)
	}
	if v, _ := strconv.ParseFloat(med[2], 64); v > 0.35 {
		t.Errorf("95th percentile |LRR − truth| %v m/yr, want ≤ 0.35", v)
	}
}
