package linework_test

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/vector/linework"
)

// wholeCoast is a shoreline the size of one Timor-Leste demo shoreline: n vertices 10 m
// apart along a coast that winds ±2 km (UTM-sized coordinates), with the given number of
// loops spread along it, each crossing itself once (a prolate cycloid 60 m long and 30 m
// high, as a shoreline traced round a rock or a river-mouth bar is). A vertical coast runs
// south to north instead of west to east.
func wholeCoast(n, loops int, vertical bool) orb.LineString {
	base := func(x float64) float64 { return 2000 * math.Sin(x/3000) }
	const loopLen, loopHeight, samples = 60.0, 30.0, 24
	l := make(orb.LineString, 0, n+loops*samples)
	every := n / max(loops, 1)
	for i := 0; i < n; i++ {
		x := float64(i) * 10
		l = append(l, orb.Point{x, base(x)})
		if loops > 0 && i%every == every/2 && i/every < loops {
			for k := 1; k < samples; k++ {
				u := 2*math.Pi*float64(k)/samples - math.Pi // the loop is round u = 0
				xl := x + loopLen*(u+math.Pi-2*math.Sin(u))/(2*math.Pi)
				l = append(l, orb.Point{xl, base(xl) + loopHeight*(1+math.Cos(u))/2})
			}
			i += int(loopLen / 10)
			x = float64(i) * 10
			l = append(l, orb.Point{x, base(x)})
		}
	}
	for k, p := range l {
		if vertical {
			p[0], p[1] = p[1], p[0]
		}
		l[k] = orb.Point{5e5 + p[0], 9e6 + p[1]}
	}
	return l
}

// BenchmarkCheckShoreline checks one whole-coast synthetic shoreline on a 400 km coast
// with 10 m vertices.
func BenchmarkCheckShoreline(b *testing.B) {
	ml := orb.MultiLineString{wholeCoast(40_000, 0, false)}
	for b.Loop() {
		if err := linework.Check(ml); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSelfCrossings finds the loops of whole-coast shorelines of 80,000 segments,
// beside Check on the same line without its loops (Check stops at the first crossing).
func BenchmarkSelfCrossings(b *testing.B) {
	for _, tc := range []struct {
		name     string
		loops    int
		vertical bool
	}{
		{"east/clean", 0, false},
		{"east/30 loops", 30, false},
		{"north/clean", 0, true},
		{"north/30 loops", 30, true},
	} {
		ml := orb.MultiLineString{wholeCoast(80_000, tc.loops, tc.vertical)}
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				if _, n := linework.SelfCrossings(ml, 10); n != tc.loops {
					b.Fatalf("%d crossings, want %d", n, tc.loops)
				}
			}
			b.ReportMetric(float64(len(ml[0])-1), "segments")
		})
		if tc.loops == 0 {
			b.Run(tc.name+"/Check", func(b *testing.B) {
				for b.Loop() {
					if err := linework.Check(ml); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkClean cleans a whole-coast shoreline with nothing to drop.
func BenchmarkClean(b *testing.B) {
	ml := orb.MultiLineString{wholeCoast(80_000, 0, false)}
	for b.Loop() {
		if _, p := linework.Clean(ml); p != nil {
			b.Fatal(p)
		}
	}
}

// BenchmarkSplitAtGaps splits a whole-coast shoreline with 30 jumps of 1 km.
func BenchmarkSplitAtGaps(b *testing.B) {
	l := wholeCoast(80_000, 0, false)
	for k := 1000; k < len(l); k += len(l) / 30 {
		l[k][1] += 1000
	}
	ml := orb.MultiLineString{l}
	for b.Loop() {
		if _, n := linework.SplitAtGaps(ml, 500, nil); n != 60 {
			b.Fatalf("%d jumps, want 60", n)
		}
	}
}
