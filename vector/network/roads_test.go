package network_test

import (
	"context"
	"math"
	"sync"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/project"

	"github.com/tasi-gis/tasi/data"
	"github.com/tasi-gis/tasi/vector/network"
	"github.com/tasi-gis/tasi/vector/utm"
)

// timor is the bundled Estrada roads projected to the UTM zone of their centre (51S).
type timor struct {
	zone  utm.Zone
	lines []orb.LineString
	codes []string // road code of each line
}

// timorRoads parses and projects the roads once for all tests and benchmarks.
var timorRoads = sync.OnceValues(func() (*timor, error) {
	roads, err := data.Roads()
	if err != nil {
		return nil, err
	}
	var c utm.Centre
	for _, r := range roads {
		c.AddGeometry(r.Line)
	}
	z, err := c.Zone()
	if err != nil {
		return nil, err
	}
	tr := &timor{zone: z}
	for _, r := range roads {
		for _, l := range r.Line {
			tr.lines = append(tr.lines, project.LineString(l.Clone(), z.Forward))
			tr.codes = append(tr.codes, r.Code)
		}
	}
	return tr, nil
})

func loadTimor(t testing.TB) *timor {
	t.Helper()
	tr, err := timorRoads()
	if err != nil {
		t.Fatalf("bundled roads: %v", err)
	}
	return tr
}

// TestTimorGraph nodes the bundled roads. The mainland network is one component; Oecusse
// (A17–A19, C19, C20) and Atauro (C09) are separate. With the generic 5 m tolerance only
// two road ends snap (C06 and C08 stop 0.3 and 0.5 m short of A01); with the bundled
// roads' own tolerance, nine.
func TestTimorGraph(t *testing.T) {
	t.Parallel()
	tr := loadTimor(t)
	if tr.zone.EPSG() != 32751 {
		t.Fatalf("zone %v, want UTM 51S", tr.zone)
	}
	tests := []struct {
		name         string
		tol          float64
		nodes, edges int
		snapped      int
		mainlandKm   float64
	}{
		{name: "generic 5 m", tol: 0, nodes: 105, edges: 138, snapped: 2, mainlandKm: 2055.292},
		{name: "data.RoadsSnapTolerance", tol: data.RoadsSnapTolerance, nodes: 110, edges: 150, snapped: 9, mainlandKm: 2055.420},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g, err := network.Build(tr.lines, network.Options{SnapTolerance: tt.tol})
			if err != nil {
				t.Fatal(err)
			}
			st := g.Stats()
			t.Logf("%+v", st)
			if st.Nodes != tt.nodes || st.Edges != tt.edges || st.Snapped != tt.snapped || st.Components != 3 {
				t.Errorf("%d nodes, %d edges, %d snapped, %d components; want %d, %d, %d, 3",
					st.Nodes, st.Edges, st.Snapped, st.Components, tt.nodes, tt.edges, tt.snapped)
			}
			if st.Components == 3 {
				for i, want := range []float64{tt.mainlandKm, 118.820, 11.308} {
					if km := st.ComponentLength[i] / 1000; math.Abs(km-want) > 0.001 {
						t.Errorf("component %d: %.3f km, want %.3f km", i, km, want)
					}
				}
			}
			// Which roads lie in which component: the middle of each road joins its own.
			mids := make([]orb.Point, len(tr.lines))
			for i, l := range tr.lines {
				mids[i] = l[len(l)/2]
			}
			att, err := g.Attach(mids, network.JoinOptions{})
			if err != nil {
				t.Fatal(err)
			}
			island := map[string]int{"A17": 1, "A18": 1, "A19": 1, "C19": 1, "C20": 1, "C09": 2}
			for i, a := range att {
				if want := island[tr.codes[i]]; a.Component != want || a.Leg > 1e-6 {
					t.Errorf("road %s: component %d (leg %.3f m), want %d", tr.codes[i], a.Component, a.Leg, want)
				}
			}
		})
	}
}

// TestTimorDistances measures Dili to Baucau over the roads: 126.0 km (legs of 312 m and
// 234 m included), against 97.8 km straight: the points' projections onto A01, the coastal
// road, are 121.8 km apart along it, and A01 starts 0.7 km from the Dili point.
func TestTimorDistances(t *testing.T) {
	t.Parallel()
	tr := loadTimor(t)
	g, err := network.Build(tr.lines, network.Options{SnapTolerance: data.RoadsSnapTolerance})
	if err != nil {
		t.Fatal(err)
	}
	dili := tr.zone.Forward(orb.Point{125.5736, -8.5569})
	baucau := tr.zone.Forward(orb.Point{126.4567, -8.4700})
	pangeco := tr.zone.Forward(orb.Point{124.3631, -9.2053}) // Oecusse, Pante Macassar
	beloi := tr.zone.Forward(orb.Point{125.6034, -8.2279})   // Atauro
	pts := []orb.Point{dili, baucau, pangeco, beloi}
	m, err := g.Distances(context.Background(), pts, pts, network.JoinOptions{})
	if err != nil {
		t.Fatal(err)
	}
	straight := network.Straight(pts, pts)
	t.Logf("Dili–Baucau: %.3f km by road, %.3f km straight", m.At(0, 1)/1000, straight.At(0, 1)/1000)
	if km := m.At(0, 1) / 1000; km < 120 || km > 130 {
		t.Errorf("Dili–Baucau %.3f km by road, want 120–130 km", km)
	}
	if km := straight.At(0, 1) / 1000; math.Abs(km-97.8) > 0.1 {
		t.Errorf("Dili–Baucau %.3f km straight, want 97.8 km", km)
	}
	for i := range pts {
		for j := range pts {
			// Mainland, Oecusse and Atauro have no road between them.
			island := func(k int) int { return max(0, k-1) }
			if noRoute := island(i) != island(j); noRoute != math.IsInf(m.At(i, j), 1) {
				t.Errorf("%d→%d: %.3f m", i, j, m.At(i, j))
			}
			if a, b := m.At(i, j), m.At(j, i); math.Abs(a-b) > 1e-6 && !(math.IsInf(a, 1) && math.IsInf(b, 1)) {
				t.Errorf("%d→%d %.6f m, back %.6f m", i, j, a, b)
			}
		}
	}

	// Every gazetteer locality joins the roads with the default MaxLeg.
	ref, err := data.TimorLeste()
	if err != nil {
		t.Fatal(err)
	}
	locs := make([]orb.Point, len(ref.Localities))
	for i, l := range ref.Localities {
		locs[i] = tr.zone.Forward(l.Point)
	}
	att, err := g.Attach(locs, network.JoinOptions{})
	if err != nil {
		t.Fatal(err)
	}
	perComp := make([]int, 3)
	farthest := 0.0
	for i, a := range att {
		if !a.Joined {
			t.Errorf("%s: not joined, %.1f km from the nearest road", ref.Localities[i].Name, a.Leg/1000)
			continue
		}
		perComp[a.Component]++
		farthest = math.Max(farthest, a.Leg)
	}
	t.Logf("localities per component %v; farthest %.3f km from a road", perComp, farthest/1000)
	if perComp[0] != 2582 || perComp[1] != 269 || perComp[2] != 20 || math.Abs(farthest/1000-12.383) > 0.001 {
		t.Errorf("localities per component %v, farthest %.3f km; want [2582 269 20], 12.383 km", perComp, farthest/1000)
	}
}
