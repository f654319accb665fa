package utm

import (
	"testing"

	"github.com/paulmach/orb"
)

var sink orb.Point

func BenchmarkForward(b *testing.B) {
	z := Zone{Number: 51, South: true}
	p := orb.Point{125.57, -8.55}
	for b.Loop() {
		sink = z.Forward(p)
	}
}

func BenchmarkInverse(b *testing.B) {
	z := Zone{Number: 51, South: true}
	p := orb.Point{782910.6767, 9053954.1742}
	for b.Loop() {
		sink = z.Inverse(p)
	}
}

// BenchmarkForwardLineString projects a 1 000-vertex line as the analysis pipeline does.
func BenchmarkForwardLineString(b *testing.B) {
	z := Zone{Number: 51, South: true}
	ls := make(orb.LineString, 1000)
	for i := range ls {
		ls[i] = orb.Point{125 + float64(i)*1e-3, -8.6 + float64(i)*1e-4}
	}
	out := make(orb.LineString, len(ls))
	for b.Loop() {
		for i, p := range ls {
			out[i] = z.Forward(p)
		}
	}
}

// BenchmarkCentre finds the centre of 1 000 lines of 1 000 vertices, the size of the
// demo's shorelines: without allocating.
func BenchmarkCentre(b *testing.B) {
	ml := make(orb.MultiLineString, 1000)
	for i := range ml {
		ml[i] = make(orb.LineString, 1000)
		for j := range ml[i] {
			ml[i][j] = orb.Point{124 + float64(j)*3e-3, -9 + float64(i)*1e-3}
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		var c Centre
		c.AddGeometry(ml)
		sink, _ = c.Point()
	}
}
