package places

import (
	"bytes"
	"flag"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/planar"
	"github.com/tasi-gis/tasi/data"
)

var update = flag.Bool("update", false, "rewrite labels.csv from the bundled reference")

// labelTolerance is how far, in degrees (about 0.1 mm), a label point read from the table
// may be from the one computed. On amd64, where the table is made, they are equal bit for
// bit (the table holds shortest round-trip decimals); the tolerance admits only the last
// bits that the compiler's fused multiply-adds on arm64 and others can change.
const labelTolerance = 1e-9

// writeLabels writes rows as a label table (see parseLabels).
func writeLabels(rows []labelRow) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, `# Label points of the municipalities, postos and sucos of the bundled reference
# (data/tls/sucos.geojson: OCHA COD-AB 2020, CC BY-IGO 3.0) as places.FromReference computes
# them: the pole of inaccessibility (polylabel, %g m) of each suco's outline simplified by
# %g degrees, and of each posto and municipality dissolved from those outlines; WGS84.
# hash: FNV-1a 64 of the unit's suco geometry (geometryHash, groupHash); FromReference
# labels a unit afresh when its hash differs. Made by go generate ./data/places; do not edit.
`, labelPrecision, simplifyDegrees)
	line := func(f ...string) {
		for i, s := range f {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(s)
		}
		b.WriteByte('\n')
	}
	line(labelHeader...)
	for _, r := range rows {
		line(string(r.level), r.code, fmt.Sprintf("%016x", r.hash),
			strconv.FormatFloat(r.point[0], 'f', -1, 64), strconv.FormatFloat(r.point[1], 'f', -1, 64))
	}
	return b.Bytes()
}

// near reports whether a and b are within labelTolerance in both coordinates.
func near(a, b orb.Point) bool {
	return math.Abs(a[0]-b[0]) <= labelTolerance && math.Abs(a[1]-b[1]) <= labelTolerance
}

// TestLabelTable labels every unit of the bundled reference without the table and
// compares with the embedded table, row for row: the committed labels.csv is what
// go generate makes. With -update it rewrites labels.csv instead. It then checks that
// FromReference with the table returns the places computed without it.
func TestLabelTable(t *testing.T) {
	ref, err := data.TimorLeste()
	if err != nil {
		t.Fatal(err)
	}
	slow, want, err := fromReference(ref, nil)
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile("labels.csv", writeLabels(want), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote labels.csv: %d units", len(want))
		return
	}
	table, err := parseLabels(labelsCSV)
	if err != nil {
		t.Fatal(err)
	}
	if len(table) != len(want) {
		t.Errorf("the table has %d units, the bundled reference %d: run go generate ./data/places", len(table), len(want))
	}
	var worst float64
	for _, w := range want {
		got, ok := table[w.labelKey]
		switch {
		case !ok:
			t.Errorf("%s %s: not in the table: run go generate ./data/places", w.level, w.code)
		case got.hash != w.hash:
			t.Errorf("%s %s: hash %016x in the table, %016x computed: run go generate ./data/places", w.level, w.code, got.hash, w.hash)
		case !near(got.point, w.point):
			t.Errorf("%s %s: label %v in the table, %v computed: run go generate ./data/places", w.level, w.code, got.point, w.point)
		}
		worst = max(worst, math.Abs(got.point[0]-w.point[0]), math.Abs(got.point[1]-w.point[1]))
	}
	t.Logf("%d units; largest difference between table and computed label: %g degrees", len(want), worst)

	// The table replaces only the label points: all else is read from the reference.
	fast, err := FromReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	if len(fast) != len(slow) {
		t.Fatalf("%d places with the table, %d without", len(fast), len(slow))
	}
	for i := range slow {
		f, s := fast[i], slow[i]
		if !near(f.Point, s.Point) {
			t.Errorf("place %d (%s %s): point %v with the table, %v without", i, s.Level, s.Name, f.Point, s.Point)
		}
		f.Point, s.Point = orb.Point{}, orb.Point{}
		if fmt.Sprint(f) != fmt.Sprint(s) {
			t.Errorf("place %d: with the table\n%+v\nwithout\n%+v", i, f, s)
		}
	}
}

// TestEditedSucoLabels cuts the north off one suco, Lleolima (Hatu-Udo, Ainaro), taking
// with it the table's label points of the suco, its posto and its municipality: those
// three units must be labelled afresh, inside their new outlines, and every other unit
// keeps the table's point.
func TestEditedSucoLabels(t *testing.T) {
	ref, err := data.TimorLeste()
	if err != nil {
		t.Fatal(err)
	}
	table, err := parseLabels(labelsCSV)
	if err != nil {
		t.Fatal(err)
	}
	edited := *ref
	edited.Units = slices.Clone(ref.Units)
	var k int
	for k = range edited.Units {
		if edited.Units[k].Code == "TL010401" {
			break
		}
	}
	lleolima := &edited.Units[k]
	if lleolima.Code != "TL010401" {
		t.Fatal("no suco TL010401 (Lleolima) in the bundled reference")
	}
	// Its bound is 125.525..125.615 E, 9.222..9.010 S; the table's points of Lleolima,
	// Hatu-Udo and Ainaro lie north of 9.14 S.
	south := orb.Bound{Min: orb.Point{125.5, -9.3}, Max: orb.Point{125.7, -9.14}}
	lleolima.Geometry = clip.MultiPolygon(south, lleolima.Geometry.Clone())
	if len(lleolima.Geometry) == 0 {
		t.Fatal("clipping Lleolima left nothing")
	}
	_, rows, err := fromReference(&edited, table)
	if err != nil {
		t.Fatal(err)
	}
	changed := map[labelKey]labelRow{}
	for _, r := range rows {
		old := table[r.labelKey]
		if r.hash != old.hash {
			changed[r.labelKey] = r
		} else if r.point != old.point {
			t.Errorf("%s %s: same hash, point %v, table %v", r.level, r.code, r.point, old.point)
		}
	}
	tests := []struct {
		level Level
		code  string
	}{
		{Suco, "TL010401"},
		{Posto, "TL0104"},
		{Municipality, "TL01"},
	}
	if len(changed) != len(tests) {
		t.Errorf("%d units labelled afresh, want %d: %v", len(changed), len(tests), changed)
	}
	for _, tt := range tests {
		r, ok := changed[labelKey{tt.level, tt.code}]
		if !ok {
			t.Errorf("%s %s: label taken from the table", tt.level, tt.code)
			continue
		}
		old := table[r.labelKey].point
		if near(r.point, old) {
			t.Errorf("%s %s: label %v is the table's", tt.level, tt.code, r.point)
		}
		inside := false
		for _, u := range edited.Units {
			if u.Code == tt.code || u.ParentCode == tt.code || u.RegionCode == tt.code {
				inside = inside || planar.MultiPolygonContains(u.Geometry, r.point)
			}
		}
		if !inside {
			t.Errorf("%s %s: label %v is outside the edited unit", tt.level, tt.code, r.point)
		}
		if planar.MultiPolygonContains(lleolima.Geometry, old) {
			t.Errorf("%s %s: the table's point %v is still in the edited Lleolima", tt.level, tt.code, old)
		}
		t.Logf("%s %s: label %v, the table's %v", tt.level, tt.code, r.point, old)
	}
}
