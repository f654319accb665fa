package analysis

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/project"
	"github.com/tasi-gis/tasi/vector/synthetic"
	"github.com/tasi-gis/tasi/vector/transect"
	"github.com/tasi-gis/tasi/vector/utm"
)

// straightInput is a 6 km straight coast in UTM 51S with n yearly shorelines.
func straightInput(n int) Input {
	zone := utm.Zone{Number: 51, South: true}
	inv := orb.Projection(zone.Inverse)
	line := func(y float64) orb.MultiLineString {
		var l orb.LineString
		for x := 700000.0; x <= 706000; x += 10 {
			l = append(l, orb.Point{x, 9050000 + y})
		}
		return project.MultiLineString(orb.MultiLineString{l}, inv)
	}
	in := Input{Coast: line(0), Land: []orb.MultiPolygon{project.MultiPolygon(orb.MultiPolygon{{{
		{699000, 9045000}, {707000, 9045000}, {707000, 9050000.5}, {699000, 9050000.5}, {699000, 9045000}}}}, inv)}}
	for y := range n {
		in.Shorelines = append(in.Shorelines, Shoreline{Source: fmt.Sprint(y), Date: time.Date(2000+y, 1, 1, 0, 0, 0, 0, time.UTC),
			Uncertainty: 10, Geometry: line(float64(y))})
	}
	return in
}

// TestEstimate counts transects from the coast's length and the spacing, and refuses,
// before any work, a run that would not fit, naming the figures and a spacing that would.
func TestEstimate(t *testing.T) {
	in := straightInput(34)
	p := DefaultParams()
	p.Spacing = 0.05
	w := Estimate(in, p)
	if math.Abs(w.CoastKm-6) > 0.01 || w.Transects < 119900 || w.Transects > 120100 || w.Shorelines != 34 || w.Vertices != 34*601 {
		t.Errorf("workload %+v, want 6 km, 120,000 transects, 34 shorelines, 20,434 vertices", w)
	}
	// The geodesic length is the UTM one less the zone's scale (0.9998 here). The measured
	// peak of this run is 0.9 GB (BENCHMARKS.md); the estimate errs high.
	if w.Bytes < 900<<20 || w.Bytes > 1600<<20 {
		t.Errorf("estimate %d MB, want 0.9–1.6 GB", w.Bytes>>20)
	}
	p.MemoryLimit = 500 << 20
	_, err := Run(context.Background(), in, p)
	if err == nil || !strings.Contains(err.Error(), "transects at 0.05 m spacing over 6.0 km of coast") ||
		!strings.Contains(err.Error(), "34 shorelines") || !strings.Contains(err.Error(), "more than the 500 MB available") ||
		!strings.Contains(err.Error(), "a spacing of 0.2 m or more would fit") {
		t.Errorf("error %v", err)
	}
	p.Spacing = 0.2
	if Estimate(in, p).Bytes > p.MemoryLimit {
		t.Errorf("the suggested spacing does not fit: %d MB", Estimate(in, p).Bytes>>20)
	}
}

// TestTooDenseOnBends: a run whose transects fit but whose crossings on a bend would not
// stops with the error that says so.
func TestTooDenseOnBends(t *testing.T) {
	s := curvedScene()
	in := s.input(t, syntheticOptions(3))
	p := DefaultParams()
	p.Spacing, p.Smoothing = 1, 0
	p.MemoryLimit = Estimate(in, p).Bytes + 100_000 // room for about 3,000 crossing pairs
	_, err := Run(context.Background(), in, p)
	if !errors.Is(err, transect.ErrTooDense) || !strings.Contains(err.Error(), "use a larger spacing") {
		t.Errorf("error %v, want transect.ErrTooDense and what to do", err)
	}
}

// syntheticOptions are n noise-free yearly shorelines from 2000.
func syntheticOptions(n int) synthetic.Options {
	return synthetic.Options{Seed: 7, Start: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC),
		End: time.Date(2000+n-1, 12, 31, 0, 0, 0, 0, time.UTC), PerYear: 1, Uncertainty: [2]float64{10, 10}}
}
