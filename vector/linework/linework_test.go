package linework

import (
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

func TestCheck(t *testing.T) {
	tests := []struct {
		name string
		ml   orb.MultiLineString
		want string // "" for valid
	}{
		{"straight", orb.MultiLineString{{{0, 0}, {10, 0}, {20, 5}}}, ""},
		{"closed ring", orb.MultiLineString{{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}}, ""},
		{"two disjoint parts", orb.MultiLineString{{{0, 0}, {10, 0}}, {{0, 5}, {10, 5}}}, ""},
		{"repeated vertex", orb.MultiLineString{{{0, 0}, {5, 0}, {5, 0}, {10, 0}}}, ""},
		{"empty", orb.MultiLineString{}, "empty geometry"},
		{"single vertex", orb.MultiLineString{{{1, 1}}}, "single vertex"},
		{"zero length", orb.MultiLineString{{{1, 1}, {1, 1}}}, "zero length"},
		{"figure eight", orb.MultiLineString{{{0, 0}, {10, 10}, {10, 0}, {0, 10}}}, "crosses itself near (5.0, 5.0)"},
		{"loop back onto itself", orb.MultiLineString{{{0, 0}, {10, 0}, {10, 5}, {5, -5}}}, "crosses itself"},
		{"parts crossing", orb.MultiLineString{{{0, 0}, {10, 0}}, {{5, -5}, {5, 5}}}, "crosses itself near (5.0, 0.0)"},
		{"parts meeting end to end", orb.MultiLineString{{{0, 0}, {10, 0}}, {{10, 0}, {10, 10}}}, ""},
		{"part ending on another's middle", orb.MultiLineString{{{0, 0}, {10, 0}}, {{5, 5}, {5, 0}}}, "crosses itself near (5.0, 0.0)"},
		{"touching back", orb.MultiLineString{{{0, 0}, {10, 0}, {10, 10}, {5, 0}}}, "crosses itself near (5.0, 0.0)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Check(tt.ml)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("Check: %v, want valid", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("Check: %v, want error containing %q", err, tt.want)
			}
		})
	}
}

func TestMerge(t *testing.T) {
	tests := []struct {
		name  string
		in    orb.MultiLineString
		parts int
		verts []int // vertices per merged part
		ring  []bool
	}{
		{
			name:  "pieces in order",
			in:    orb.MultiLineString{{{0, 0}, {1, 0}}, {{1, 0}, {2, 0}}, {{2, 0}, {3, 1}}},
			parts: 1, verts: []int{4}, ring: []bool{false},
		},
		{
			name:  "pieces reversed and shuffled",
			in:    orb.MultiLineString{{{2, 0}, {3, 1}}, {{1, 0}, {0, 0}}, {{2, 0}, {1, 0}}},
			parts: 1, verts: []int{4}, ring: []bool{false},
		},
		{
			name:  "island in three pieces closes",
			in:    orb.MultiLineString{{{0, 0}, {10, 0}}, {{10, 0}, {10, 10}}, {{0, 0}, {0, 10}, {10, 10}}},
			parts: 1, verts: []int{5}, ring: []bool{true},
		},
		{
			name:  "ends within tolerance",
			in:    orb.MultiLineString{{{0, 0}, {1, 0}}, {{1.3, 0}, {2, 0}}},
			parts: 1, verts: []int{3}, ring: []bool{false}, // the near-duplicate joint snaps to one vertex
		},
		{
			name:  "separate coasts stay apart",
			in:    orb.MultiLineString{{{0, 0}, {1, 0}}, {{5, 5}, {6, 5}}},
			parts: 2, verts: []int{2, 2}, ring: []bool{false, false},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Merge(tt.in, 0.5)
			if len(got) != tt.parts {
				t.Fatalf("Merge gave %d parts, want %d: %v", len(got), tt.parts, got)
			}
			for i, l := range got {
				if len(l) != tt.verts[i] {
					t.Errorf("part %d has %d vertices, want %d: %v", i, len(l), tt.verts[i], l)
				}
				if closed := l[0] == l[len(l)-1]; closed != tt.ring[i] {
					t.Errorf("part %d closed = %v, want %v", i, closed, tt.ring[i])
				}
				if err := Check(orb.MultiLineString{l}); err != nil {
					t.Errorf("part %d: %v", i, err)
				}
			}
		})
	}
}
