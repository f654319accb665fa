package input

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestLoadSynthetic: a shoreline is synthetic when its feature carries a true synthetic
// field (tasi demo writes 1); the input is synthetic when any shoreline is, including one
// joined with a real feature of its date; a value that is no yes or no is an error.
func TestLoadSynthetic(t *testing.T) {
	with := func(date string, v any) feat {
		f := dated(date, coastLine(0))
		if v != nil {
			f.props["synthetic"] = v
		}
		return f
	}
	tests := []struct {
		name      string
		feats     []feat
		want      []bool // per shoreline, in date order
		wantInput bool
		wantErr   string
	}{
		{"no field", []feat{with("2000-01-01", nil), with("2010-01-01", nil)}, []bool{false, false}, false, ""},
		{"all marked 1", []feat{with("2000-01-01", 1), with("2010-01-01", 1)}, []bool{true, true}, true, ""},
		{"one marked", []feat{with("2000-01-01", 0), with("2010-01-01", 1)}, []bool{false, true}, true, ""},
		{"null and 0", []feat{with("2000-01-01", nil), with("2010-01-01", 0)}, []bool{false, false}, false, ""},
		{"text", []feat{with("2000-01-01", "yes"), with("2010-01-01", "false")}, []bool{true, false}, true, ""},
		{"JSON true", []feat{with("2000-01-01", true), with("2010-01-01", false)}, []bool{true, false}, true, ""},
		{"joined on a date", []feat{with("2000-01-01", 0), with("2000-01-01", 1), with("2010-01-01", 0)}, []bool{true, false}, true, ""},
		{"not a flag", []feat{with("2000-01-01", "maybe"), with("2010-01-01", 1)}, nil, false, `field "synthetic": "maybe" is not a yes or no`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "shorelines.geojson")
			if tt.name == "joined on a date" { // two features of one date, one moved so it is not a duplicate
				tt.feats[1].geom = coastLine(30)
			}
			writeFeatures(t, path, tt.feats...)
			in, r, err := Load(context.Background(), baseConfig(path))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one with %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(in.Shorelines) != len(tt.want) {
				t.Fatalf("%d shorelines, want %d", len(in.Shorelines), len(tt.want))
			}
			for i, s := range in.Shorelines {
				if s.Synthetic != tt.want[i] {
					t.Errorf("shoreline %d (%s): synthetic %v, want %v", i+1, s.Date.Format("2006-01-02"), s.Synthetic, tt.want[i])
				}
			}
			if in.Synthetic() != tt.wantInput {
				t.Errorf("input synthetic %v, want %v", in.Synthetic(), tt.wantInput)
			}
			notes := 0
			for _, n := range notesOf(r, Info) {
				if strings.Contains(n.Message, "marked synthetic") {
					notes++
				}
			}
			if want := map[bool]int{false: 0, true: 1}[tt.wantInput]; notes != want {
				t.Errorf("%d notes of synthetic features, want %d", notes, want)
			}
		})
	}
}
