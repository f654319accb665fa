package data

import (
	"encoding/json"
	"testing"

	"github.com/paulmach/orb"
)

func TestCoordinates(t *testing.T) {
	var mp multiPolygon
	if err := json.Unmarshal([]byte(` [ [ [ [125.5, -8.5], [125.6,-8.5, 12], [1e2, -2.5E-1], [125.5, -8.5] ] ], [] ] `), &mp); err != nil {
		t.Fatal(err)
	}
	want := orb.MultiPolygon{{{{125.5, -8.5}, {125.6, -8.5}, {100, -0.25}, {125.5, -8.5}}}, {}}
	if !orb.Equal(orb.MultiPolygon(mp), want) {
		t.Errorf("multipolygon %v, want %v", mp, want)
	}
	var ls lineString
	if err := json.Unmarshal([]byte(`[[1,2],[3,4]]`), &ls); err != nil || !orb.Equal(orb.LineString(ls), orb.LineString{{1, 2}, {3, 4}}) {
		t.Errorf("line string %v, %v", ls, err)
	}
	for _, bad := range []string{`[[1]]`, `[[1,"a"]]`, `[1,2]`, `{"x":1}`, `[[1,2]`} {
		var l lineString
		if err := l.UnmarshalJSON([]byte(bad)); err == nil {
			t.Errorf("line string %s: no error", bad)
		}
	}
	var p point
	if err := p.UnmarshalJSON([]byte(`[1,2] x`)); err == nil {
		t.Error("point with trailing data: no error")
	}
}
