package postgis

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/project"
	"github.com/paulmach/orb/simplify"
	"github.com/tasi-gis/tasi/vector/utm"
)

// pieceLevels are the Douglas-Peucker tolerances (Web Mercator metres) of the three levels
// of shoreline_tiles: 2 m for full detail (a fifth of a pixel at zoom 14, far below the
// 10 m accuracy of satellite shorelines), 100 m for zooms 7–10 and 1000 m below.
var pieceLevels = [3]float64{2, 100, 1000}

// pieceVertices is the most vertices of one piece: a tile then reads only the pieces
// near it instead of whole-coast shorelines of 80,000 vertices.
const pieceVertices = 256

// shorelinePieces cuts a shoreline given in zone's coordinates into the Web Mercator
// pieces of each level that the tile server reads, calling emit for each. Consecutive
// pieces share their end vertex, so merging them gives the simplified line back.
func shorelinePieces(ml orb.MultiLineString, zone utm.Zone, emit func(level int, piece orb.LineString) error) error {
	// Simplify in UTM and project only the vertices kept: projection is most of the cost,
	// and the full level keeps a third of the vertices. A Web Mercator metre is sec φ / k
	// ground metres (k the UTM scale, within 0.04 % of 1), so the tolerances are scaled by
	// cos φ at the shoreline's middle; over one shoreline φ varies by a degree or two, which
	// changes a display tolerance by well under 1 %.
	mid := zone.Inverse(ml.Bound().Center())
	scale := math.Cos(mid.Lat() * math.Pi / 180)
	// Each level simplifies the one before it: Douglas-Peucker over the full line three
	// times cost as much as projecting it.
	lines := ml
	for level, tol := range pieceLevels {
		dp := simplify.DouglasPeucker(tol * scale)
		simpler := make(orb.MultiLineString, 0, len(lines))
		for _, l := range lines {
			s := dp.LineString(l.Clone())
			if len(s) < 2 || (len(s) == 2 && s[0] == s[1]) {
				continue // collapsed at this level, as ST_Simplify drops it
			}
			simpler = append(simpler, s)
		}
		lines = simpler
		for _, l := range lines {
			s := l.Clone()
			for i, p := range s {
				s[i] = project.WGS84.ToMercator(zone.Inverse(p))
			}
			for start := 0; start < len(s)-1; start += pieceVertices - 1 {
				end := min(start+pieceVertices, len(s))
				if err := emit(level, s[start:end]); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
