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
