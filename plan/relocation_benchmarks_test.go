//go:build cgo

// The demo relocation reads the bundled population grid through GDAL, so it needs cgo.

package plan_test

import (
	"context"
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/paulmach/orb/project"
	"github.com/tasi-gis/tasi/plan"
	"github.com/tasi-gis/tasi/vector/polyindex"
)

// demoRelocation is the assessment of the demo run with the bundled sucos, localities and
// population grid, and the inputs of its relocation plan.
func demoRelocation(tb testing.TB) (*plan.Assessment, plan.RelocationInputs) {
	tb.Helper()
	res := demoRun(tb)
	ref, grid := popTimorLeste(tb)
	f, err := plan.NewForecast(res, plan.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	a, err := plan.NewAssessment(context.Background(), res, f, plan.Inputs{
		Units: ref.Units, Communities: popLocalities(ref), Grid: grid, RunID: "demo",
	})
	if err != nil {
		tb.Fatal(err)
	}
	return a, plan.RelocationInputs{Zone: res.Zone, Zones: plan.Zones(res, f, nil), Units: ref.Units}
}

// TestRelocateDemo plans the relocation of every community of the demo at risk by the
// last horizon on 250 m cells: every option lies outside the band-edge zones of that
// horizon, in the community's suco or posto, and holds what its capacity says.
func TestRelocateDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("the demo run takes seconds")
	}
	a, in := demoRelocation(t)
	p, err := plan.Relocate(context.Background(), a, in, plan.DefaultRelocationOptions())
	if err != nil {
		t.Fatal(err)
	}
	var band []orb.MultiPolygon
	for _, z := range in.Zones {
		if z.Band && z.Horizon == len(a.Horizons)-1 {
			band = append(band, z.Geometry)
		}
	}
	zix := polyindex.New(band)
	units := map[string]string{}
	for _, u := range in.Units {
		units[u.Code] = u.ParentCode
	}
	options, partial, none, people := 0, 0, 0, 0.0
	for _, r := range p.Rows {
		people += r.People
		if len(r.Options) == 0 {
			none++
		}
		for _, o := range r.Options {
			options++
			if o.Partial {
				partial++
			}
			mp := project.MultiPolygon(o.Site.Geometry.(orb.MultiPolygon).Clone(), in.Zone.Forward)
			area := planar.Area(mp)
			// A 5 m lattice over the site: none of its points inside the site lies in a zone.
			b := mp.Bound()
			inside, inZone := 0, 0
			for x := b.Min[0] + 2.5; x < b.Max[0]; x += 5 {
				for y := b.Min[1] + 2.5; y < b.Max[1]; y += 5 {
					if q := (orb.Point{x, y}); planar.MultiPolygonContains(mp, q) {
						inside++
						if zix.Contains(q) {
							inZone++
						}
					}
				}
			}
			if inZone > 0 || inside == 0 {
				t.Errorf("%s: site %s: %d of its %d lattice points lie in a band-edge zone", r.AtRisk.Community.Code, o.Site.Code, inZone, inside)
			}
			if math.Abs(area-o.Area) > 1 || o.Capacity != math.Floor(o.Area/plan.AreaPerPerson) {
				t.Errorf("site %s: area %.1f m², capacity %g; geometry %.1f m²", o.Site.Code, o.Area, o.Capacity, area)
			}
			switch o.Scope {
			case plan.ScopeSuco:
				if o.Site.UnitCode != r.AtRisk.Community.UnitCode {
					t.Errorf("site %s in %s: not the community's suco %s", o.Site.Code, o.Site.UnitCode, r.AtRisk.Community.UnitCode)
				}
			case plan.ScopePosto:
				if units[o.Site.UnitCode] != units[r.AtRisk.Community.UnitCode] {
					t.Errorf("site %s in %s: not in the community's posto", o.Site.Code, o.Site.UnitCode)
				}
			}
		}
	}
	t.Logf("%d communities to move (%.0f people), %d options, %d partial, %d without a site", len(p.Rows), people, options, partial, none)
	if len(p.Rows) == 0 || options < 2*len(p.Rows) {
		t.Errorf("%d rows, %d options: want most communities served", len(p.Rows), options)
	}
}

// BenchmarkRelocateDemo plans the relocation of every community of the demo at risk by
// the last horizon on 250 m cells, without a DEM (target: under 1 s).
func BenchmarkRelocateDemo(b *testing.B) {
	a, in := demoRelocation(b)
	b.ResetTimer()
	for range b.N {
		if _, err := plan.Relocate(context.Background(), a, in, plan.DefaultRelocationOptions()); err != nil {
			b.Fatal(err)
		}
	}
}
