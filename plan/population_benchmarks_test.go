//go:build cgo

package plan_test

import (
	"context"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/project"
	"github.com/tasi-gis/tasi/plan"
	"github.com/tasi-gis/tasi/vector/polyindex"
	"github.com/tasi-gis/tasi/vector/utm"
)

// BenchmarkAllocateTimorLeste spreads the census of the 442 sucos over the 25,486 settled
// cells of the bundled grid (3958 × 1654 cells) and shares it among the 2,871 gazetteer
// localities. Loading the data and reading the grid are not timed.
func BenchmarkAllocateTimorLeste(b *testing.B) {
	ref, g := popTimorLeste(b)
	base := popLocalities(ref)
	comms := make([]plan.Community, len(base))
	b.ReportAllocs()
	for b.Loop() {
		copy(comms, base)
		if _, err := plan.Allocate(context.Background(), ref.Units, g, comms); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPeopleInTimorLeste counts the people in a zone made of the 31 sucos of Dili
// (TL06) projected to UTM 51S, as a hazard zone in the run's UTM zone would be: every cell
// popCentre is projected and looked up in a polyindex.Index.
func BenchmarkPeopleInTimorLeste(b *testing.B) {
	ref, g := popTimorLeste(b)
	comms := popLocalities(ref)
	pop, err := plan.Allocate(context.Background(), ref.Units, g, comms)
	if err != nil {
		b.Fatal(err)
	}
	zone := utm.Zone{Number: 51, South: true}
	var polys []orb.MultiPolygon
	for _, u := range ref.Units {
		if u.RegionCode == "TL06" {
			polys = append(polys, project.MultiPolygon(u.Geometry.Clone(), zone.Forward))
		}
	}
	ix := polyindex.New(polys)
	in := func(p orb.Point) bool { return ix.Contains(zone.Forward(p)) }
	b.ReportAllocs()
	for b.Loop() {
		pop.PeopleIn(in)
	}
}
