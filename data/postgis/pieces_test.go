package postgis

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/project"
	"github.com/tasi-gis/tasi/vector/utm"
)

// TestShorelinePieces cuts a wavy 60 km shoreline of 6,001 vertices: every piece holds at
// most 256 vertices, consecutive pieces share their end vertex so they join back into one
// line, coarser levels keep fewer vertices, and the pieces lie where the shoreline does in
// Web Mercator.
func TestShorelinePieces(t *testing.T) {
	zone := utm.Zone{Number: 51, South: true}
	var l orb.LineString
	for i := 0; i <= 6000; i++ {
		x := float64(i) * 10
		l = append(l, orb.Point{700000 + x, 9050000 + 300*math.Sin(x/700) + 3*math.Sin(x/13)})
	}
	first, last := project.WGS84.ToMercator(zone.Inverse(l[0])), project.WGS84.ToMercator(zone.Inverse(l[len(l)-1]))
	var levels [3][]orb.LineString
	err := shorelinePieces(orb.MultiLineString{l}, zone, func(level int, p orb.LineString) error {
		levels[level] = append(levels[level], p.Clone())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var vertices [3]int
	for level, pieces := range levels {
		if len(pieces) == 0 {
			t.Fatalf("level %d: no pieces", level)
		}
		for k, p := range pieces {
			if len(p) < 2 || len(p) > pieceVertices {
				t.Errorf("level %d piece %d: %d vertices", level, k, len(p))
			}
			if k > 0 && pieces[k-1][len(pieces[k-1])-1] != p[0] {
				t.Errorf("level %d: piece %d does not start where piece %d ends", level, k, k-1)
			}
			vertices[level] += len(p) - 1
		}
		if d := pieces[0][0].X() - first.X(); math.Abs(d) > 1e-6 || pieces[0][0] != first {
			t.Errorf("level %d starts at %v, want %v", level, pieces[0][0], first)
		}
		end := pieces[len(pieces)-1]
		if end[len(end)-1] != last {
			t.Errorf("level %d ends at %v, want %v", level, end[len(end)-1], last)
		}
	}
	if !(vertices[0] > vertices[1] && vertices[1] > vertices[2]) || vertices[0] > 6000 {
		t.Errorf("segments per level %v: want fewer at each coarser level, and at most 6000", vertices)
	}
	if len(levels[0]) < 2 {
		t.Errorf("full detail in %d pieces: the line was not cut", len(levels[0]))
	}
}
