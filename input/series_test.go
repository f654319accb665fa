package input

import (
	"context"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestReadSeries reads CoastSat's wide and CoastSeg's long layouts; a bad cell skips only
// its observation, with a note naming the row and column.
func TestReadSeries(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name      string
		csv       string
		transects []string
		dates     []string
		chainage  [][]float64
		notes     []string // String() of each note, in order
	}{
		{
			name: "CoastSat wide with bad cells",
			csv: ",dates,satname,NA1,NA2,NA3\n" +
				"0,1987-05-22 23:07:44+00:00,L5,89.1,56.4,--\n" +
				"1,1987-09-11 23:10:29+00:00,L5,inf,85.1,62.0\n" +
				"2,1988-01-01 23:10:29+00:00,L5,90.5,nan,63.5\n",
			transects: []string{"NA1", "NA2", "NA3"},
			dates:     []string{"1987-05-22", "1987-09-11", "1988-01-01"},
			chainage:  [][]float64{{89.1, 56.4, nan}, {nan, 85.1, 62.0}, {90.5, nan, 63.5}},
			notes: []string{
				`s.csv row 2 field "NA3": "--" is not a chainage in metres: observation skipped`,
				`s.csv row 3 field "NA1": "inf" is not a chainage in metres: observation skipped`,
			},
		},
		{
			name: "CoastSeg long",
			csv: "dates,x,y,transect_id,cross_distance,shore_x,shore_y\n" +
				"2018-12-30 18:22:25+00:00,1,2,zih2_1,41.5,0,0\n" +
				"2018-12-30 18:22:25+00:00,1,2,zih2_2,inf,0,0\n" +
				"2019-01-15 18:22:25+00:00,1,2,zih2_1,43.0,0,0\n" +
				"2019-01-15 18:22:25+00:00,1,2,zih2_2,12.25,0,0\n" +
				"2019-01-15 18:22:25+00:00,1,2,zih2_2,12.25,0,0\n",
			transects: []string{"zih2_1", "zih2_2"},
			dates:     []string{"2018-12-30", "2019-01-15"},
			chainage:  [][]float64{{41.5, nan}, {43.0, 12.25}},
			notes: []string{
				`s.csv row 3 field "cross_distance": "inf" is not a chainage in metres: observation skipped`,
				`s.csv row 6: repeats row 5 (transect zih2_2, 2019-01-15T18:22:25Z): read once`,
			},
		},
		{
			name:      "wide, a repeated row",
			csv:       "dates,1,2\n2000-01-01,1,2\n2001-01-01,3,4\n2000-01-01,1,2\n",
			transects: []string{"1", "2"},
			dates:     []string{"2000-01-01", "2001-01-01"},
			chainage:  [][]float64{{1, 2}, {3, 4}},
			notes:     []string{`s.csv row 4: repeats an earlier row of 2000-01-01T00:00:00Z: read once`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, notes, err := ReadSeries(strings.NewReader(tt.csv), "s.csv", DateParser{Latest: now})
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(s.Transects, ",") != strings.Join(tt.transects, ",") {
				t.Errorf("transects %v, want %v", s.Transects, tt.transects)
			}
			if len(s.Dates) != len(tt.dates) {
				t.Fatalf("%d dates, want %d", len(s.Dates), len(tt.dates))
			}
			for i, d := range tt.dates {
				if s.Dates[i].Format(time.DateOnly) != d {
					t.Errorf("date %d = %v, want %s", i, s.Dates[i], d)
				}
				for k, want := range tt.chainage[i] {
					got := s.Chainage[i][k]
					if !(got == want || math.IsNaN(got) && math.IsNaN(want)) {
						t.Errorf("chainage[%d][%d] = %v, want %v", i, k, got, want)
					}
				}
			}
			var got []string
			for _, n := range notes {
				got = append(got, n.String())
			}
			if strings.Join(got, "\n") != strings.Join(tt.notes, "\n") {
				t.Errorf("notes\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.notes, "\n"))
			}
		})
	}
}

// TestReadSeriesErrors: what would count a shoreline twice or put it on the wrong date is
// refused.
func TestReadSeriesErrors(t *testing.T) {
	tests := []struct{ name, csv, want string }{
		{"no dates", "when,1\n2000,1\n", "no dates column"},
		{"bad date", "dates,1\n2000-02-30,1\n", "row 2: column \"dates\""},
		{"future date", "dates,1\n2031-01-01,1\n", "after 2026-06-01"},
		{"one date, two values (wide)", "dates,1\n2000-01-01,1\n2000-01-01,2\n", "row 3: date 2000-01-01T00:00:00Z is also on an earlier row with other values"},
		{"one date, two values (long)", "dates,transect_id,cross_distance\n2000-01-01,a,1\n2000-01-01,a,2\n", "rows 2 and 3: transect a has two chainages (1, 2 m)"},
		{"a column twice", "dates,1,1\n2000-01-01,1,2\n", `transect column "1" appears twice`},
		{"no transect id (long)", "dates,transect_id,cross_distance\n2000-01-01,,1\n", "row 2: column \"transect_id\": no transect id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := ReadSeries(strings.NewReader(tt.csv), "s.csv", DateParser{Latest: now})
			if err == nil || !strings.Contains(err.Error(), "s.csv") || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
	a, _, _ := ReadSeries(strings.NewReader("dates,1\n2000-01-01,1\n"), "a.csv", DateParser{Latest: now})
	b, _, _ := ReadSeries(strings.NewReader("dates,1\n2001-01-01,1\n"), "b.csv", DateParser{Latest: now})
	if _, err := MergeSeries(a, b); err == nil || !strings.Contains(err.Error(), "transect 1 is also in a.csv") {
		t.Errorf("one transect in two files: %v", err)
	}
}

// TestLoadSeriesNeedsIDs: transects read for a time series must carry ids; a feature id
// never stands in for one.
func TestLoadSeriesNeedsIDs(t *testing.T) {
	dir := t.TempDir()
	series := filepath.Join(dir, "series.csv")
	writeFile(t, series, "dates,1,2\n2000-01-01,10,20\n2010-01-01,11,21\n")
	noID := filepath.Join(dir, "transects.geojson")
	writeFeatures(t, noID,
		feat{props: map[string]any{"kind": "cast"}, geom: coastLine(0)[:2]},
		feat{props: map[string]any{"kind": "cast"}, geom: coastLine(0)[2:4]})
	c := Config{Series: []string{series}, Transects: noID, DefaultUncertainty: 10, Admin: "none", Now: now, Bundled: baseConfig().Bundled}
	if _, _, err := Load(context.Background(), c); err == nil || !strings.Contains(err.Error(), "no id field to match the time series") {
		t.Errorf("transects without ids: %v", err)
	}
	nullID := filepath.Join(dir, "null.geojson")
	writeFeatures(t, nullID,
		feat{props: map[string]any{"name": "1"}, geom: coastLine(0)[:2]},
		feat{props: map[string]any{"name": nil}, geom: coastLine(0)[2:4]})
	c.Transects = nullID
	if _, _, err := Load(context.Background(), c); err == nil || !strings.Contains(err.Error(), "feature 1: field \"name\": no id") {
		t.Errorf("a transect with a null id: %v", err)
	}
	c.Shorelines = []string{noID}
	if _, _, err := Load(context.Background(), c); err == nil || !strings.Contains(err.Error(), "not both") {
		t.Errorf("shorelines and series: %v", err)
	}
}
