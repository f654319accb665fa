package network_test

import (
	"context"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/paulmach/orb"

	"github.com/tasi-gis/tasi/data"
	"github.com/tasi-gis/tasi/vector/network"
)

// gridSide nodes a side make a perturbed grid of 2·159·158 = 50,244 edges.
const gridSide = 159

// gridLines is a perturbed square grid of roads 500 m apart (79 km a side): gridSide
// east–west and gridSide north–south lines that share a vertex at every crossing, with two
// wiggling vertices between crossings, so 50,244 edges once noded.
func gridLines() []orb.LineString {
	rng := rand.New(rand.NewPCG(11, 12))
	const step = 500.0
	jitter := func() float64 { return (rng.Float64() - 0.5) * 0.3 * step }
	cross := make([][]orb.Point, gridSide)
	for i := range cross {
		cross[i] = make([]orb.Point, gridSide)
		for j := range cross[i] {
			cross[i][j] = orb.Point{float64(j)*step + jitter(), float64(i)*step + jitter()}
		}
	}
	wiggle := func(a, b orb.Point) []orb.Point {
		var out []orb.Point
		for _, f := range []float64{1.0 / 3, 2.0 / 3} {
			out = append(out, orb.Point{a[0] + f*(b[0]-a[0]) + jitter()/5, a[1] + f*(b[1]-a[1]) + jitter()/5})
		}
		return out
	}
	var lines []orb.LineString
	for i := range gridSide {
		var row, col orb.LineString
		for j := range gridSide {
			row = append(row, cross[i][j])
			col = append(col, cross[j][i])
			if j+1 < gridSide {
				row = append(row, wiggle(cross[i][j], cross[i][j+1])...)
				col = append(col, wiggle(cross[j][i], cross[j+1][i])...)
			}
		}
		lines = append(lines, row, col)
	}
	return lines
}

// scatter returns n points around the vertices of lines, up to 2 km off them.
func scatter(lines []orb.LineString, n int, seed uint64) []orb.Point {
	rng := rand.New(rand.NewPCG(seed, 1))
	pts := make([]orb.Point, n)
	for i := range pts {
		l := lines[rng.IntN(len(lines))]
		v := l[rng.IntN(len(l))]
		pts[i] = orb.Point{v[0] + (rng.Float64()-0.5)*4000, v[1] + (rng.Float64()-0.5)*4000}
	}
	return pts
}

var gridFixture = sync.OnceValues(func() (*network.Graph, error) {
	return network.Build(gridLines(), network.Options{})
})

func BenchmarkBuildTimor(b *testing.B) {
	tr := loadTimor(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := network.Build(tr.lines, network.Options{SnapTolerance: data.RoadsSnapTolerance}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBuildGrid(b *testing.B) {
	lines := gridLines()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := network.Build(lines, network.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDistancesGrid is the size of depot planning: 500 candidate depots × 3,000
// communities on a 50,000-edge road graph.
func BenchmarkDistancesGrid(b *testing.B) {
	g, err := gridFixture()
	if err != nil {
		b.Fatal(err)
	}
	if st := g.Stats(); st.Edges != 2*gridSide*(gridSide-1) || st.Components != 1 {
		b.Fatalf("grid: %+v", st)
	}
	lines := gridLines()
	from, to := scatter(lines, 500, 1), scatter(lines, 3000, 2)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := g.Distances(context.Background(), from, to, network.JoinOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDistancesTimor is 500 × 3,000 points near the bundled roads.
func BenchmarkDistancesTimor(b *testing.B) {
	tr := loadTimor(b)
	g, err := network.Build(tr.lines, network.Options{SnapTolerance: data.RoadsSnapTolerance})
	if err != nil {
		b.Fatal(err)
	}
	from, to := scatter(tr.lines, 500, 3), scatter(tr.lines, 3000, 4)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := g.Distances(context.Background(), from, to, network.JoinOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
