package linework

import (
	"math"
	"reflect"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/paulmach/orb/planar"
)

func TestClean(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	good := orb.LineString{{0, 0}, {10, 0}, {20, 5}}
	tests := []struct {
		name     string
		in       orb.MultiLineString
		keep     []int // indexes of the parts kept
		problems []Problem
	}{
		{"clean", orb.MultiLineString{good, {{0, 5}, {10, 5}}}, []int{0, 1}, nil},
		{"nothing", orb.MultiLineString{}, nil, nil},
		{"repeated vertices are kept", orb.MultiLineString{{{0, 0}, {5, 0}, {5, 0}, {10, 0}}}, []int{0}, nil},
		{"lon/lat", orb.MultiLineString{{{125.5, -8.5}, {125.5001, -8.5}}}, []int{0}, nil},
		{"empty part", orb.MultiLineString{good, {}}, []int{0},
			[]Problem{{Kind: EmptyPart, Part: 1, Vertex: -1}}},
		{"single vertex", orb.MultiLineString{{{3, 4}}, good}, []int{1},
			[]Problem{{Kind: SingleVertex, Part: 0, At: orb.Point{3, 4}, Located: true}}},
		{"zero length", orb.MultiLineString{good, {{3, 4}, {3, 4}, {3, 4}}, good}, []int{0, 2},
			[]Problem{{Kind: ZeroLength, Part: 1, At: orb.Point{3, 4}, Located: true}}},
		{"NaN in the middle", orb.MultiLineString{{{0, 0}, {1, 1}, {nan, 2}, {3, 3}}, good}, []int{1},
			[]Problem{{Kind: NonFinite, Part: 0, Vertex: 2, At: orb.Point{1, 1}, Located: true}}},
		{"infinity first", orb.MultiLineString{good, {{inf, 0}, {1, 1}}}, []int{0},
			[]Problem{{Kind: NonFinite, Part: 1, Vertex: 0, At: orb.Point{1, 1}, Located: true}}},
		{"nothing finite", orb.MultiLineString{{{nan, nan}}}, []int{},
			[]Problem{{Kind: NonFinite, Part: 0, Vertex: 0}}},
		{"every kind", orb.MultiLineString{{}, {{1, 1}}, good, {{2, 2}, {2, 2}}, {{0, 0}, {0, -inf}}}, []int{2},
			[]Problem{
				{Kind: EmptyPart, Part: 0, Vertex: -1},
				{Kind: SingleVertex, Part: 1, At: orb.Point{1, 1}, Located: true},
				{Kind: ZeroLength, Part: 3, At: orb.Point{2, 2}, Located: true},
				{Kind: NonFinite, Part: 4, Vertex: 1, At: orb.Point{0, 0}, Located: true},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := tt.in.Clone()
			got, problems := Clean(tt.in)
			if !reflect.DeepEqual(problems, tt.problems) {
				t.Errorf("problems:\n got %+v\nwant %+v", problems, tt.problems)
			}
			want := orb.MultiLineString{}
			for _, k := range tt.keep {
				want = append(want, tt.in[k])
			}
			if len(got) != len(want) || len(got) > 0 && !reflect.DeepEqual(got, want) {
				t.Errorf("kept %v, want %v", got, want)
			}
			if tt.problems == nil && len(tt.in) > 0 && &got[0] != &tt.in[0] {
				t.Error("clean input was copied, want it returned as is")
			}
			if !equalWithNaN(tt.in, before) {
				t.Errorf("Clean modified its argument: %v, was %v", tt.in, before)
			}
		})
	}
}

// equalWithNaN compares multilines, NaN equal to NaN.
func equalWithNaN(a, b orb.MultiLineString) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			for k := range 2 {
				x, y := a[i][j][k], b[i][j][k]
				if x != y && !(math.IsNaN(x) && math.IsNaN(y)) {
					return false
				}
			}
		}
	}
	return true
}

func TestProblemString(t *testing.T) {
	for _, tc := range []struct {
		p    Problem
		want string
	}{
		{Problem{Kind: EmptyPart, Part: 1, Vertex: -1}, "part 1: empty part"},
		{Problem{Kind: ZeroLength, Part: 3, At: orb.Point{712345.5, 8956789}, Located: true}, "part 3: zero length near (712345.5, 8.956789e+06)"},
		{Problem{Kind: NonFinite, Part: 0, Vertex: 7, At: orb.Point{125.25, -8.5}, Located: true}, "part 0: non-finite coordinate at vertex 7 near (125.25, -8.5)"},
		{Problem{Kind: 9}, "part 0: ProblemKind(9)"},
	} {
		if got := tc.p.String(); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
}

func TestSelfCrossings(t *testing.T) {
	// A shoreline along y = 10 that loops back at a river mouth: out to y = 40, back, and
	// on along y = 25, crossing its own first leg's end at (30, 25).
	loop := orb.LineString{{-200, 10}, {30, 10}, {30, 40}, {-30, 40}, {-30, 25}, {200, 25}}
	// A zigzag crossed by a straight part three times, at x = 5, 15 and 25.
	zig := orb.LineString{{0, -5}, {10, 5}, {20, -5}, {30, 5}}
	tests := []struct {
		name  string
		ml    orb.MultiLineString
		limit int
		want  []orb.Point
		total int
	}{
		{"straight", orb.MultiLineString{{{0, 0}, {10, 0}, {20, 5}}}, 10, nil, 0},
		{"closed ring", orb.MultiLineString{{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}}, 10, nil, 0},
		{"parts meeting end to end", orb.MultiLineString{{{0, 0}, {10, 0}}, {{10, 0}, {10, 10}}}, 10, nil, 0},
		{"repeated vertex", orb.MultiLineString{{{0, 0}, {5, 0}, {5, 0}, {10, 0}}}, 10, nil, 0},
		{"figure eight", orb.MultiLineString{{{0, 0}, {10, 10}, {10, 0}, {0, 10}}}, 10, []orb.Point{{5, 5}}, 1},
		{"river-mouth loop", orb.MultiLineString{loop}, 10, []orb.Point{{30, 25}}, 1},
		{"part ending on another's middle", orb.MultiLineString{{{0, 0}, {10, 0}}, {{5, 5}, {5, 0}}}, 10, []orb.Point{{5, 0}}, 1},
		{"touching back", orb.MultiLineString{{{0, 0}, {10, 0}, {10, 10}, {5, 0}}}, 10, []orb.Point{{5, 0}}, 1},
		// Through a vertex of the other part: two segment pairs, one crossing.
		{"through a vertex", orb.MultiLineString{{{0, 0}, {10, 0}, {20, 0}}, {{10, -5}, {10, 5}}}, 10, []orb.Point{{10, 0}}, 1},
		{"three crossings in order", orb.MultiLineString{zig, {{0, 0}, {30, 0}}}, 10, []orb.Point{{5, 0}, {15, 0}, {25, 0}}, 3},
		{"ordered by the first part", orb.MultiLineString{{{30, 0}, {0, 0}}, zig}, 10, []orb.Point{{25, 0}, {15, 0}, {5, 0}}, 3},
		{"limit", orb.MultiLineString{zig, {{0, 0}, {30, 0}}}, 2, []orb.Point{{5, 0}, {15, 0}}, 3},
		{"count only", orb.MultiLineString{zig, {{0, 0}, {30, 0}}}, 0, nil, 3},
		// The segments to and from the NaN vertex would cross the first and last ones.
		{"segment with NaN ignored", orb.MultiLineString{{{0, 0}, {10, 0}, {math.NaN(), 0}, {0, 10}, {10, 10}}}, 10, nil, 0},
		{"segments either side of NaN still cross", orb.MultiLineString{{{0, 0}, {10, 10}, {math.NaN(), 0}, {0, 10}, {10, 0}}}, 10, []orb.Point{{5, 5}}, 1},
		// Lon/lat near Dili: topology does not care about units.
		{"lon/lat figure eight", orb.MultiLineString{{{125.5, -8.6}, {125.6, -8.5}, {125.6, -8.6}, {125.5, -8.5}}}, 10, []orb.Point{{125.55, -8.55}}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, total := SelfCrossings(tt.ml, tt.limit)
			if total != tt.total || len(got) != len(tt.want) {
				t.Fatalf("got %v, %d in all; want %v, %d", got, total, tt.want, tt.total)
			}
			for i := range got {
				if planar.Distance(got[i], tt.want[i]) > 1e-9 {
					t.Errorf("crossing %d at %v, want %v", i, got[i], tt.want[i])
				}
			}
			if _, found := selfCrossing(tt.ml); found != (tt.total > 0) {
				t.Errorf("selfCrossing says %v, SelfCrossings %d", found, tt.total)
			}
		})
	}
}

func TestSplitAtGaps(t *testing.T) {
	tests := []struct {
		name   string
		in     orb.MultiLineString
		maxGap float64
		want   orb.MultiLineString
		jumps  int
	}{
		{"no jump", orb.MultiLineString{{{0, 0}, {10, 0}, {20, 0}}}, 15, orb.MultiLineString{{{0, 0}, {10, 0}, {20, 0}}}, 0},
		{"off", orb.MultiLineString{{{0, 0}, {1000, 0}}}, 0, orb.MultiLineString{{{0, 0}, {1000, 0}}}, 0},
		{"one jump", orb.MultiLineString{{{0, 0}, {10, 0}, {500, 0}, {510, 0}}}, 100,
			orb.MultiLineString{{{0, 0}, {10, 0}}, {{500, 0}, {510, 0}}}, 1},
		{"exactly max gap stays", orb.MultiLineString{{{0, 0}, {100, 0}}}, 100, orb.MultiLineString{{{0, 0}, {100, 0}}}, 0},
		// A vertex between two jumps is left on its own and dropped; so are the ends.
		{"one-vertex leftovers", orb.MultiLineString{{{0, 0}, {500, 0}, {510, 0}, {1000, 0}, {1500, 0}, {1510, 0}}}, 100,
			orb.MultiLineString{{{500, 0}, {510, 0}}, {{1500, 0}, {1510, 0}}}, 3},
		{"other parts keep their place", orb.MultiLineString{{{0, 5}, {10, 5}}, {{0, 0}, {10, 0}, {500, 0}, {510, 0}}, {{0, 9}, {10, 9}}}, 100,
			orb.MultiLineString{{{0, 5}, {10, 5}}, {{0, 0}, {10, 0}}, {{500, 0}, {510, 0}}, {{0, 9}, {10, 9}}}, 1},
		// A ring with one jump opens there, running on across its closing vertex.
		{"ring", orb.MultiLineString{{{0, 0}, {50, 0}, {100, 0}, {100, 50}, {0, 50}, {0, 0}}}, 60,
			orb.MultiLineString{{{0, 50}, {0, 0}, {50, 0}, {100, 0}, {100, 50}}}, 1},
		{"ring with two jumps", orb.MultiLineString{{{0, 0}, {50, 0}, {150, 0}, {150, 50}, {150, 150}, {100, 150}, {50, 150}, {0, 150}, {0, 100}, {0, 50}, {0, 0}}}, 60,
			orb.MultiLineString{{{150, 150}, {100, 150}, {50, 150}, {0, 150}, {0, 100}, {0, 50}, {0, 0}, {50, 0}}, {{150, 0}, {150, 50}}}, 2},
		{"ring with a jump at its closing vertex", orb.MultiLineString{{{0, 0}, {50, 0}, {50, 50}, {0, 50}, {0, 150}, {0, 0}}}, 60,
			orb.MultiLineString{{{0, 0}, {50, 0}, {50, 50}, {0, 50}}}, 2},
		{"NaN kept", orb.MultiLineString{{{0, 0}, {math.NaN(), 0}, {10, 0}}}, 100, orb.MultiLineString{{{0, 0}, {math.NaN(), 0}, {10, 0}}}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := tt.in.Clone()
			got, jumps := SplitAtGaps(tt.in, tt.maxGap, nil)
			if jumps != tt.jumps || !equalWithNaN(got, tt.want) {
				t.Errorf("got %v, %d jumps; want %v, %d", got, jumps, tt.want, tt.jumps)
			}
			if !equalWithNaN(tt.in, before) {
				t.Errorf("SplitAtGaps modified its argument: %v, was %v", tt.in, before)
			}
			if jumps == 0 && len(got) > 0 && &got[0] != &tt.in[0] {
				t.Error("unsplit input was copied, want it returned as is")
			}
			for i, l := range got { // appending to a piece must not write into the input
				_ = append(l, orb.Point{-1, -1})
				if !equalWithNaN(tt.in, before) {
					t.Fatalf("appending to piece %d changed the input", i)
				}
			}
		})
	}
}

func TestSplitAtGapsLonLat(t *testing.T) {
	// On the equator 0.001° of longitude is 111.3 m: the 0.01° jump (1113 m) goes, the
	// 0.001° steps stay. With planar distances in degrees nothing exceeds 500.
	l := orb.LineString{{125, 0}, {125.001, 0}, {125.002, 0}, {125.012, 0}, {125.013, 0}}
	got, jumps := SplitAtGaps(orb.MultiLineString{l}, 500, geo.Distance)
	want := orb.MultiLineString{l[:3], l[3:]}
	if jumps != 1 || !reflect.DeepEqual(got, want) {
		t.Errorf("geo.Distance: got %v, %d jumps; want %v, 1", got, jumps, want)
	}
	if _, jumps := SplitAtGaps(orb.MultiLineString{l}, 500, planar.Distance); jumps != 0 {
		t.Errorf("planar distance in degrees: %d jumps, want 0", jumps)
	}
}
